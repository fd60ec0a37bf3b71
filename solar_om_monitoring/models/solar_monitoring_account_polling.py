# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The health check's polls through an account: the readings of its lit
sites, its liveness pass (the cheapest call: who still reports), and the
quota ledger those calls are spent from."""

import logging
from collections import defaultdict
from datetime import timedelta

from psycopg2.errors import SerializationFailure

from odoo import models
from odoo.tools import SQL

from solar_om_engine import planner, quota
from solar_om_engine.clients import SiteRef
from solar_om_engine.readings import ReadingError, parse_reading

from .health_run import naive_utc

_logger = logging.getLogger(__name__)


class SolarAccountPolling(models.AbstractModel):
    _name = "solar.account.polling"
    _description = "Monitoring Account: Polling"

    def _health_poll(self, rows, run):
        """Readings of the lit sites `rows` (dicts of the site's check
        fields), per-site errors, and the keys of the sites left for the
        next run because this run's share of the minute quota is spent."""
        by_account = defaultdict(list)
        for row in rows:
            by_account[row["account_id"]].append(row)
        readings, errors, deferred = [], {}, set()
        for account in self:
            todo = by_account.get(account.id, [])
            if not todo:
                continue
            ledger = account._ledger()
            ledger.clock = run.clock  # months and blocks follow the instant judged
            spent_before = ledger.month_used
            share = quota.sites_per_run(ledger.tier, account.vendor)
            for row in todo[share:]:
                deferred.add(str(row["id"]))
            refs = [account._site_ref(row) for row in todo[:share]]
            try:
                client = account._make_client(ledger)
            except ValueError as err:  # a bad base URL
                result_error, result = str(err), None
            else:
                result = client.poll(refs, run.at)
                result_error = result.account_error
            run.account_errors[account.id] = planner.poll_error_kind(
                result.account_error_kind if result else None,
                bool(result_error),
                len(refs),
                len(result.readings) if result else 0,
                len(result.site_errors) if result else 0,
            )
            account._save_poll_state(ledger, spent_before, result_error, run.at)
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
            run.series.update(result.series)
            errors.update(result.site_errors)
            for key, message in result.site_errors.items():
                _logger.warning("site %s: %s", key, message)
            run.stats["api_calls"] += result.calls
            run.stats["sites_polled"] += len(refs)
        run.stats["sites_deferred"] += len(deferred)
        return readings, errors, deferred

    def _health_claim_liveness(self, plan, run):
        """Claim this account's liveness pass: of several workers, the one
        whose UPDATE moves `last_liveness_at` runs it (committed at once in
        the cron, so the others see it)."""
        self.ensure_one()
        due_before = (
            run.at - timedelta(minutes=max(plan.liveness_every_min, 0)) + timedelta(seconds=30)
        )
        claim = SQL(
            "UPDATE solar_monitoring_account SET last_liveness_at = %s WHERE id = %s"
            " AND (last_liveness_at IS NULL OR last_liveness_at <= %s) RETURNING id",
            run.naive_at,
            self.id,
            naive_utc(due_before),
        )
        if not self.env.context.get("solar_om_commit"):
            self.env.cr.execute(claim)
            won = bool(self.env.cr.fetchall())
        else:
            try:
                with self.env.registry.cursor() as cr:
                    cr.execute(claim)
                    won = bool(cr.fetchall())
            except SerializationFailure:
                won = False
        self.invalidate_recordset(["last_liveness_at"])
        return won

    def _health_liveness(self, rows, run):
        """One liveness pass over this account's lit sites `rows`: the
        cheapest call that says when each last reported. Returns readings
        holding freshness and vendor status only, and per-site errors."""
        self.ensure_one()
        ledger = self._ledger()
        ledger.clock = run.clock
        spent_before = ledger.month_used
        refs = [self._site_ref(row) for row in rows]
        key_of = {ref.vendor_ref: ref for ref in refs}
        readings, errors = [], {}
        try:
            client = self._make_client(ledger)
        except ValueError as err:  # a bad base URL
            result, error, kind = None, str(err), "transient"
        else:
            result = client.liveness(refs, run.at)
            error, kind = result.account_error, result.account_error_kind
        if error:
            kind = kind or "transient"
            _logger.warning("monitoring account %s: %s", self.id, error)
            errors = {ref.key: f"{self.name}: {error}" for ref in refs}
        else:
            for vendor_ref, message in result.site_errors.items():
                if vendor_ref in key_of:
                    errors[key_of[vendor_ref].key] = message
            for vendor_ref, seen in result.sites.items():
                ref = key_of.get(vendor_ref)
                if ref is None:
                    continue
                try:
                    readings.append(
                        parse_reading(
                            {
                                "site": ref.key,
                                "account": ref.account,
                                "vendor": self.vendor,
                                "latitude": ref.latitude,
                                "longitude": ref.longitude,
                                "timezone": ref.timezone,
                                "capacity_w": ref.capacity_w,
                                "connection": ref.connection,
                                "meter_expected": ref.meter_expected,
                                "last_report_at": seen.last_report_at.isoformat()
                                if seen.last_report_at
                                else None,
                                "vendor_status": seen.vendor_status,
                            }
                        )
                    )
                except ReadingError as err:
                    errors[ref.key] = str(err)
        run.account_errors[self.id] = kind or ""
        run.stats["liveness_passes"] += 1
        run.stats["liveness_calls"] += result.calls if result else 0
        self._save_poll_state(ledger, spent_before, error, run.at)
        return readings, errors

    def _site_ref(self, row):
        """What the engine's client needs of a site."""
        return SiteRef(
            key=str(row["id"]),
            vendor_ref=row["vendor_site_ref"],
            account=str(self.id),
            latitude=row["latitude"],
            longitude=row["longitude"],
            timezone=row["tz"],
            # the inverter's AC limit where known: the physics clips there
            capacity_w=(row["capacity_ac_kw"] or row["capacity_dc_kwp"]) * 1000,
            meter_expected=row["meter_expected"],
            connection=row["connection"] or None,
            arrays=tuple(row.get("arrays", ())),
            history_ratio=row.get("history_ratio"),
        )

    def _save_poll_state(self, ledger, spent_before, error, at, extra=None):
        """Record the calls spent and the account's last error (and `extra`
        values). Several workers may poll one account at once: in the cron
        the ledger row is locked and merged (calls added up) in its own short
        transaction, retried when another worker's merge lands first."""
        self.ensure_one()
        values = {"last_check_at": naive_utc(at), "last_error": error or False, **(extra or {})}
        if not self.env.context.get("solar_om_commit"):
            self.sudo().write(dict(values, quota_state=ledger.to_dict()))
            return
        spent = ledger.month_used - spent_before
        for attempt in range(5):
            try:
                with self.env.registry.cursor() as cr:
                    cr.execute(
                        "SELECT quota_state FROM solar_monitoring_account"
                        " WHERE id = %s FOR NO KEY UPDATE",
                        [self.id],
                    )
                    stored = quota.QuotaLedger.from_dict(self.vendor, ledger.tier, cr.fetchone()[0])
                    stored.clock = ledger.clock
                    stored.merge(ledger, spent)
                    self.env(cr=cr, su=True)[self._name].browse(self.id).write(
                        dict(values, quota_state=stored.to_dict())
                    )
                break
            except SerializationFailure:
                if attempt == 4:
                    raise
        self.invalidate_recordset(["quota_state", "last_check_at", "last_error", *(extra or {})])
