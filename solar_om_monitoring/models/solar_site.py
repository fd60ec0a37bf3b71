# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict
from datetime import timedelta

from markupsafe import Markup
from psycopg2.errors import SerializationFailure

from odoo import api, fields, models
from odoo.tools import SQL, mute_logger

from solar_om_engine import planner
from solar_om_engine.daylight import is_daylight
from solar_om_engine.kinds import HealthState, health_state_choices

from .health_run import expected_kwh, naive_utc, sql_values

# the engine's closed set: a test fails if the selection drifts from it
HEALTH = health_state_choices()

# a claimed site is not due again before this, even if its worker died
CLAIM_LEASE = timedelta(minutes=10)
# what the health check reads of a claimed site
CHECK_FIELDS = [
    "name",
    "vendor_site_ref",
    "account_id",
    "company_id",
    "latitude",
    "longitude",
    "tz",
    "capacity_dc_kwp",
    "capacity_ac_kw",
    "connection",
    "meter_expected",
]
RESULT_FIELDS = [
    "health_state",
    "health_reason",
    "last_checked_at",
    "next_check_at",
    "last_report_at",
    "last_power_w",
    "last_energy_today_kwh",
    "expected_energy_today_kwh",
    "poll_error",
]

# What is wrong right now comes first: faults, then silence, then the sites
# nobody can judge, then the healthy ones. Colours are the kanban palette
# (1 red, 2 orange, 3 yellow, 4 light blue, 10 green, 0 none).
HEALTH_RANK_COLOR = {
    "inverter_fault": (10, 1),
    "string_mlpe_fault": (11, 1),
    "meter_fault": (12, 1),
    "underperformance": (13, 1),
    "configuration_issue": (14, 1),
    "vendor_outage": (15, 2),
    "comms_loss": (20, 2),
    "not_watched": (30, 3),
    "indeterminate": (40, 4),
    "unknown": (50, 0),
    "reporting": (55, 4),
    "ok": (60, 10),
    "night": (70, 0),
}
PROBLEM_STATES = tuple(k for k, (rank, _color) in HEALTH_RANK_COLOR.items() if rank < 30)

LOCATION_FIELDS = {
    "name",
    "partner_id",
    "street",
    "street2",
    "zip",
    "city",
    "state_id",
    "country_id",
    "latitude",
    "longitude",
    "fsm_team_id",
    "territory_id",
}


