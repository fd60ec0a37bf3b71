# Copyright 2026 Solar O&M
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class SolarDeviceReplace(models.TransientModel):
    _name = "solar.device.replace"
    _description = "Replace a Solar Device"

    device_id = fields.Many2one("solar.device", required=True, readonly=True)
    serial_number = fields.Char(string="New Serial Number", required=True)
    model_name = fields.Char(string="New Model")
    firmware = fields.Char()
    date = fields.Date(required=True, default=fields.Date.context_today)

    @api.model
    def action_open(self, context):
        """The wizard in a dialog, from a device or from a work order."""
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Replace Device"),
            "res_model": self._name,
            "view_mode": "form",
            "target": "new",
            "context": context,
        }

    def action_replace(self):
        self.ensure_one()
        new_device = self.device_id.replace_with(
            self.serial_number,
            model_name=self.model_name,
            firmware=self.firmware,
            date=self.date,
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "solar.device",
            "res_id": new_device.id,
            "view_mode": "form",
        }
