# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Who owns a case. helpdesk_mgmt's auto-assign gives a new ticket to
whoever creates it, which made the homeowner reporting a problem on the
portal its assignee (and OdooBot the owner of tickets made by the system).
A customer's case is owned as its case type routes it (the engine's
`cases.case_owner`): the type's owner, else its team's leader; a portal
user never owns a case. Monitoring tickets wait, unowned, for their team:
a person taking one in hand decides when it closes."""

from odoo import api, models
from odoo.exceptions import ValidationError

from solar_om_engine import cases


class HelpdeskTicket(models.Model):
    # one concern of helpdesk.ticket per file (see helpdesk_ticket.py)
    _inherit = "helpdesk.ticket"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def default_get(self, fields):
        defaults = super().default_get(fields)
        user = self.env["res.users"].browse(defaults.get("user_id") or [])
        # the creator is no owner when a customer (portal) or the system
        if user and (user.share or user._is_superuser()):
            defaults.pop("user_id")
        return defaults

    @api.constrains("user_id")
    def _check_owner_not_customer(self):
        for ticket in self:
            if ticket.user_id.share:
                raise ValidationError(
                    self.env._(
                        "%(ticket)s cannot be assigned to %(user)s: a customer (portal user) "
                        "never owns a case. Assign it to a member of the team.",
                        ticket=ticket.display_name,
                        user=ticket.user_id.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        tickets = super().create(vals_list)
        tickets._solar_assign_owner()
        return tickets

    def _solar_assign_owner(self):
        """Give each unowned customer case the owner of its routing."""
        for ticket in self.filtered(lambda t: not t.user_id and not t.solar_monitoring):
            type_owner, lead = ticket.category_id.solar_user_id, ticket.team_id.user_id
            candidates = type_owner | lead
            owner = cases.case_owner(
                type_owner.id, lead.id, portal_users=candidates.filtered("share").ids
            )
            if owner:
                ticket.sudo().user_id = owner
