# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The sales representative and the operations manager kept in the loop:
followers of the site's cases, told of its service milestones."""

from collections import defaultdict

from odoo import models


class SolarTicketFollowers(models.AbstractModel):
    _name = "solar.ticket.followers"
    _description = "Solar Case: Service Followers"

    def _solar_subscribe_service_followers(self):
        subtype = self.env.ref("solar_om_cases.mt_solar_milestone")
        # the tickets with the same people to subscribe, subscribed together
        # (a batch of new tickets on one installer's sites: one call, not one
        # a ticket)
        by_partners = defaultdict(lambda: self.browse())
        for ticket in self.filtered("solar_site_id"):
            users = ticket.solar_sales_user_id | ticket.solar_operations_manager_id
            if users:
                by_partners[tuple(users.partner_id.ids)] |= ticket
        for partner_ids, tickets in by_partners.items():
            tickets.sudo().message_subscribe(partner_ids=list(partner_ids), subtype_ids=subtype.ids)

    def _solar_milestone(self, body):
        """A point the service documents name (RMA part arrived, visit
        scheduled, finding recorded, case resolved): the followers subscribed
        to service milestones (sales representative, operations manager) are told."""
        for ticket in self:
            ticket.sudo().message_post(body=body, subtype_xmlid="solar_om_cases.mt_solar_milestone")
