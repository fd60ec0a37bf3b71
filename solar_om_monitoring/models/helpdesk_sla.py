# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

from solar_om_engine import sla as sla_rules

SLA_CLOCKS = [
    (sla_rules.Clock.DETECT.value, "Time to Detect"),
    (sla_rules.Clock.DISPATCH.value, "Time to Dispatch"),
    (sla_rules.Clock.FIX.value, "Time to Fix"),
    (sla_rules.Clock.VERIFY.value, "Time to Verify"),
]


class HelpdeskSla(models.Model):
    """An SLA of OCA `helpdesk_mgmt_sla` can be the target of one of a
    monitoring ticket's clocks, per contract level. Such an SLA is not
    tracked by OCA's stage deadlines (those run from the ticket's creation in
    working hours): the monitoring's clocks measure each step of the fault's
    life in wall-clock hours, from the fault's start to its verified fix."""

    _inherit = "helpdesk.sla"

    solar_clock = fields.Selection(
        SLA_CLOCKS,
        string="Monitoring Clock",
        help="The step of a monitoring ticket this SLA sets the target of: detect (fault "
        "start to ticket), dispatch (ticket to work order assigned or scheduled), fix "
        "(to the last order done) or verify (to the ticket closed once the site reports "
        "normally). Days and hours are wall-clock time here (24 hours a day), not working "
        "hours. Empty: an ordinary helpdesk SLA.",
    )
    solar_contract_level_ids = fields.Many2many(
        "solar.contract.level",
        string="Contract Levels",
        help="Tickets of sites with an active contract at one of these levels; empty: any "
        "ticket the other filters select.",
    )

    def _solar_target_hours(self):
        self.ensure_one()
        return sla_rules.target_hours(self.days, self.hours)

    def _solar_applies_to(self, ticket):
        """Whether this clock target applies to `ticket` (no query: the SLAs
        and tickets are read once for all)."""
        self.ensure_one()
        categories = ticket.category_id
        while categories[-1:].parent_id:
            categories |= categories[-1].parent_id
        return (
            (not self.company_id or self.company_id == ticket.company_id)
            and (not self.team_ids or ticket.team_id in self.team_ids)
            and (not self.category_ids or bool(self.category_ids & categories))
            and (not self.tag_ids or bool(self.tag_ids & ticket.tag_ids))
            and (
                not self.solar_contract_level_ids
                or ticket.solar_contract_level_id in self.solar_contract_level_ids
            )
        )
