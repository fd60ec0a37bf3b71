# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The sales representative and the operations manager kept in the loop:
followers of the site's cases, told of its service milestones."""

from odoo import api, fields, models


class HelpdeskTicket(models.Model):
    # one concern of helpdesk.ticket per file (see helpdesk_ticket.py)
    _inherit = "helpdesk.ticket"  # pylint: disable=consider-merging-classes-inherited

    solar_sales_user_id = fields.Many2one(related="solar_site_id.sales_user_id")
    solar_operations_manager_id = fields.Many2one(
        related="solar_site_id.project_id.solar_operations_manager_id"
    )

    def _solar_subscribe_service_followers(self):
        subtype = self.env.ref("solar_om_cases.mt_solar_milestone")
        for ticket in self.filtered("solar_site_id"):
            users = ticket.solar_sales_user_id | ticket.solar_operations_manager_id
            if users:
                ticket.sudo().message_subscribe(
                    partner_ids=users.partner_id.ids, subtype_ids=subtype.ids
                )

    def _solar_milestone(self, body):
        """A point the service documents name (RMA part arrived, visit
        scheduled, finding recorded, case resolved): the followers subscribed
        to service milestones (sales representative, operations manager) are told."""
        for ticket in self:
            ticket.sudo().message_post(body=body, subtype_xmlid="solar_om_cases.mt_solar_milestone")

    @api.model_create_multi
    def create(self, vals_list):
        tickets = super().create(vals_list)
        tickets._solar_subscribe_service_followers()
        return tickets

    def write(self, vals):
        closing = (
            self.filtered(lambda t: not t.closed)
            if vals.get("stage_id")
            and self.env["helpdesk.ticket.stage"].browse(vals["stage_id"]).closed
            else self.browse()
        )
        result = super().write(vals)
        if "solar_site_id" in vals:
            self._solar_subscribe_service_followers()
        for ticket in closing:
            ticket._solar_milestone(
                self.env._("Case resolved: %(case)s is closed.", case=ticket.display_name)
            )
        return result
