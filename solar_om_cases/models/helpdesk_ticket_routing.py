# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Where a case goes: the case type's team however the ticket was made, the
customer's concern (the engine's routing rule), and the outage suppression
a case sets on its site."""

from odoo import fields, models

from solar_om_engine import cases

CONCERN_LABELS = {
    cases.Concern.SAVINGS: "Savings / High Bills",
    cases.Concern.SERVICE: "Maintenance, Repair or Outage",
    cases.Concern.PLATFORM: "Monitoring Platform Set-up",
}
CONCERNS = [(concern.value, CONCERN_LABELS[concern]) for concern in cases.Concern]


def case_type_xmlid(code):
    """The case type record shipped for an engine case type code."""
    return f"solar_om_cases.case_type_{code}"


class SolarTicketRouting(models.AbstractModel):
    _name = "solar.ticket.routing"
    _description = "Solar Case: Routing"

    solar_concern = fields.Selection(
        CONCERNS,
        string="Customer's Concern",
        tracking=True,
        help="Routes the case: savings to Savings Analysis, repairs to the service team, "
        "platform set-up to the manufacturer's instructions. Systems not past the "
        "installer handover go to the installer.",
    )

    def _solar_route_concern(self):
        """Route by what the customer raises (the engine's rule)."""
        for ticket in self:
            site = ticket.solar_site_id
            route = cases.route_concern(
                ticket.solar_concern,
                handover_approved=site.handover_approved if site else None,
                has_case_type=bool(ticket.category_id),
            )
            if route.action == cases.ConcernAction.REFER_TO_INSTALLER:
                site._solar_refer_to_installer(ticket, dict(CONCERNS)[ticket.solar_concern])
            elif route.action == cases.ConcernAction.POST_INSTRUCTIONS:
                ticket._solar_post_platform_instructions()
            else:
                category = self.env.ref(case_type_xmlid(route.case_type))
                values = {"team_id": category.solar_team_id.id}
                if route.replace_case_type:
                    values["category_id"] = category.id
                ticket.write(values)
                # routed elsewhere: the owner of the new routing, if it lost its own
                ticket._solar_assign_owner()

    def _solar_post_platform_instructions(self):
        body = self.env["solar.platform.instruction"]._render(self.solar_site_id.vendor)
        self.message_post(body=body, subtype_xmlid="mail.mt_note")

    def _apply_suppression(self):
        for ticket in self.filtered("solar_site_id"):
            ticket.solar_site_id.sudo()._solar_suppress_for(ticket)
