# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A fault stays on screen while it is open.

After each batch of the health check (its faults opened, touched and
closed), after the night marks and after the daily close, one read of the
sites' open faults and one UPDATE of those whose shown state the engine's
rule (`kinds.shown_state`) moves to an open fault: a Zero Production site
read `ok` once (recovering), `night` or `indeterminate` still shows Zero
Production on its card, list row and map marker until its fault closes,
and says what the last check saw. The next check writes its own state
again, and the rule runs again after it."""

from odoo import models
from odoo.tools import SQL

from solar_om_engine.kinds import shown_state

from .health_run import local_minute, sql_values
from .solar_fault import FAULT_KINDS

REASON_MAX = 500


class SolarSiteShown(models.AbstractModel):
    _name = "solar.site.shown"
    _description = "Solar Site: What the Fleet Shows"

    def _health_show_open_faults(self):
        """Where a site of `self` has an open fault more urgent than its
        written state, show that fault (one read, at most one UPDATE)."""
        if not self:
            return
        rows = self.env.execute_query(
            SQL(
                """
                SELECT s.id, s.health_state, s.health_reason, s.tz,
                       array_agg(f.kind ORDER BY f.first_seen),
                       array_agg(f.first_seen ORDER BY f.first_seen),
                       array_agg(f.reason ORDER BY f.first_seen)
                FROM solar_site s JOIN solar_fault f
                    ON f.site_id = s.id AND f.state != 'closed'
                WHERE s.id = ANY(%s)
                GROUP BY s.id
                """,
                self.ids,
            )
        )
        labels = dict(FAULT_KINDS)
        updates = []
        for site_id, state, reason, tz, kinds, seen, reasons in rows:
            shown = shown_state(state or "unknown", kinds)
            if shown == state:
                continue
            index = kinds.index(shown)
            words = self.env._(
                "%(kind)s open since %(since)s: %(why)s Last check: %(last)s",
                kind=labels.get(shown, shown),
                since=local_minute(seen[index], tz),
                why=reasons[index] or "",
                last=reason or state,
            )
            updates.append((site_id, shown, words[:REASON_MAX]))
        if not updates:
            return
        self.env.cr.execute(
            SQL(
                "UPDATE solar_site AS s SET health_state = v.state, health_reason = v.reason"
                " FROM (VALUES %s) AS v(id, state, reason) WHERE s.id = v.id",
                sql_values(updates),
            )
        )
        self.browse([u[0] for u in updates])._health_written(["health_state", "health_reason"])
