# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from typing import NamedTuple

from odoo import api, fields, models, tools

from solar_om_engine import sla as sla_rules

SLA_CLOCKS = [
    (sla_rules.Clock.DETECT.value, "Time to Detect"),
    (sla_rules.Clock.DISPATCH.value, "Time to Dispatch"),
    (sla_rules.Clock.FIX.value, "Time to Fix"),
    (sla_rules.Clock.VERIFY.value, "Time to Verify"),
]


class ClockRule(NamedTuple):
    """An SLA with a monitoring clock, as plain values (kept in a cache)."""

    clock: str
    hours: float
    domain: str
    company_id: int
    team_ids: frozenset
    category_ids: frozenset
    tag_ids: frozenset
    level_ids: frozenset

    def applies_to(self, ticket):
        """Whether this clock target applies to `ticket` (its case type's
        parents and its tags read only when the rule asks for them)."""
        if self.company_id and self.company_id != ticket.company_id.id:
            return False
        if self.team_ids and ticket.team_id.id not in self.team_ids:
            return False
        if self.level_ids and ticket.solar_contract_level_id.id not in self.level_ids:
            return False
        if self.category_ids:
            categories = ticket.category_id
            while categories[-1:].parent_id:
                categories |= categories[-1].parent_id
            if not self.category_ids.intersection(categories.ids):
                return False
        return not self.tag_ids or bool(self.tag_ids.intersection(ticket.tag_ids.ids))


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

    @api.model
    @tools.ormcache(cache="stable")
    def _solar_clock_rules(self):
        """Every active SLA with a monitoring clock (`ClockRule`s), read in
        one search and kept until an SLA changes: the clocks of the tickets
        each part of a daily close or a check opens are computed without
        reading the SLAs, their teams, case types, tags and levels again."""
        slas = (
            self.sudo()
            .with_context(active_test=True)
            .search_fetch(
                [("solar_clock", "!=", False)],
                [
                    "solar_clock",
                    "days",
                    "hours",
                    "domain",
                    "company_id",
                    "team_ids",
                    "category_ids",
                    "tag_ids",
                    "solar_contract_level_ids",
                ],
            )
        )
        return tuple(
            ClockRule(
                clock=sla.solar_clock,
                hours=sla_rules.target_hours(sla.days, sla.hours),
                domain=sla.domain or "",
                company_id=sla.company_id.id,
                team_ids=frozenset(sla.team_ids.ids),
                category_ids=frozenset(sla.category_ids.ids),
                tag_ids=frozenset(sla.tag_ids.ids),
                level_ids=frozenset(sla.solar_contract_level_ids.ids),
            )
            for sla in slas
        )

    @api.model_create_multi
    def create(self, vals_list):
        self.env.registry.clear_cache("stable")
        return super().create(vals_list)

    def write(self, vals):
        self.env.registry.clear_cache("stable")
        return super().write(vals)

    def unlink(self):
        self.env.registry.clear_cache("stable")
        return super().unlink()
