# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The health check's reads and writes on sites: claiming the due sites
(several workers split the fleet), the lit sites of a liveness pass, and
each batch's results in one UPDATE (never a query per site)."""

from collections import defaultdict
from datetime import timedelta

from psycopg2.errors import SerializationFailure

from odoo import api, models
from odoo.tools import SQL, mute_logger

from solar_om_engine import planner
from solar_om_engine.daylight import is_daylight
from solar_om_engine.kinds import REPORTING_REPLACES, HealthState

from .health_run import expected_kwh, local_minute, naive_utc, sql_values

# a claimed site is not due again before this, even if its worker died
CLAIM_LEASE = timedelta(minutes=10)
# what the health check reads of a site (the claim's RETURNING lists them
# in this order, after the id)
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


class SolarSitePolling(models.AbstractModel):
    _name = "solar.site.polling"
    _description = "Solar Site: Polling"

    @api.model
    def _health_claim_due(self, accounts, at, force, commit, limit=None):
        """Claim the due sites of `accounts` and return them as dicts of
        `CHECK_FIELDS` (ids for the many2ones): one UPDATE moves their next
        check past a lease, skips rows another worker holds and returns what
        the check reads, so several workers split the fleet and no site is
        checked twice. In the cron the claim is committed at once, making it
        visible to the other workers."""
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
                WHERE account_id = ANY(%s) AND active AND vendor_site_ref IS NOT NULL
                      AND monitoring_stopped IS NOT TRUE AND %s
                ORDER BY floor(latitude), floor(longitude), id
                LIMIT %s
                FOR UPDATE SKIP LOCKED)
            RETURNING id, name, vendor_site_ref, account_id, company_id, latitude::float8,
                longitude::float8, tz, COALESCE(capacity_dc_kwp, 0)::float8,
                COALESCE(capacity_ac_kw, 0)::float8, connection,
                COALESCE(meter_expected, FALSE), roof_orientation = 'arrays'
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
                claimed = sorted(self.env.cr.fetchall())
                break
            except SerializationFailure:
                # another worker committed its claim on a row while ours ran
                if not commit or attempt == 2:
                    raise
                self.env.cr.rollback()
        if commit:
            self.env["ir.cron"]._commit_progress(0)
        rows = [dict(zip(["id", *CHECK_FIELDS], values[:-1], strict=True)) for values in claimed]
        self.browse([row["id"] for row in rows])._health_written(["next_check_at"])
        # the arrays of the sites whose roof is entered (no query when none is)
        arrays = self._health_arrays([values[0] for values in claimed if values[-1]])
        history = self.env["solar.production.daily"]._health_history_ratios(rows, at)
        for row in rows:
            row["arrays"] = arrays.get(row["id"], [])
            row["history_ratio"] = history.get(row["id"])
        return rows

    @api.model
    def _health_arrays(self, ids):
        """Site id -> its roof arrays as the engine reads them, for the sites
        whose orientation is known (one query for the whole chunk)."""
        arrays = defaultdict(list)
        if not ids:
            return arrays
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
        self.browse([r["id"] for r in rows])._health_written(
            ["health_state", "health_reason", "poll_error", "last_checked_at"]
        )

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
        self.browse([row["id"] for row in batch])._health_written(RESULT_FIELDS)

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
        self.browse([row["id"] for row in rows])._health_written(
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
                    ("monitoring_stopped", "=", False),
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
                sun[place] = is_daylight(*place, run.at, run.min_elevation_deg)
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
        # "reporting" replaces only what the engine lets it (an unknown,
        # silent or unwatched site); a judged site keeps its judgment
        keeps = SQL(
            "v.state = 'reporting' AND s.health_state <> ALL(%s)", sorted(REPORTING_REPLACES)
        )
        self.env.cr.execute(
            SQL(
                """
                UPDATE solar_site AS s SET
                    health_state = CASE WHEN %s THEN s.health_state ELSE v.state END,
                    health_reason = CASE WHEN %s
                        THEN s.health_reason ELSE COALESCE(v.reason, s.health_reason) END,
                    last_checked_at = %s,
                    last_report_at = COALESCE(v.report_at::timestamp, s.last_report_at),
                    poll_error = v.error
                FROM (VALUES %s) AS v(id, state, reason, report_at, error)
                WHERE s.id = v.id
                """,
                keeps,
                keeps,
                run.naive_at,
                sql_values(rows),
            )
        )
        self.browse([row["id"] for row in batch])._health_written(RESULT_FIELDS)

    @api.model
    def _health_mark_not_watched(self, account, run):
        """Every active site of a blind account shows "not watched", with why
        and since when, in one UPDATE: never "ok" while nothing is read."""
        # read by the back office: the clock of the manager the incident goes to
        since = local_minute(account.blind_since, account._solar_reader_tz())
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
                " last_checked_at = %s WHERE account_id = %s AND active"
                " AND monitoring_stopped IS NOT TRUE RETURNING id",
                reason,
                run.naive_at,
                account.id,
            )
        )
        self.browse([row[0] for row in self.env.cr.fetchall()])._health_written(
            ["health_state", "health_reason", "last_checked_at"]
        )

    def _health_written(self, fnames):
        """After a raw UPDATE of `fnames` on these sites: drop their cached
        values and tell the ORM, so that what depends on them (the urgency,
        colour and production ratio shown; any stored compute) follows, as
        Odoo's own raw updates do (`parent_path`). Without it a value computed
        from the health before the check stays cached for the transaction."""
        self.invalidate_recordset(fnames)
        self.modified(fnames)

    @api.model
    def _health_suppressed(self, batch, at):
        """Keys of the sites where an outage is expected right now
        (solar_om_cases adds them)."""
        return frozenset()
