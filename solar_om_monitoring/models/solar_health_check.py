# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The scheduled health check: poll, classify, then persist in batches.

Data flows one way: the engine's clients read the vendors, the engine
classifies and decides; this model only reads sites, writes results and
opens or closes tickets. Database work is per batch of sites (one UPDATE,
one upsert, one INSERT of faults), never a query per site.
"""

import logging
from collections import defaultdict
from datetime import datetime, timedelta, timezone

from markupsafe import Markup, escape
from psycopg2.errors import SerializationFailure

from odoo import api, models
from odoo.tools import SQL, mute_logger

from solar_om_engine import quota
from solar_om_engine.classify import CASE_TYPES, Thresholds, classify_fleet
from solar_om_engine.clients import SiteRef
from solar_om_engine.daylight import is_daylight
from solar_om_engine.faults import OpenFault, decide
from solar_om_engine.geo import has_coordinates, zone

from .solar_fault import FAULT_KINDS

_logger = logging.getLogger(__name__)

BATCH = 500
# a claimed site is not due again before this, even if its worker died
LEASE = timedelta(minutes=10)
SITE_FIELDS = [
    "name",
    "vendor_site_ref",
    "account_id",
    "company_id",
    "latitude",
    "longitude",
    "tz",
    "capacity_dc_kwp",
    "connection",
    "meter_expected",
]


def _naive(moment):
    return moment.astimezone(timezone.utc).replace(tzinfo=None) if moment else None


def _expected_kwh(verdict):
    """The energy the site should have made so far today, as the verdict's
    evidence gives it (None when the check did not judge production)."""
    expected_wh = verdict.evidence.get("expected_wh") if verdict else None
    return expected_wh / 1000 if expected_wh is not None else None


def _values(rows):
    return SQL(", ").join(SQL("(%s)", SQL(", ").join(SQL("%s", v) for v in row)) for row in rows)


class SolarHealthCheck(models.AbstractModel):
    _name = "solar.health.check"
    _description = "Solar Health Check"

    # ------------------------------------------------------------ entry points
    @api.model
    def _cron_run(self):
        self.run(commit=True)

    @api.model
    def run(self, accounts=None, at=None, force=False, commit=False):
        """Check every due site of `accounts` (all active ones by default).

        `at`: the instant judged (aware or naive UTC; now by default).
        `force`: ignore each site's next check time. `commit`: commit each
        batch (the cron does, via `_commit_progress`; tests do not).
        Returns a summary dict for logs, benchmarks and tests.
        """
        at = at or datetime.now(timezone.utc)
        if at.tzinfo is None:
            at = at.replace(tzinfo=timezone.utc)
        th = self._thresholds()
        if accounts is None:
            accounts = self.env["solar.monitoring.account"].search([("active", "=", True)])
        accounts = accounts.filtered("active")
        if commit:
            accounts = accounts.with_context(solar_om_commit=True)
        stats = defaultdict(int)
        if not accounts:
            return dict(stats)
        self.env.flush_all()
        plans = {a.id: quota.plan(a.vendor, a._tier(), a.site_count) for a in accounts}
        recovery_checks = self._recovery_checks()
        claim_size = None if force else self._claim_size()
        fleet_verdicts, judged = [], set()
        while True:
            rows = self._due_sites(accounts, at, force, commit, limit=claim_size)
            stats["sites_due"] += len(rows)
            result = self._check_chunk(
                rows, accounts, at, th, plans, recovery_checks, commit, stats
            )
            fleet_verdicts += result.fleet_verdicts
            judged |= {
                v.account for v in result.verdicts if v.kind not in ("night", "indeterminate")
            }
            for verdict in result.verdicts:
                stats[f"verdict_{verdict.kind}"] += 1
            if claim_size is None or len(rows) < claim_size:
                break
            if commit and self.env["ir.cron"]._commit_progress(0) < 60:
                break  # the cron is near its time limit: the rest stays due
        self._apply_incidents(
            accounts, fleet_verdicts, frozenset(judged), at, recovery_checks, stats
        )
        self._auto_dispatch(at, stats)
        if commit:
            self.env["ir.cron"]._commit_progress(0)
        _logger.info("solar health check: %s", dict(stats))
        return dict(stats)

    @api.model
    def _check_chunk(self, rows, accounts, at, th, plans, recovery_checks, commit, stats):
        """Poll, classify and persist one claimed chunk of sites."""
        lit, dark, unplaced = [], [], []
        for row in rows:
            if not has_coordinates(row["latitude"], row["longitude"]):
                unplaced.append(row)
            elif is_daylight(row["latitude"], row["longitude"], at, th.min_elevation_deg):
                lit.append(row)
            else:
                dark.append(row)
        self._mark_unpolled(dark, "night", "night: not polled, not judged", at, None)
        self._mark_unpolled(
            unplaced,
            "unknown",
            None,
            at,
            "no coordinates: set the site's latitude and longitude so its daylight is known",
        )
        stats["sites_night"] += len(dark)
        stats["sites_no_coordinates"] += len(unplaced)
        readings, errors, deferred = self._poll(accounts, lit, at, stats)
        result = classify_fleet(readings, at, th)
        verdicts = {v.site: v for v in result.verdicts}
        polled = [r for r in lit if str(r["id"]) not in deferred]
        reading_by_site = {r.site: r for r in readings}
        size = self._batch_size()
        for start in range(0, len(polled), size):
            batch = polled[start : start + size]
            self._apply_batch(
                batch, verdicts, reading_by_site, errors, at, plans, recovery_checks, stats
            )
            if commit:
                self.env["ir.cron"]._commit_progress(len(batch))
        return result

    # ------------------------------------------------------------ settings
    @api.model
    def _claim_size(self):
        """Sites one worker claims at a time: several cron workers then share
        a big fleet. Claims follow the map, so a site's neighbours (its
        expected energy) are mostly in the same chunk."""
        get = self.env["ir.config_parameter"].sudo().get_param
        return max(int(get("solar_om_monitoring.claim_size", 2000)), 1)

    @api.model
    def _thresholds(self):
        get = self.env["ir.config_parameter"].sudo().get_param
        return Thresholds(min_elevation_deg=float(get("solar_om_monitoring.min_elevation_deg", 10)))

    @api.model
    def _batch_size(self):
        get = self.env["ir.config_parameter"].sudo().get_param
        return max(int(get("solar_om_monitoring.batch_size", BATCH)), 1)

    @api.model
    def _recovery_checks(self):
        get = self.env["ir.config_parameter"].sudo().get_param
        return max(int(get("solar_om_monitoring.recovery_checks", 2)), 1)

    # ------------------------------------------------------------ selection and polling
    @api.model
    def _due_sites(self, accounts, at, force, commit, limit=None):
        """Claim the due sites: one UPDATE moves their next check past a
        lease and skips rows another worker holds, so several workers split
        the fleet and no site is checked twice. In the cron the claim is
        committed at once, making it visible to the other workers."""
        due = (
            SQL("TRUE")
            if force
            else SQL("(next_check_at IS NULL OR next_check_at <= %s)", _naive(at))
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
            _naive(at + LEASE),
            accounts.ids,
            due,
            limit,
        )
        for attempt in range(3):
            if commit:
                self.env.cr.commit()  # a fresh snapshot for the claim
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
            self.env.cr.commit()
        self.env["solar.site"].invalidate_model(["next_check_at"])
        sites = self.env["solar.site"].sudo().browse(ids).read(SITE_FIELDS)
        for row in sites:
            row["account_id"] = row["account_id"][0]
            row["company_id"] = row["company_id"][0]
        return sites

    @api.model
    def _poll(self, accounts, rows, at, stats):
        """Readings of every lit site, per-site errors, and the sites left for
        the next run because this run's share of the minute quota is spent."""
        by_account = defaultdict(list)
        for row in rows:
            by_account[row["account_id"]].append(row)
        readings, errors, deferred = [], {}, set()
        for account in accounts:
            todo = by_account.get(account.id, [])
            if not todo:
                continue
            ledger = account._ledger()
            spent_before = ledger.month_used
            share = quota.sites_per_run(ledger.tier, account.vendor)
            for row in todo[share:]:
                deferred.add(str(row["id"]))
            todo = todo[:share]
            refs = [
                SiteRef(
                    key=str(row["id"]),
                    vendor_ref=row["vendor_site_ref"],
                    account=str(account.id),
                    latitude=row["latitude"],
                    longitude=row["longitude"],
                    timezone=row["tz"],
                    capacity_w=row["capacity_dc_kwp"] * 1000,
                    meter_expected=row["meter_expected"],
                    connection=row["connection"] or None,
                )
                for row in todo
            ]
            try:
                client = account._make_client(ledger)
            except ValueError as err:  # a bad base URL
                result_error, result = str(err), None
            else:
                result = client.poll(refs, at)
                result_error = result.account_error
            self._save_account_state(account, ledger, spent_before, result_error, at)
            if result is None or result_error:
                _logger.warning("monitoring account %s: %s", account.id, result_error)
                # sites read before the account stopped (a 429 mid-poll) were read
                read = {r.site for r in result.readings} if result else set()
                for ref in refs:
                    if ref.key not in read:
                        errors[ref.key] = f"{account.name}: {result_error}"
                if result is None:
                    continue
            readings.extend(result.readings)
            errors.update(result.site_errors)
            for key, message in result.site_errors.items():
                _logger.warning("site %s: %s", key, message)
            stats["api_calls"] += result.calls
            stats["sites_polled"] += len(refs)
        stats["sites_deferred"] += len(deferred)
        return readings, errors, deferred

    @api.model
    def _save_account_state(self, account, ledger, spent_before, error, at):
        """Record the calls spent and the account's last error. Several
        workers may poll one account at once: in the cron the ledger row is
        locked and merged (calls added up) in its own short transaction,
        retried when another worker's merge lands first."""
        values = {"last_check_at": _naive(at), "last_error": error or False}
        if not account.env.context.get("solar_om_commit"):
            account.sudo().write(dict(values, quota_state=ledger.to_dict()))
            return
        spent = ledger.month_used - spent_before
        for attempt in range(5):
            try:
                with self.env.registry.cursor() as cr:
                    cr.execute(
                        "SELECT quota_state FROM solar_monitoring_account WHERE id = %s FOR UPDATE",
                        [account.id],
                    )
                    stored = quota.QuotaLedger.from_dict(
                        account.vendor, ledger.tier, cr.fetchone()[0]
                    )
                    stored.merge(ledger, spent)
                    env = self.env(cr=cr, su=True)
                    env[account._name].browse(account.id).write(
                        dict(values, quota_state=stored.to_dict())
                    )
                break
            except SerializationFailure:
                if attempt == 4:
                    raise
        account.invalidate_recordset(["quota_state", "last_check_at", "last_error"])

    # ------------------------------------------------------------ persisting
    @api.model
    def _mark_unpolled(self, rows, state, reason, at, error):
        if not rows:
            return
        self.env.cr.execute(
            SQL(
                "UPDATE solar_site SET health_state = %s, health_reason = %s, poll_error = %s,"
                " last_checked_at = %s WHERE id = ANY(%s)",
                state,
                reason,
                error,
                _naive(at),
                [r["id"] for r in rows],
            )
        )
        self.env["solar.site"].invalidate_model(
            ["health_state", "health_reason", "poll_error", "last_checked_at"]
        )

    @api.model
    def _apply_batch(self, batch, verdicts, readings, errors, at, plans, recovery_checks, stats):
        keys = [str(row["id"]) for row in batch]
        open_rows = (
            self.env["solar.fault"]
            .sudo()
            .search_read(
                [("site_id", "in", [row["id"] for row in batch]), ("state", "!=", "closed")],
                ["site_id", "kind", "ok_streak", "account_id"],
            )
        )
        open_faults = [
            OpenFault(f["id"], str(f["site_id"][0]), f["kind"], f["ok_streak"]) for f in open_rows
        ]
        faulty_sites = {f.site for f in open_faults}
        self._write_site_results(batch, verdicts, readings, errors, at, plans, faulty_sites)
        self._upsert_daily(batch, verdicts, readings, at)
        actions = decide(
            [verdicts[k] for k in keys if k in verdicts],
            [],
            open_faults,
            recovery_checks,
            suppressed_sites=self._suppressed_sites(batch, at),
        )
        rows_by_key = {str(row["id"]): row for row in batch}
        self._open_faults(actions.to_open, rows_by_key, readings, at, stats)
        self._touch_faults(actions.still_present, actions.recovering, at)
        self._reopen_unfixed(actions.still_present, verdicts, stats)
        self._close_faults(actions.to_close, at, recovery_checks, stats)
        for verdict in actions.suppressed:
            stats["suppressed"] += 1
            _logger.info("site %s: %s suppressed (outage expected)", verdict.site, verdict.kind)
        self.env["solar.fault"].invalidate_model()

    @api.model
    def _reopen_unfixed(self, fault_ids, verdicts, stats):
        """A ticket waiting in Verifying whose fault is seen again was signed
        off too early: it goes back to the team with what the check saw."""
        if not fault_ids:
            return
        verifying = self.env.ref("solar_om_monitoring.helpdesk_ticket_stage_verifying")
        faults = self.env["solar.fault"].sudo().browse(fault_ids)
        for fault in faults.filtered(lambda f: f.ticket_id.stage_id == verifying):
            verdict = verdicts.get(str(fault.site_id.id))
            fault.ticket_id._solar_reopen(verdict.reason if verdict else fault.reason)
            stats["tickets_reopened"] += 1

    @api.model
    def _auto_dispatch(self, at, stats):
        """Monitoring tickets of a type set to dispatch, still open and without
        a work order after its grace period, get one."""
        tickets = (
            self.env["helpdesk.ticket"]
            .sudo()
            .search(
                [
                    ("solar_monitoring", "=", True),
                    ("solar_site_id", "!=", False),
                    ("closed", "=", False),
                    ("fsm_order_ids", "=", False),
                    ("category_id.solar_dispatch_after_hours", ">", 0),
                ]
            )
        )
        now = _naive(at)
        due = tickets.filtered(
            lambda t: (
                (now - t.create_date).total_seconds()
                >= t.category_id.solar_dispatch_after_hours * 3600
            )
        )
        if due:
            due._solar_create_orders()
            stats["orders_dispatched"] += len(due)

    @api.model
    def _suppressed_sites(self, batch, at):
        """Sites where an outage is expected right now (solar_om_cases adds them)."""
        return frozenset()

    @api.model
    def _write_site_results(self, batch, verdicts, readings, errors, at, plans, faulty_sites):
        rows = []
        for row in batch:
            key = str(row["id"])
            verdict, reading = verdicts.get(key), readings.get(key)
            plan = plans[row["account_id"]]
            faulty = key in faulty_sites or bool(verdict and verdict.is_fault)
            next_at = at + quota.next_check_in(plan.interval_minutes, faulty)
            energy = reading.energy_today_wh if reading else None
            expected = _expected_kwh(verdict)
            rows.append(
                (
                    row["id"],
                    verdict.kind if verdict else "unknown",
                    (verdict.reason if verdict else None),
                    _naive(next_at),
                    _naive(reading.last_report_at) if reading else None,
                    reading.power_w if reading else None,
                    energy / 1000 if energy is not None else None,
                    expected,
                    errors.get(key),
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
                _naive(at),
                _values(rows),
            )
        )
        self.env["solar.site"].invalidate_model(
            [
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
        )

    @api.model
    def _upsert_daily(self, batch, verdicts, readings, at):
        """Today's energy per site. A silent site records nothing: comms loss
        is not production lost."""
        rows = []
        for row in batch:
            key = str(row["id"])
            reading, verdict = readings.get(key), verdicts.get(key)
            if reading is None or reading.energy_today_wh is None or reading.last_report_at is None:
                continue
            if verdict and verdict.kind in ("comms_loss", "vendor_outage"):
                continue
            day = reading.last_report_at.astimezone(zone(row["tz"])).date()
            kwh = reading.energy_today_wh / 1000
            rows.append(
                (
                    row["id"],
                    row["company_id"],
                    day,
                    kwh,
                    kwh / row["capacity_dc_kwp"],
                    _expected_kwh(verdict),
                )
            )
        if not rows:
            return
        uid, now = self.env.uid, _naive(at)
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO solar_production_daily
                    (site_id, company_id, day, energy_kwh, specific_yield, expected_kwh,
                     create_uid, write_uid, create_date, write_date)
                SELECT v.site_id, v.company_id, v.day::date, v.kwh::float8, v.yield::float8,
                       v.expected::float8, %s, %s, %s, %s
                FROM (VALUES %s) AS v(site_id, company_id, day, kwh, yield, expected)
                ON CONFLICT (site_id, day) DO UPDATE SET
                    energy_kwh = GREATEST(solar_production_daily.energy_kwh, EXCLUDED.energy_kwh),
                    specific_yield = GREATEST(
                        solar_production_daily.specific_yield, EXCLUDED.specific_yield),
                    expected_kwh = GREATEST(
                        solar_production_daily.expected_kwh, EXCLUDED.expected_kwh),
                    write_date = EXCLUDED.write_date
                """,
                uid,
                uid,
                now,
                now,
                _values(rows),
            )
        )

    # ------------------------------------------------------------ faults and tickets
    @api.model
    def _insert_faults(self, rows, conflict):
        """INSERT ... ON CONFLICT DO NOTHING: of two workers racing on the
        same fault, the second waits for the first and inserts nothing."""
        uid = self.env.uid
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO solar_fault
                    (site_id, account_id, company_id, kind, state, first_seen, last_seen,
                     ok_streak, reason, create_uid, write_uid, create_date, write_date)
                SELECT v.site_id::int, v.account_id::int, v.company_id::int, v.kind, 'open',
                       v.seen::timestamp, v.seen::timestamp, 0, v.reason, %s, %s,
                       v.seen::timestamp, v.seen::timestamp
                FROM (VALUES %s) AS v(site_id, account_id, company_id, kind, seen, reason)
                ON CONFLICT %s DO NOTHING
                RETURNING id
                """,
                uid,
                uid,
                _values(rows),
                conflict,
            )
        )
        return self.env["solar.fault"].sudo().browse([r[0] for r in self.env.cr.fetchall()])

    @api.model
    def _open_faults(self, verdicts, rows_by_key, readings, at, stats):
        if not verdicts:
            return
        # a site fault names no account: with a foreign key to the account
        # row, every insert would lock it, and another worker's quota write
        # on that row would break this transaction (repeatable read)
        rows = [
            (
                int(v.site),
                None,
                rows_by_key[v.site]["company_id"],
                v.kind,
                _naive(at),
                v.reason[:500],
            )
            for v in verdicts
        ]
        faults = self._insert_faults(
            rows, SQL("(site_id, kind) WHERE state != 'closed' AND site_id IS NOT NULL")
        )
        stats["faults_opened"] += len(faults)
        by_site_kind = {(str(v.site), v.kind): v for v in verdicts}
        tickets = (
            self.env["helpdesk.ticket"]
            .sudo()
            .create(
                [
                    self._ticket_values(
                        fault, by_site_kind[(str(fault.site_id.id), fault.kind)], readings, at
                    )
                    for fault in faults
                ]
            )
        )
        stats["tickets_opened"] += len(tickets)
        self._link_tickets(faults, tickets)

    @api.model
    def _link_tickets(self, faults, tickets):
        if not faults:
            return
        self.env.cr.execute(
            SQL(
                "UPDATE solar_fault AS f SET ticket_id = v.ticket_id::int"
                " FROM (VALUES %s) AS v(fault_id, ticket_id) WHERE f.id = v.fault_id::int",
                _values(list(zip(faults.ids, tickets.ids, strict=True))),
            )
        )
        faults.invalidate_recordset(["ticket_id"])

    @api.model
    def _case_category(self, kind, company):
        code = CASE_TYPES.get(kind)
        if not code:
            return self.env["helpdesk.ticket.category"]
        return (
            self.env["helpdesk.ticket.category"]
            .sudo()
            .search(
                [("solar_case_code", "=", code), ("company_id", "in", [company.id, False])], limit=1
            )
        )

    @api.model
    def _ticket_values(self, fault, verdict, readings, at):
        site = fault.site_id
        kinds = dict(FAULT_KINDS)
        category = self._case_category(fault.kind, site.company_id)
        team = category.solar_team_id or self.env.ref(
            "solar_om_monitoring.helpdesk_team_solar_service", raise_if_not_found=False
        )
        reading = readings.get(str(site.id))
        tz = zone(site.tz)

        def local(moment):
            return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M %Z") if moment else "never"

        lines = [
            ("What was seen", verdict.reason),
            ("Since", local(at)),
            ("Last heard from", local(reading.last_report_at if reading else None)),
            (
                "Power now",
                f"{reading.power_w:.0f} W"
                if reading and reading.power_w is not None
                else "unknown",
            ),
            (
                "Energy today",
                f"{reading.energy_today_wh / 1000:.1f} kWh"
                if reading and reading.energy_today_wh is not None
                else "unknown",
            ),
            ("Capacity", f"{site.capacity_dc_kwp:g} kWp"),
            ("Vendor", f"{site.vendor or ''} site {site.vendor_site_ref or ''}"),
        ]
        description = Markup("<p>%s</p><ul>%s</ul>") % (
            escape(f"The monitoring saw a {kinds[fault.kind]} at {site.name}."),
            Markup("").join(
                Markup("<li><strong>%s:</strong> %s</li>") % (label, value)
                for label, value in lines
            ),
        )
        return {
            "name": f"{site.name}: {kinds[fault.kind]}",
            "description": description,
            "partner_id": site.partner_id.id,
            "partner_name": site.partner_id.name,
            "partner_email": site.partner_id.email,
            "project_id": site.project_id.id,
            "solar_site_id": site.id,
            "solar_monitoring": True,
            "category_id": category.id,
            "team_id": team.id if team else False,
            "user_id": False,
            "company_id": site.company_id.id,
            "channel_id": self.env.ref("solar_om_monitoring.helpdesk_ticket_channel_monitoring").id,
            "priority": "2" if fault.kind in ("comms_loss", "inverter_fault") else "1",
        }

    @api.model
    def _touch_faults(self, present_ids, recovering, at):
        if present_ids:
            self.env.cr.execute(
                SQL(
                    "UPDATE solar_fault SET last_seen = %s, ok_streak = 0, state = 'open'"
                    " WHERE id = ANY(%s)",
                    _naive(at),
                    present_ids,
                )
            )
        if recovering:
            self.env.cr.execute(
                SQL(
                    "UPDATE solar_fault AS f SET ok_streak = v.streak::int, state = 'recovering'"
                    " FROM (VALUES %s) AS v(id, streak) WHERE f.id = v.id::int",
                    _values(list(recovering.items())),
                )
            )

    @api.model
    def _close_faults(self, fault_ids, at, recovery_checks, stats):
        if not fault_ids:
            return
        faults = self.env["solar.fault"].sudo().browse(fault_ids)
        faults.write({"state": "closed", "closed_at": _naive(at), "ok_streak": recovery_checks})
        stats["faults_closed"] += len(faults)
        for ticket in faults.ticket_id:
            if ticket._solar_open_faults():
                continue
            stats["tickets_closed"] += self._close_recovered_ticket(ticket, recovery_checks)

    @api.model
    def _close_recovered_ticket(self, ticket, recovery_checks):
        """Close a ticket whose faults all went away, and say why. A ticket a
        person has taken in hand, or with work orders still open, gets the
        note only: the person decides."""
        if ticket.closed:
            return 0
        verifying = ticket.stage_id == self.env.ref(
            "solar_om_monitoring.helpdesk_ticket_stage_verifying"
        )
        note = self.env._(
            "The monitoring saw this site report normally for %(n)s consecutive "
            "daylight checks: the fault is over.",
            n=recovery_checks,
        )
        owner = ticket.user_id
        # once signed off and waiting in Verifying, closing is the monitoring's call
        if not verifying and owner and not owner._is_superuser():
            ticket.message_post(
                body=note
                + " "
                + self.env._(
                    "%(user)s has this ticket in hand, so it stays open.", user=owner.name
                ),
                subtype_xmlid="mail.mt_note",
            )
            return 0
        if ticket.fsm_order_ids.filtered(lambda o: not o.is_closed):
            ticket.message_post(
                body=note + " " + self.env._("Work orders are still open, so it stays open."),
                subtype_xmlid="mail.mt_note",
            )
            return 0
        stage = ticket._solar_closed_stage()
        ticket.write({"stage_id": stage.id})
        ticket.message_post(body=note + " " + self.env._("Closed automatically."))
        return 1

    # ------------------------------------------------------------ vendor outages
    @api.model
    def _apply_incidents(self, accounts, fleet_verdicts, judged, at, recovery_checks, stats):
        incidents = (
            self.env["solar.fault"]
            .sudo()
            .search_read(
                [
                    ("site_id", "=", False),
                    ("account_id", "in", accounts.ids),
                    ("state", "!=", "closed"),
                ],
                ["account_id", "kind", "ok_streak"],
            )
        )
        open_incidents = [
            OpenFault(f["id"], None, f["kind"], f["ok_streak"], str(f["account_id"][0]))
            for f in incidents
        ]
        actions = decide(
            [], fleet_verdicts, open_incidents, recovery_checks, judged_accounts=judged
        )
        if actions.incidents_to_open:
            by_id = {str(a.id): a for a in accounts}
            rows = [
                (
                    None,
                    int(fv.account),
                    by_id[fv.account].company_id.id,
                    "vendor_outage",
                    _naive(at),
                    fv.reason[:500],
                )
                for fv in actions.incidents_to_open
            ]
            faults = self._insert_faults(
                rows, SQL("(account_id, kind) WHERE state != 'closed' AND site_id IS NULL")
            )
            stats["incidents_opened"] += len(faults)
            team = self.env.ref("solar_om_monitoring.helpdesk_team_solar_service")
            reasons = {fv.account: fv for fv in actions.incidents_to_open}
            tickets = (
                self.env["helpdesk.ticket"]
                .sudo()
                .create(
                    [
                        {
                            "name": self.env._(
                                "%(vendor)s cloud outage: %(n)s sites silent (%(account)s)",
                                vendor=dict(f.account_id._fields["vendor"].selection)[
                                    f.account_id.vendor
                                ],
                                n=len(reasons[str(f.account_id.id)].sites),
                                account=f.account_id.name,
                            ),
                            "description": Markup("<p>%s</p>")
                            % reasons[str(f.account_id.id)].reason,
                            "partner_id": f.company_id.partner_id.id,
                            "team_id": team.id,
                            "user_id": False,
                            "company_id": f.company_id.id,
                            "solar_monitoring": True,
                            "channel_id": self.env.ref(
                                "solar_om_monitoring.helpdesk_ticket_channel_monitoring"
                            ).id,
                            "priority": "2",
                        }
                        for f in faults
                    ]
                )
            )
            stats["tickets_opened"] += len(tickets)
            self._link_tickets(faults, tickets)
        self._touch_faults(actions.still_present, actions.recovering, at)
        self._close_faults(actions.to_close, at, recovery_checks, stats)
        self.env["solar.fault"].invalidate_model()
