# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models, tools
from odoo.tools import SQL

from ..models.solar_fault import FAULT_KINDS
from ..models.solar_site_health import HEALTH, HEALTH_COLOR

SECTIONS = [
    ("health", "Sites by Health"),
    ("fault", "Open Faults"),
    ("ticket", "Tickets Waiting"),
    ("account", "Monitoring Accounts"),
    ("onboarding", "Onboarding"),
]
TICKET_TILES = [("dispatch", "Waiting for Dispatch"), ("verify", "Waiting for Verification")]
# onboarding tiles: systems no site watches yet, sites the check cannot place,
# sites whose vendor deactivated them (the same domains as the lists they open)
ONBOARDING_TILES = [
    ("not_monitored", "Not Monitored Yet"),
    ("no_coordinates", "No Coordinates"),
    ("monitoring_stopped", "Deactivated by Vendor"),
]
# a fault older than this is overdue on the overview
FAULT_OVERDUE_DAYS = 7
# a plan with more calls left than this has no real monthly limit
UNLIMITED_CALLS = 10**9


class SolarFleetOverview(models.Model):
    """The tiles of the Fleet Overview, counted in one query: sites by
    health, open faults by kind and age, tickets waiting for dispatch or
    verification, and each monitoring account. A tile opens the list behind
    its count."""

    _name = "solar.fleet.overview"
    _description = "Fleet Overview"
    _auto = False
    _order = "section_sequence, sequence, id"
    _depends = {
        "solar.site": [
            "active",
            "account_id",
            "health_state",
            "company_id",
            "has_coordinates",
            "monitoring_stopped",
        ],
        "solar.vendor.system": ["state", "company_id"],
        "solar.fault": ["kind", "state", "first_seen", "company_id"],
        "helpdesk.ticket": [
            "stage_id",
            "solar_site_id",
            "solar_monitoring",
            "active",
            "company_id",
        ],
        "fsm.order": ["ticket_id"],
        "solar.monitoring.account": ["active", "vendor", "last_error", "company_id"],
    }

    # group_expand: the sections show in this order, and each even when empty
    section = fields.Selection(SECTIONS, readonly=True, group_expand=True)
    section_sequence = fields.Integer(readonly=True)
    code = fields.Char(readonly=True)
    sequence = fields.Integer(readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    account_id = fields.Many2one("solar.monitoring.account", readonly=True)
    count = fields.Integer(readonly=True)
    header_count = fields.Integer(
        string="In This Section",
        readonly=True,
        aggregator="sum",
        help="What the section's header counts: sites, faults or tickets (the tiles' "
        "counts added up); accounts one each.",
    )
    count_late = fields.Integer(
        string="Overdue",
        readonly=True,
        help="Faults open longer than a week; for an account, whether its last check failed.",
    )
    name = fields.Char(compute="_compute_display")
    color = fields.Integer(compute="_compute_display")
    note = fields.Char(compute="_compute_display")

    def _codes(self):
        return (
            [c for c, _label in HEALTH]
            + [c for c, _label in TICKET_TILES]
            + [c for c, _label in ONBOARDING_TILES]
        )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        codes = self._codes()
        code_index = SQL(" ").join(SQL("WHEN %s THEN %s", c, i) for i, c in enumerate(codes))
        sections = SQL(" ").join(SQL("WHEN %s THEN %s", s, i) for i, (s, _l) in enumerate(SECTIONS))
        self.env.cr.execute(
            SQL(
                """
                CREATE VIEW %(table)s AS (
                SELECT CASE WHEN t.account_id IS NOT NULL THEN 1000000 + t.account_id
                            ELSE t.company_id * 10000 + (CASE t.section %(sections)s END) * 100
                                 + (CASE t.code %(code_index)s ELSE 99 END)
                       END AS id,
                       t.section, (CASE t.section %(sections)s END) AS section_sequence,
                       t.code, (CASE t.code %(code_index)s ELSE 0 END) AS sequence,
                       t.company_id, t.account_id, t.count, t.count_late,
                       CASE WHEN t.account_id IS NOT NULL THEN 1 ELSE t.count END
                           AS header_count
                  FROM (
                    SELECT 'health' AS section, s.health_state AS code, s.company_id,
                           NULL::int AS account_id, COUNT(*) AS count, 0 AS count_late
                      FROM solar_site s
                     WHERE s.active AND s.account_id IS NOT NULL
                       AND s.monitoring_stopped IS NOT TRUE
                  GROUP BY s.health_state, s.company_id
                UNION ALL
                    SELECT 'fault', f.kind, f.company_id, NULL, COUNT(*),
                           COUNT(*) FILTER (WHERE f.first_seen
                               < (now() AT TIME ZONE 'UTC') - make_interval(days => %(overdue)s))
                      FROM solar_fault f
                     WHERE f.state != 'closed'
                  GROUP BY f.kind, f.company_id
                UNION ALL
                    SELECT 'ticket',
                           CASE WHEN t.stage_id = verifying.res_id
                                THEN 'verify' ELSE 'dispatch' END,
                           t.company_id, NULL, COUNT(*), 0
                      FROM helpdesk_ticket t
                      JOIN helpdesk_ticket_stage st ON st.id = t.stage_id AND NOT st.closed
                 LEFT JOIN ir_model_data verifying
                        ON verifying.module = 'solar_om_monitoring'
                       AND verifying.name = 'helpdesk_ticket_stage_verifying'
                     WHERE t.solar_site_id IS NOT NULL AND t.solar_monitoring AND t.active
                       AND (t.stage_id = verifying.res_id
                            OR NOT EXISTS (SELECT 1 FROM fsm_order o WHERE o.ticket_id = t.id))
                  GROUP BY 2, t.company_id
                UNION ALL
                    SELECT 'account', a.vendor, a.company_id, a.id, COUNT(s.id),
                           (a.last_error IS NOT NULL)::int
                      FROM solar_monitoring_account a
                 LEFT JOIN solar_site s ON s.account_id = a.id AND s.active
                     WHERE a.active
                  GROUP BY a.id
                UNION ALL
                    SELECT 'onboarding', 'not_monitored', v.company_id, NULL, COUNT(*), 0
                      FROM solar_vendor_system v
                     WHERE v.state IN ('new', 'queued')
                  GROUP BY v.company_id
                UNION ALL
                    SELECT 'onboarding', 'no_coordinates', s.company_id, NULL, COUNT(*), 0
                      FROM solar_site s
                     WHERE s.active AND s.account_id IS NOT NULL AND s.has_coordinates IS NOT TRUE
                  GROUP BY s.company_id
                UNION ALL
                    SELECT 'onboarding', 'monitoring_stopped', s.company_id, NULL, COUNT(*), 0
                      FROM solar_site s
                     WHERE s.active AND s.monitoring_stopped
                  GROUP BY s.company_id
                  ) AS t
                )
                """,
                table=SQL.identifier(self._table),
                code_index=code_index,
                sections=sections,
                overdue=FAULT_OVERDUE_DAYS,
            )
        )

    def _compute_display(self):
        labels = dict(HEALTH) | dict(FAULT_KINDS) | dict(TICKET_TILES) | dict(ONBOARDING_TILES)
        for tile in self:
            note = ""
            if tile.section == "account":
                account = tile.account_id
                tile.name = account.name
                tile.color = 1 if tile.count_late else 10
                note = (
                    self.env._("Last check failed: %s", account.last_error)
                    if tile.count_late
                    else self.env._(
                        "%(calls)s calls left this month, every %(minutes).0f min",
                        calls=account.quota_headroom,
                        minutes=account.check_interval_minutes,
                    )
                    if account.quota_headroom < UNLIMITED_CALLS
                    else self.env._(
                        "no monthly limit, every %(minutes).0f min",
                        minutes=account.check_interval_minutes,
                    )
                )
            else:
                tile.name = labels.get(tile.code, tile.code)
                if tile.section == "health":
                    tile.color = HEALTH_COLOR.get(tile.code, 0)
                elif tile.section == "onboarding":
                    tile.color = 3 if tile.code == "no_coordinates" else 4
                elif tile.section == "fault":
                    tile.color = 2 if tile.code == "comms_loss" else 1
                    if tile.count_late:
                        note = self.env._(
                            "%(late)s open for more than %(days)s days",
                            late=tile.count_late,
                            days=FAULT_OVERDUE_DAYS,
                        )
                else:
                    tile.color = 7
            tile.note = note

    def action_open(self):
        """The list behind the tile's count."""
        self.ensure_one()
        if self.section == "account":
            return {
                "type": "ir.actions.act_window",
                "res_model": "solar.monitoring.account",
                "res_id": self.account_id.id,
                "view_mode": "form",
                "views": [(False, "form")],
            }
        if self.section == "onboarding" and self.code == "not_monitored":
            action = self.env["ir.actions.act_window"]._for_xml_id(
                "solar_om_monitoring.solar_vendor_system_action"
            )
            action.update(
                domain=[("state", "in", ("new", "queued"))],
                context={"create": False},
                name=f"{self.name} ({self.count})",
            )
            return action
        if self.section == "onboarding":
            xmlid = "solar_om.solar_site_action"
            domain = (
                [("account_id", "!=", False), ("has_coordinates", "=", False)]
                if self.code == "no_coordinates"
                else [("monitoring_stopped", "=", True)]
            )
        elif self.section == "health":
            xmlid, domain = (
                "solar_om.solar_site_action",
                [
                    ("account_id", "!=", False),
                    ("monitoring_stopped", "=", False),
                    ("health_state", "=", self.code),
                ],
            )
        elif self.section == "fault":
            xmlid, domain = (
                "solar_om_monitoring.solar_fault_action",
                [
                    ("kind", "=", self.code),
                    ("state", "!=", "closed"),
                ],
            )
        else:
            verifying = self.env.ref("solar_om_monitoring.helpdesk_ticket_stage_verifying")
            xmlid = "helpdesk_mgmt.helpdesk_ticket_action"
            domain = [
                ("solar_monitoring", "=", True),
                ("solar_site_id", "!=", False),
                ("closed", "=", False),
            ]
            domain += (
                [("stage_id", "=", verifying.id)]
                if self.code == "verify"
                else [("stage_id", "!=", verifying.id), ("fsm_order_ids", "=", False)]
            )
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        action.update(
            domain=domain,
            context={"create": False},
            name=f"{self.name} ({self.count})",
            view_mode="list,kanban,form",
            views=[(False, "list"), (False, "kanban"), (False, "form")],
        )
        return action
