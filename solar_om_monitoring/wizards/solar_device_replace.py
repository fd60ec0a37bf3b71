# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from markupsafe import Markup

from odoo import api, fields, models


class SolarDeviceReplace(models.TransientModel):
    _inherit = "solar.device.replace"

    fsm_order_id = fields.Many2one("fsm.order", readonly=True)
    site_id = fields.Many2one("solar.site", readonly=True)
    device_id = fields.Many2one(
        domain="[('site_id', '=', site_id), ('state', '=', 'in_service')]", readonly=False
    )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        ctx = self.env.context
        if ctx.get("solar_fsm_order_id"):
            values["fsm_order_id"] = ctx["solar_fsm_order_id"]
            values["site_id"] = ctx.get("solar_site_id")
        return values

    def action_replace(self):
        """From a work order, a technician (who only reads equipment) records
        the swap: done as superuser, written on the order for the record."""
        self.ensure_one()
        if not self.fsm_order_id:
            return super().action_replace()
        order = self.fsm_order_id
        order.check_access("write")
        old = self.device_id.sudo()
        new = old.replace_with(
            self.serial_number, model_name=self.model_name, firmware=self.firmware, date=self.date
        )
        order.message_post(
            body=Markup("%s")
            % self.env._(
                "Replaced %(type)s %(old)s by %(new)s.",
                type=dict(old._fields["device_type"].selection)[old.device_type],
                old=old.serial_number,
                new=new.serial_number,
            )
        )
        return {"type": "ir.actions.act_window_close"}
