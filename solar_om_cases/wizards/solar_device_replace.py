# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class SolarDeviceReplace(models.TransientModel):
    _inherit = "solar.device.replace"

    def action_replace(self):
        """On the replacement path, a swapped device needs its regulatory
        documents on file: remind whoever holds the ticket."""
        result = super().action_replace()
        ticket = self.fsm_order_id.ticket_id.sudo()
        if ticket.resolution_path == "visit_replacement":
            new = self.device_id.sudo().replaced_by_id
            ticket.activity_schedule(
                "mail.mail_activity_data_upload_document",
                summary=self.env._("Upload the regulatory documents of the replacement"),
                note=self.env._(
                    "%(old)s was replaced by %(new)s: upload the documents the regulator "
                    "and the utility require.",
                    old=self.device_id.serial_number,
                    new=new.serial_number,
                ),
                user_id=(ticket.user_id or self.env.user).id,
            )
        return result
