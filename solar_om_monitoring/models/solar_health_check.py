# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The scheduled health check: the run loop, over the models that own the parts.

Data flows one way: the engine's clients read the vendors, the engine
classifies and decides; the models persist. Who does what:

- ``solar.site``: claims the due sites, writes their results;
- ``solar.monitoring.account``: polls its sites, keeps the quota ledger;
- ``solar.production.daily``: upserts today's energy;
- ``solar.fault``: inserts, touches and closes faults and vendor incidents;
- ``helpdesk.ticket``: ticket values, closing on recovery, auto-dispatch.

Database work is per batch of sites, never a query per site.
"""

import logging
from datetime import datetime, timezone

from psycopg2.errors import SerializationFailure

from odoo import api, models
from odoo.tools import mute_logger

from solar_om_engine import planner
from solar_om_engine.classify import Thresholds, classify_fleet, classify_liveness
from solar_om_engine.daylight import is_daylight
from solar_om_engine.faults import decide
from solar_om_engine.geo import has_coordinates
from solar_om_engine.kinds import HealthState, is_judged

from .health_run import TUNABLES, Evidence, HealthRun

_logger = logging.getLogger(__name__)

NO_COORDINATES = "no coordinates: set the site's latitude and longitude so its daylight is known"


class SolarHealthCheck(models.AbstractModel):
    _name = "solar.health.check"
    _description = "Solar Health Check"

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
        if accounts is None:
            accounts = self.env["solar.monitoring.account"].search([("active", "=", True)])
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
                judged |= {
                    v.account for v in result.verdicts if v.kind not in ("night", "indeterminate")
                }
        self._apply_incidents(accounts, fleet_verdicts, frozenset(judged), run)
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
            thresholds=Thresholds(min_elevation_deg=self._param("min_elevation_deg")),
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
        value = self.env["ir.config_parameter"].sudo().get_param(f"solar_om_monitoring.{name}")
        value = type(default)(value) if value not in (None, False, "") else default
        return max(value, 1) if isinstance(default, int) else value

    @api.model
    def _check_chunk(self, rows, accounts, run):
        """Poll, classify and persist one claimed chunk of sites."""
        lit, dark, unplaced = [], [], []
        for row in rows:
            if not has_coordinates(row["latitude"], row["longitude"]):
                unplaced.append(row)
            elif is_daylight(
                row["latitude"], row["longitude"], run.at, run.thresholds.min_elevation_deg
            ):
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
        run.stats["sites_night"] += len(dark)
        run.stats["sites_no_coordinates"] += len(unplaced)
        if run.commit:
            # before the poll: a batch rolled back below must not take these along
            self.env["ir.cron"]._commit_progress(0)
        readings, errors, deferred = accounts._health_poll(lit, run)
        result = classify_fleet(readings, run.at, run.thresholds)
        evidence = Evidence(
            verdicts={v.site: v for v in result.verdicts},
            readings={r.site: r for r in readings},
            errors=errors,
        )
        polled = [r for r in lit if str(r["id"]) not in deferred]
        for start in range(0, len(polled), run.batch_size):
            batch = polled[start : start + run.batch_size]
            self._apply_committed(batch, evidence, run, attempts=3)
        return result

    @api.model
    def _liveness_passes(self, accounts, run):
        """The liveness pass of every account whose plan says one is due:
        the cheapest call for all its lit sites, judged on freshness and the
        vendor's status only. Returns each pass's classification."""
        results = []
        for account in accounts:
            plan = run.plans.get(account.id)
            last = account.last_liveness_at
            last = last.replace(tzinfo=timezone.utc) if last else None
            if plan is None or not planner.liveness_due(plan, last, run.at):
                continue
            if not account._health_claim_liveness(plan, run):
                continue  # another worker runs this pass
            rows = self.env["solar.site"]._health_lit_sites(account, run)
            if not rows:
                continue
            full = plan.liveness_reads_production
            if full:
                # the cheapest call is the full reading (SolarEdge v2 /power):
                # every liveness pass also judges production
                readings, errors, deferred = account._health_poll(rows, run)
                rows = [r for r in rows if str(r["id"]) not in deferred]
                result = classify_fleet(readings, run.at, run.thresholds)
            else:
                readings, errors = account._health_liveness(rows, run)
                result = classify_liveness(readings, run.at, run.thresholds)
            evidence = Evidence(
                verdicts={v.site: v for v in result.verdicts},
                readings={r.site: r for r in readings},
                errors=errors,
            )
            for start in range(0, len(rows), run.batch_size):
                batch = rows[start : start + run.batch_size]
                # freshness only: a colliding batch is dropped, the next pass covers it
                self._apply_committed(batch, evidence, run, liveness=not full, attempts=1)
            for verdict in result.verdicts:
                run.stats[f"liveness_{verdict.kind}"] += 1
            results.append(result)
        return results

    @api.model
    def _apply_committed(self, batch, evidence, run, liveness=False, attempts=1):
        """Apply one batch and, in the cron, commit it. A liveness pass and a
        production pass of one account may write the same site from two
        workers: the later one fails to serialize, rolls back and tries again
        on a fresh snapshot; a batch still colliding after `attempts` is
        dropped (its claims run out, so a later check covers its sites)."""
        if not run.commit:
            self._apply_batch(batch, evidence, run, liveness=liveness)
            return True
        for _attempt in range(attempts):
            try:
                with mute_logger("odoo.sql_db"):
                    self._apply_batch(batch, evidence, run, liveness=liveness)
                self.env["ir.cron"]._commit_progress(len(batch))
                return True
            except SerializationFailure:
                self.env.cr.rollback()
                self.env.invalidate_all()
        run.stats["liveness_batches_dropped" if liveness else "batches_dropped"] += 1
        return False

    @api.model
    def _apply_batch(self, batch, evidence, run, liveness=False):
        """Write one batch's results, then open, touch and close its faults.
        A liveness pass writes freshness only, and its `reporting` verdicts
        end a comms loss but no production fault."""
        faults = self.env["solar.fault"]
        open_faults = faults._health_open_of_sites([row["id"] for row in batch])
        faulty_sites = {f.site for f in open_faults}
        if liveness:
            self.env["solar.site"]._health_write_liveness(batch, evidence, run)
        else:
            self.env["solar.site"]._health_write_results(batch, evidence, run, faulty_sites)
            self.env["solar.production.daily"]._health_upsert(batch, evidence, run.at)
        verdicts = evidence.verdicts
        actions = decide(
            [verdicts[str(row["id"])] for row in batch if str(row["id"]) in verdicts],
            [],
            open_faults,
            run.recovery_checks,
            suppressed_sites=self.env["solar.site"]._health_suppressed(batch, run.at),
        )
        faults._health_open_for_sites(actions.to_open, batch, evidence, run, actions)
        faults._health_touch(actions.still_present, actions.recovering, run.at)
        run.stats["tickets_reopened"] += faults.browse(actions.still_present)._reopen_signed_off(
            verdicts
        )
        faults._health_close(actions.to_close, run)
        for verdict in actions.suppressed:
            run.stats["suppressed"] += 1
            _logger.info("site %s: %s suppressed (outage expected)", verdict.site, verdict.kind)
        faults.invalidate_model()

    @api.model
    def _apply_incidents(self, accounts, fleet_verdicts, judged, run):
        """Vendor outages: account-level faults, opened when a whole account
        goes silent at once, closed when its sites are judged again."""
        faults = self.env["solar.fault"]
        actions = decide(
            [],
            fleet_verdicts,
            faults._health_open_incidents(accounts),
            run.recovery_checks,
            judged_accounts=judged,
        )
        faults._health_open_incidents_for(actions.incidents_to_open, accounts, run)
        faults._health_touch(actions.still_present, actions.recovering, run.at)
        faults._health_close(actions.to_close, run)
        faults.invalidate_model()