class SolarSite(models.Model):
    _inherit = "solar.site"

    account_id = fields.Many2one(
        "solar.monitoring.account",
        string="Monitoring Account",
        index=True,
        check_company=True,
        tracking=True,
    )
    fsm_location_id = fields.Many2one(
        "fsm.location", string="Service Location", readonly=True, copy=False, index=True
    )
    # who serves the site: field-service concepts (OCA), mirrored on its location
    fsm_team_id = fields.Many2one(
        "fsm.team",
        string="Field Service Team",
        tracking=True,
        help="Work orders for this site go to this team.",
    )
    territory_id = fields.Many2one(
        "res.territory",
        tracking=True,
        help="Work orders for this site go to the territory's primary field worker "
        "unless the service location names its own workers.",
    )
    connection = fields.Selection(
        [("ethernet", "Ethernet"), ("wifi", "Wi-Fi"), ("cellular", "Cellular")],
        help="How the gateway reaches the vendor's cloud: cellular ones report "
        "every 6 hours, so they are called silent much later.",
    )
    meter_expected = fields.Boolean(
        string="Has Production Meter", help="Silence from the meter is then a Meter Fault."
    )
    # written in bulk by the health check
    health_state = fields.Selection(HEALTH, default="unknown", readonly=True, index=True)
    health_reason = fields.Char(readonly=True)
    last_checked_at = fields.Datetime(readonly=True)
    next_check_at = fields.Datetime(readonly=True, index=True)
    last_report_at = fields.Datetime(string="Last Heard From", readonly=True)
    last_power_w = fields.Float(string="Power (W)", readonly=True)
    last_energy_today_kwh = fields.Float(string="Energy Today (kWh)", readonly=True, digits=(16, 2))
    poll_error = fields.Char(readonly=True, help="Why the last check could not read this site.")
    expected_energy_today_kwh = fields.Float(
        string="Expected Today (kWh)",
        readonly=True,
        digits=(16, 2),
        help="What the site should have made so far today, as the last check judged it "
        "(nearby sites, else clear sky).",
    )
    production_ratio = fields.Float(
        string="Of Expected",
        compute="_compute_health_display",
        help="Energy today over the energy expected so far today.",
    )
    health_rank = fields.Integer(
        string="Urgency",
        compute="_compute_health_display",
        help="Faults first, then comms loss, then sites nobody can judge, then healthy ones.",
    )
    health_color = fields.Integer(compute="_compute_health_display")
    production_count = fields.Integer(compute="_compute_monitoring_counts")
    solar_energy_rate = fields.Monetary(
        string="Energy Rate (per kWh)",
        help="What a kWh of this site is worth to the customer: their tariff, or the PPA "
        "price. Values the energy a fault loses.",
    )
    fault_ids = fields.One2many("solar.fault", "site_id")
    open_fault_count = fields.Integer(compute="_compute_monitoring_counts")
    production_ids = fields.One2many("solar.production.daily", "site_id")
    ticket_ids = fields.One2many("helpdesk.ticket", "solar_site_id")
    fsm_order_ids = fields.One2many("fsm.order", "solar_site_id", string="Work Orders")
    ticket_count = fields.Integer(compute="_compute_monitoring_counts")

    @api.depends("health_state", "last_energy_today_kwh", "expected_energy_today_kwh")
    def _compute_health_display(self):
        for site in self:
            rank, color = HEALTH_RANK_COLOR.get(site.health_state, (50, 0))
            site.health_rank, site.health_color = rank, color
            expected = site.expected_energy_today_kwh
            site.production_ratio = site.last_energy_today_kwh / expected if expected else 0.0

    def _field_to_sql(self, alias, field_expr, query=None):
        # the urgency is a CASE over the stored health: sortable and
        # groupable in SQL, so "problems first" costs no query per site
        if field_expr == "health_rank":
            health = super()._field_to_sql(alias, "health_state", query)
            cases = SQL(" ").join(
                SQL("WHEN %s THEN %s", state, rank)
                for state, (rank, _color) in HEALTH_RANK_COLOR.items()
            )
            return SQL("(CASE %s %s ELSE 50 END)", health, cases)
        return super()._field_to_sql(alias, field_expr, query)

    def _compute_monitoring_counts(self):
        faults = dict(
            self.env["solar.fault"]._read_group(
                [("site_id", "in", self.ids), ("state", "!=", "closed")], ["site_id"], ["__count"]
            )
        )
        tickets = dict(
            self.env["helpdesk.ticket"]._read_group(
                [("solar_site_id", "in", self.ids), ("closed", "=", False)],
                ["solar_site_id"],
                ["__count"],
            )
        )
        days = dict(
            self.env["solar.production.daily"]._read_group(
                [("site_id", "in", self.ids)], ["site_id"], ["__count"]
            )
        )
        for site in self:
            site.open_fault_count = faults.get(site, 0)
            site.ticket_count = tickets.get(site, 0)
            site.production_count = days.get(site, 0)

    def action_view_tickets(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "helpdesk_mgmt.helpdesk_ticket_action"
        )
        action["domain"] = [("solar_site_id", "=", self.id)]
        action["context"] = {
            "default_solar_site_id": self.id,
            "default_partner_id": self.partner_id.id,
            "search_default_open": 1,
        }
        return action

    def action_view_production(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "solar_om_monitoring.solar_production_daily_action"
        )
        action["domain"] = [("site_id", "=", self.id)]
        action["context"] = {"search_default_last_30_days": 1}
        return action

    def action_view_faults(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "solar_om_monitoring.solar_fault_action"
        )
        action["domain"] = [("site_id", "=", self.id)]
        return action

    # ------------------------------------------------------------ portal
    def _portal_health(self):
        """The site's health for its owner: (tone, plain words)."""
        self.ensure_one()
        words = {
            "ok": ("success", self.env._("Working normally.")),
            "night": ("secondary", self.env._("Resting for the night.")),
            "unknown": ("secondary", self.env._("Not checked yet.")),
            "indeterminate": (
                "info",
                self.env._(
                    "We cannot tell right now: your system reports rarely; we will check again."
                ),
            ),
            "not_watched": ("secondary", self.env._("Not watched by our monitoring.")),
            "reporting": (
                "info",
                self.env._("Reporting to us; its production is checked later today."),
            ),
            "comms_loss": (
                "warning",
                self.env._(
                    "We have not heard from your system lately. This is most often the "
                    "internet connection or the gateway; we are looking into it."
                ),
            ),
            "vendor_outage": (
                "warning",
                self.env._(
                    "The manufacturer's monitoring service is down; nothing to do on your side."
                ),
            ),
            "inverter_fault": ("danger", self.env._("Your system is not producing. We are on it.")),
            "string_mlpe_fault": (
                "danger",
                self.env._("Part of your system is not producing. We are on it."),
            ),
            "underperformance": (
                "danger",
                self.env._("Your system is producing less than it should. We are on it."),
            ),
            "meter_fault": (
                "danger",
                self.env._("Your production meter is not reporting correctly."),
            ),
            "configuration_issue": (
                "danger",
                self.env._("Your system's monitoring needs setting up again. We are on it."),
            ),
        }
        return words.get(self.health_state, words["unknown"])

    def _portal_ticket_values(self, description):
        """A problem the owner reported on the portal: a ticket on this site
        for the service team to triage."""
        self.ensure_one()
        team = self.env.ref(
            "solar_om_monitoring.helpdesk_team_solar_service", raise_if_not_found=False
        )
        channel = self.env.ref(
            "helpdesk_mgmt.helpdesk_ticket_channel_web", raise_if_not_found=False
        )
        return {
            "name": self.env._("Problem reported on %(site)s", site=self.name),
            "description": Markup("<p>%s</p>") % description,
            "partner_id": self.env.user.partner_id.id,
            "solar_site_id": self.id,
            "project_id": self.project_id.id,
            "team_id": team.id if team else False,
            "channel_id": channel.id if channel else False,
            "company_id": self.company_id.id,
        }

    # ------------------------------------------------------------ field service
    def _fsm_location_values(self):
        self.ensure_one()
        return {
            "name": self.name,
            "owner_id": self.partner_id.id,
            "street": self.street,
            "street2": self.street2,
            "zip": self.zip,
            "city": self.city,
            "state_id": self.state_id.id,
            "country_id": self.country_id.id,
            "partner_latitude": self.latitude,
            "partner_longitude": self.longitude,
            "team_id": self.fsm_team_id.id,
            "territory_id": self.territory_id.id,
            "company_id": self.company_id.id,
        }

    def _fsm_assignee(self):
        """The field worker an order for this site goes to: the location's
        first worker, else its territory's primary assignment."""
        self.ensure_one()
        location = self.fsm_location_id
        return location.person_ids[:1].person_id or location.territory_id.person_id

    def _sync_fsm_location(self):
        """Each site has its field-service location (OCA `fsm.location`),
        created here and kept in step with the site's customer and address.
        It is created without `partner_id`: fieldservice would otherwise
        rename the customer's own contact after the site."""
        missing = self.filtered(lambda s: not s.fsm_location_id)
        locations = (
            self.env["fsm.location"]
            .sudo()
            .create([site._fsm_location_values() for site in missing])
        )
        for site, location in zip(missing, locations, strict=True):
            site.fsm_location_id = location
        for site in self - missing:
            site.fsm_location_id.sudo().write(site._fsm_location_values())

    @api.model_create_multi
    def create(self, vals_list):
        sites = super().create(vals_list)
        sites._sync_fsm_location()
        return sites

    def write(self, vals):
        result = super().write(vals)
        if LOCATION_FIELDS & set(vals) and not self.env.context.get("solar_no_sync"):
            self.filtered("fsm_location_id")._sync_fsm_location()
        return result

    # ------------------------------------------------------------ health check
    @api.model
    def _health_claim_due(self, accounts, at, force, commit, limit=None):
        """Claim the due sites of `accounts` and return them as dicts of
        `CHECK_FIELDS`: one UPDATE moves their next check past a lease and
        skips rows another worker holds, so several workers split the fleet
        and no site is checked twice. In the cron the claim is committed at
        once, making it visible to the other workers."""
        due = (
            SQL("TRUE")
            if force
            else SQL("(next_check_at IS NULL OR next_check_at <= %s)", naive_utc(at))
        )
        claim = SQL(
            """
            UPDATE solar_site SET next_check_at = %s
            WHERE id IN (
                SELECT id FROM solar_site
                WHERE account_id = ANY(%s) AND active AND vendor_site_ref IS NOT NULL AND %s
                ORDER BY floor(latitude), floor(longitude), id
                LIMIT %s
                FOR UPDATE SKIP LOCKED)
            RETURNING id
            """,
            naive_utc(at + CLAIM_LEASE),
            accounts.ids,
            due,
            limit,
        )
        for attempt in range(3):
            if commit:
                self.env["ir.cron"]._commit_progress(0)  # a fresh snapshot for the claim
            try:
                with mute_logger("odoo.sql_db"):
                    self.env.cr.execute(claim)
                ids = sorted(row[0] for row in self.env.cr.fetchall())
                break
            except SerializationFailure:
                # another worker committed its claim on a row while ours ran
                if not commit or attempt == 2:
                    raise
                self.env.cr.rollback()
        if commit:
            self.env["ir.cron"]._commit_progress(0)
        self.invalidate_model(["next_check_at"])
        rows = self.sudo().browse(ids).read(CHECK_FIELDS)
        arrays = self._health_arrays(ids)
        for row in rows:
            row["account_id"] = row["account_id"][0]
            row["company_id"] = row["company_id"][0]
            row["arrays"] = arrays.get(row["id"], [])
        return rows

    @api.model
    def _health_arrays(self, ids):
        """Site id -> its roof arrays as the engine reads them, for the sites
        whose orientation is known (one query for the whole chunk)."""
        arrays = defaultdict(list)
        for array in (
            self.env["solar.site.array"]
            .sudo()
            .search_read(
                [("site_id", "in", ids), ("site_id.roof_orientation", "=", "arrays")],
                ["site_id", "dc_kwp", "tilt", "azimuth"],
            )
        ):
            arrays[array["site_id"][0]].append(
                {"dc_kwp": array["dc_kwp"], "tilt": array["tilt"], "azimuth": array["azimuth"]}
            )
        return arrays

    @api.model
    def _health_mark_unpolled(self, rows, state, at, reason=None, error=None):
        """Sites the check did not poll (night, no coordinates): their state
        and why, in one UPDATE."""
        if not rows:
            return
        self.env.cr.execute(
            SQL(
                "UPDATE solar_site SET health_state = %s, health_reason = %s, poll_error = %s,"
                " last_checked_at = %s WHERE id = ANY(%s)",
                state,
                reason,
                error,
                naive_utc(at),
                [r["id"] for r in rows],
            )
        )
        self.invalidate_model(["health_state", "health_reason", "poll_error", "last_checked_at"])

    @api.model
    def _health_write_results(self, batch, evidence, run, faulty_sites):
        """One UPDATE for the batch: each site's verdict, last readings, poll
        error and next check (sooner while it has a fault)."""
        rows = []
        for row in batch:
            key = str(row["id"])
            verdict, reading = evidence.verdicts.get(key), evidence.readings.get(key)
            next_at = self._health_next_judgment(row, run)
            energy = reading.energy_today_wh if reading else None
            rows.append(
                (
                    row["id"],
                    verdict.kind if verdict else HealthState.UNKNOWN.value,
                    (verdict.reason if verdict else None),
                    naive_utc(next_at),
                    naive_utc(reading.last_report_at) if reading else None,
                    reading.power_w if reading else None,
                    energy / 1000 if energy is not None else None,
                    expected_kwh(verdict),
                    evidence.errors.get(key),
                )
            )
        self.env.cr.execute(
            SQL(
                """
                UPDATE solar_site AS s SET
                    health_state = v.state,
                    health_reason = COALESCE(v.reason, s.health_reason),
                    last_checked_at = %s,
                    next_check_at = v.next_at::timestamp,
                    last_report_at = COALESCE(v.report_at::timestamp, s.last_report_at),
                    last_power_w = COALESCE(v.power::float8, s.last_power_w),
                    last_energy_today_kwh = COALESCE(v.energy::float8, s.last_energy_today_kwh),
                    expected_energy_today_kwh = v.expected::float8,
                    poll_error = v.error
                FROM (VALUES %s)
                    AS v(id, state, reason, next_at, report_at, power, energy, expected, error)
                WHERE s.id = v.id
                """,
                run.naive_at,
                sql_values(rows),
            )
        )
        self.invalidate_model(RESULT_FIELDS)

    @api.model
    def _health_next_judgment(self, row, run):
        """When the site `row` is next due for a production judgment: its next
        slot in its account's plan (solar noon, mid-afternoon), or the month's
        end when the plan pays for none (the liveness passes still watch it)."""
        return planner.next_judgment_at(
            run.plans[row["account_id"]], row["latitude"], row["longitude"], run.at, row["id"]
        ) or planner.month_end(run.at)

    @api.model
    def _health_mark_night(self, rows, run):
        """Sites in the dark: not polled, not judged, and not due again
        before their next production slot, in one UPDATE."""
        if not rows:
            return
        values = [(row["id"], naive_utc(self._health_next_judgment(row, run))) for row in rows]
        self.env.cr.execute(
            SQL(
                "UPDATE solar_site AS s SET health_state = 'night', health_reason = %s,"
                " poll_error = NULL, last_checked_at = %s, next_check_at = v.next_at::timestamp"
                " FROM (VALUES %s) AS v(id, next_at) WHERE s.id = v.id",
                self.env._("night: not polled, not judged"),
                run.naive_at,
                sql_values(values),
            )
        )
        self.invalidate_model(
            ["health_state", "health_reason", "poll_error", "last_checked_at", "next_check_at"]
        )

    @api.model
    def _health_lit_sites(self, account, run):
        """The account's active sites in daylight now, as dicts of
        `CHECK_FIELDS` (one query; the sun is computed per distinct place)."""
        rows = (
            self.sudo()
            .with_context(active_test=True)
            .search_read(
                [
                    ("account_id", "=", account.id),
                    ("vendor_site_ref", "!=", False),
                    ("latitude", "!=", False),
                    ("longitude", "!=", False),
                ],
                CHECK_FIELDS,
                order="id",
            )
        )
        lit, sun = [], {}
        for row in rows:
            place = (round(row["latitude"], 1), round(row["longitude"], 1))
            if place not in sun:
                sun[place] = is_daylight(*place, run.at, run.thresholds.min_elevation_deg)
            if sun[place]:
                row["account_id"] = row["account_id"][0]
                row["company_id"] = row["company_id"][0]
                lit.append(row)
        return lit

    @api.model
    def _health_write_liveness(self, batch, evidence, run):
        """One UPDATE for a liveness pass's batch: when each site last
        reported and, unless a production judgment says more, its state."""
        rows = []
        for row in batch:
            key = str(row["id"])
            verdict, reading = evidence.verdicts.get(key), evidence.readings.get(key)
            rows.append(
                (
                    row["id"],
                    verdict.kind if verdict else "unknown",
                    verdict.reason if verdict else None,
                    naive_utc(reading.last_report_at) if reading else None,
                    evidence.errors.get(key),
                )
            )
        # a site heard from keeps what its last production judgment said
        # (ok, or the fault still open); only an unknown, silent or unwatched
        # site becomes "reporting"
        self.env.cr.execute(
            SQL(
                """
                UPDATE solar_site AS s SET
                    health_state = CASE
                        WHEN v.state = 'reporting' AND s.health_state NOT IN
                            ('unknown', 'night', 'indeterminate', 'comms_loss',
                             'vendor_outage', 'not_watched')
                        THEN s.health_state ELSE v.state END,
                    health_reason = CASE
                        WHEN v.state = 'reporting' AND s.health_state NOT IN
                            ('unknown', 'night', 'indeterminate', 'comms_loss',
                             'vendor_outage', 'not_watched')
                        THEN s.health_reason ELSE COALESCE(v.reason, s.health_reason) END,
                    last_checked_at = %s,
                    last_report_at = COALESCE(v.report_at::timestamp, s.last_report_at),
                    poll_error = v.error
                FROM (VALUES %s) AS v(id, state, reason, report_at, error)
                WHERE s.id = v.id
                """,
                run.naive_at,
                sql_values(rows),
            )
        )
        self.invalidate_model(RESULT_FIELDS)

    @api.model
    def _health_mark_not_watched(self, account, run):
        """Every active site of a blind account shows "not watched", with why
        and since when, in one UPDATE: never "ok" while nothing is read."""
        since = account.blind_since.strftime("%Y-%m-%d %H:%M UTC")
        words = dict(account._fields["blind_reason"].selection)[account.blind_reason]
        reason = self.env._(
            "not watched since %(since)s: %(why)s (account %(account)s)",
            since=since,
            why=words,
            account=account.name,
        )
        self.env.cr.execute(
            SQL(
                "UPDATE solar_site SET health_state = 'not_watched', health_reason = %s,"
                " last_checked_at = %s WHERE account_id = %s AND active",
                reason,
                run.naive_at,
                account.id,
            )
        )
        self.invalidate_model(["health_state", "health_reason", "last_checked_at"])

    @api.model
    def _health_suppressed(self, batch, at):
        """Keys of the sites where an outage is expected right now
        (solar_om_cases adds them)."""
        return frozenset()
