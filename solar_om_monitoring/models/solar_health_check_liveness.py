# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The accounts' liveness passes: the cheapest call that tells which lit
sites still report, at the cadence each account's polling plan affords."""

from datetime import timezone

from odoo import api, models

from solar_om_engine import planner
from solar_om_engine.classify import classify_fleet, classify_liveness

from .health_run import Evidence


class SolarHealthCheckLiveness(models.AbstractModel):
    _name = "solar.health.check.liveness"
    _description = "Health Check: Liveness"

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
                result = classify_fleet(readings, run.at, run.rules)
            else:
                readings, errors = account._health_liveness(rows, run)
                result = classify_liveness(readings, run.at, run.rules)
            evidence = Evidence.of(result, readings, errors, run.series)
            run.series.clear()
            for start in range(0, len(rows), run.batch_size):
                batch = rows[start : start + run.batch_size]
                # freshness only: a colliding batch is dropped, the next pass covers it
                self._apply_committed(batch, evidence, run, liveness=not full, attempts=1)
            for verdict in result.verdicts:
                run.stats[f"liveness_{verdict.kind}"] += 1
            results.append(result)
        return results
