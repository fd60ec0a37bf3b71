# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The scheduled health check: the run loop, over the models that own the parts.


Data flows one way: the engine's clients read the vendors, the engine
classifies and decides; the models persist. Who does what:

- ``solar.health.check``: the run loop and a claimed chunk's production pass
  (here), the accounts' liveness passes (solar_health_check_liveness.py),
  each batch's results, faults and incidents (solar_health_check_batch.py);
- ``solar.site``: claims the due sites, writes their results (solar_site_polling.py);
- ``solar.monitoring.account``: polls its sites, keeps the quota ledger
  (solar_monitoring_account_polling.py), its blindness (solar_monitoring_account_blind.py);
- ``solar.production.daily``: upserts today's energy;
- ``solar.fault``: inserts, touches and closes faults (solar_fault.py) and
  account incidents (solar_fault_incident.py);
- ``helpdesk.ticket``: ticket values (helpdesk_ticket_monitoring.py), closing on
  recovery and auto-dispatch (helpdesk_ticket_recovery.py).

Database work is per batch of sites, never a query per site.
"""

import logging
from datetime import datetime, timezone

from odoo import api, models, tools

from solar_om_engine.classify import Night, classify_fleet, with_rules
from solar_om_engine.daylight import is_daylight
from solar_om_engine.geo import has_coordinates
from solar_om_engine.kinds import HealthState, is_judged, is_judged_by_liveness

from .health_run import TUNABLES, Evidence, HealthRun

_logger = logging.getLogger(__name__)

NO_COORDINATES = "no coordinates: set the site's latitude and longitude so its daylight is known"


class SolarHealthCheck(models.AbstractModel):
    _name = "solar.health.check"
    # the batches' writes and the liveness passes, each in its own file
    _inherit = ["solar.health.check.batch", "solar.health.check.liveness"]
    _description = "Solar Health Check"

    @api.model
    def _cron_run(self):
        self.run(commit=True, close_days=True)

    @api.model
    def run(self, accounts=None, at=None, force=False, commit=False, close_days=False):
        """Check every due site of `accounts` (all active ones by default).

        `at`: the instant judged (aware or naive UTC; now by default).
        `force`: ignore each site's next check time. `commit`: commit each
        batch (the cron does, via `_commit_progress`; tests do not).
        `close_days`: then close the local days that are over (the cron
        does: `solar.day.close`). Returns a summary dict for logs,
        benchmarks and tests.
        """
        at = at or datetime.now(timezone.utc)
        if at.tzinfo is None:
            at = at.replace(tzinfo=timezone.utc)
        if accounts is None:
            # the fields the run reads first, in the search's own query
            accounts = self.env["solar.monitoring.account"].search_fetch(
                [("active", "=", True)], ["active", "vendor", "quota_tier", "quota_state"]
            )
        accounts = accounts.filtered("active")
        if commit:
            accounts = accounts.with_context(solar_om_commit=True)
        if not accounts:
            return {}
        self.env.flush_all()
        run = self._run_context(accounts, at, commit)
        claim_size = None if force else self._param("claim_size")
        fleet_verdicts, judged = [], set()
        while True:
            rows = self.env["solar.site"]._health_claim_due(accounts, at, force, commit, claim_size)
            run.stats["sites_due"] += len(rows)
            result = self._check_chunk(rows, accounts, run)
            fleet_verdicts += result.fleet_verdicts
            judged |= {v.account for v in result.verdicts if is_judged(v.kind)}
            for verdict in result.verdicts:
                run.stats[f"verdict_{verdict.kind}"] += 1
            if claim_size is None or len(rows) < claim_size:
                break
            if commit and self.env["ir.cron"]._commit_progress(0) < 60:
                break  # the cron is near its time limit: the rest stays due
        if not force:
            for result in self._liveness_passes(accounts, run):
                fleet_verdicts += result.fleet_verdicts
                judged |= {v.account for v in result.verdicts if is_judged_by_liveness(v.kind)}
        self._apply_incidents(accounts, fleet_verdicts, frozenset(judged), run)
        if close_days:
            self.env["solar.day.close"]._close_due(accounts, run)
        accounts._health_watch(run)
        self.env["helpdesk.ticket"]._solar_auto_dispatch(run)
        if commit:
            self.env["ir.cron"]._commit_progress(0)
        stats = dict(run.stats)
        _logger.info("solar health check: %s", stats)
        return stats

    @api.model
    def _run_context(self, accounts, at, commit):
        return HealthRun(
            at=at,
            rules=with_rules(Night(min_elevation_deg=self._param("min_elevation_deg"))),
            plans=accounts._health_plans(at),
            recovery_checks=self._param("recovery_checks"),
            batch_size=self._param("batch_size"),
            commit=commit,
        )

    @api.model
    def _param(self, name):
        """One of the check's `TUNABLES`, as set on the settings page; counts
        are at least 1."""
        default = TUNABLES[name]
        value = self._health_params().get(f"solar_om_monitoring.{name}")
        value = type(default)(value) if value not in (None, False, "") else default
        return max(value, 1) if isinstance(default, int) else value

    @api.model
    @tools.ormcache(cache="stable")
    def _health_params(self):
        """Every ``solar_om_monitoring.*`` system parameter (the check's
        tunables, the priority thresholds), read in one query and kept until
        a parameter changes (ir.config_parameter clears this cache then)."""
        self.env.cr.execute(
            "SELECT key, value FROM ir_config_parameter WHERE key LIKE %s",
            ["solar_om_monitoring.%"],
        )
        return dict(self.env.cr.fetchall())

    @api.model
    def _check_chunk(self, rows, accounts, run):
        """Poll, classify and persist one claimed chunk of sites."""
        lit, dark, unplaced = [], [], []
        for row in rows:
            if not has_coordinates(row["latitude"], row["longitude"]):
                unplaced.append(row)
            elif is_daylight(row["latitude"], row["longitude"], run.at, run.min_elevation_deg):
                lit.append(row)
            else:
                dark.append(row)
        sites = self.env["solar.site"]
        # not due again before their production slot; one UPDATE a row (a
        # second one in the same transaction would lock the account row)
        sites._health_mark_night(dark, run)
        sites._health_mark_unpolled(
            unplaced, HealthState.UNKNOWN.value, run.at, error=NO_COORDINATES
        )
        sites.browse([row["id"] for row in dark + unplaced])._health_show_open_faults()
        run.stats["sites_night"] += len(dark)
        run.stats["sites_no_coordinates"] += len(unplaced)
        if run.commit:
            # before the poll: a batch rolled back below must not take these along
            self.env["ir.cron"]._commit_progress(0)
        readings, errors, deferred = accounts._health_poll(lit, run)
        result = classify_fleet(readings, run.at, run.rules)
        evidence = Evidence.of(result, readings, errors, run.series)
        run.series.clear()
        polled = [r for r in lit if str(r["id"]) not in deferred]
        for start in range(0, len(polled), run.batch_size):
            batch = polled[start : start + run.batch_size]
            self._apply_committed(batch, evidence, run, attempts=3)
        return result
