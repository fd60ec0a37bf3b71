# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What one health-check run carries between the models it goes through,
and the helpers of its set-based SQL (one statement per batch of sites,
never a query per site)."""

import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone

from odoo.tools import SQL

from solar_om_engine.classify import Night, rule_of
from solar_om_engine.geo import zone

# the check's tunables (system parameters ``solar_om_monitoring.<name>``, on the
# settings page) and their defaults, whose types are the parameters' types
TUNABLES = {
    # sites one worker claims at a time, so several cron workers share a big
    # fleet (claims follow the map: a site's neighbours are mostly in its chunk)
    "claim_size": 2000,
    # sites written (and in the cron committed) together
    "batch_size": 500,
    # consecutive normal daylight checks before a fault closes
    "recovery_checks": 2,
    # the sun's elevation below which a site is not judged
    "min_elevation_deg": Night.min_elevation_deg,
}


@dataclass
class HealthRun:
    """One run of the check: the instant judged, its settings and its tally."""

    at: datetime  # aware UTC
    rules: tuple  # the check's rules (classify.CHECK_RULES, tuned by the settings)
    plans: dict  # monitoring account id -> planner.Plan
    recovery_checks: int
    batch_size: int
    commit: bool  # commit each batch (the cron and the e2e runs do, tests do not)
    stats: defaultdict = field(default_factory=lambda: defaultdict(int))
    # monitoring account id -> kind of error that stopped its poll ('' if none)
    account_errors: dict = field(default_factory=dict)
    started: float = field(default_factory=time.monotonic)
    # site key -> the day's series the last poll carried (capture.DayCapture),
    # stored with the day by the production upsert, then dropped
    series: dict = field(default_factory=dict)
    # values read once a run and kept across its commits (which clear the
    # ORM's cache), for what the run itself never changes: the day notes'
    # author and sender (`helpdesk.ticket._solar_post_days`)
    memo: dict = field(default_factory=dict)

    def clock(self) -> float:
        """Epoch seconds of the instant judged, moving on as the run goes:
        the quota ledger's minutes are real, its months those of `at`."""
        return self.at.timestamp() + (time.monotonic() - self.started)

    @property
    def min_elevation_deg(self) -> float:
        """What this run calls daylight (the rules' own `Night`)."""
        return rule_of(self.rules, Night).min_elevation_deg

    @property
    def naive_at(self):
        return naive_utc(self.at)


@dataclass
class Evidence:
    """What the check learnt about one chunk of sites, by site key."""

    verdicts: dict  # site key -> classify.Verdict
    readings: dict  # site key -> clients.Reading
    errors: dict  # site key -> why the site could not be read
    # site key -> the day's series the reading came with (capture.DayCapture)
    series: dict = field(default_factory=dict)

    @classmethod
    def of(cls, result, readings, errors, series=None):
        """The evidence of a classification `result` over `readings`."""
        return cls(
            verdicts={v.site: v for v in result.verdicts},
            readings={r.site: r for r in readings},
            errors=errors,
            series=dict(series or {}),
        )


def local_minute(moment, tz_name):
    """A time as a person reads it in persisted text (a reason, a ticket):
    in `tz_name`, to the minute, the zone named. Naive times are UTC."""
    if not moment:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(zone(tz_name or "UTC")).strftime("%Y-%m-%d %H:%M %Z")


def naive_utc(moment):
    """An aware instant as the naive UTC datetime Odoo stores."""
    return moment.astimezone(timezone.utc).replace(tzinfo=None) if moment else None


def sql_values(rows):
    """The body of a ``VALUES`` list, every value a bound parameter."""
    return SQL(", ").join(SQL("(%s)", SQL(", ").join(SQL("%s", v) for v in row)) for row in rows)


def expected_kwh(verdict):
    """The energy the site should have made so far today, as the verdict's
    evidence gives it (None when the check did not judge production)."""
    expected_wh = verdict.evidence.get("expected_wh") if verdict else None
    return expected_wh / 1000 if expected_wh is not None else None
