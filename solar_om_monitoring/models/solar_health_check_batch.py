# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""One batch of the health check, applied: the sites' results, today's
energy, and the engine's fault decisions (open, touch, close, reopen), then
the account-level incidents of the whole run. In the cron each batch commits
on its own, retried on a fresh snapshot when another worker collides."""

import logging

from psycopg2.errors import SerializationFailure

from odoo import api, models
from odoo.tools import mute_logger

from solar_om_engine.faults import decide

_logger = logging.getLogger(__name__)


class SolarHealthCheckBatch(models.AbstractModel):
    _name = "solar.health.check.batch"
    _description = "Health Check: Batches"

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
        if not liveness:
            # the day's energy just grew the open tickets' loss: their priority
            # follows (one search and one grouped read for the whole batch)
            self.env["helpdesk.ticket"]._solar_follow_loss([row["id"] for row in batch])
        for verdict in actions.suppressed:
            run.stats["suppressed"] += 1
            _logger.info("site %s: %s suppressed (outage expected)", verdict.site, verdict.kind)
        # an open fault stays on screen whatever this check could judge
        self.env["solar.site"].browse([row["id"] for row in batch])._health_show_open_faults()
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
