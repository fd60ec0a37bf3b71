"""Days replayed in order through the engine, as the addon lives them.

`Replay` holds what the addon keeps in its database (each site's history,
the open faults and their tickets) in memory, and for each day runs the same
functions the addon's daily close calls: `dayfacts.fleet_day_facts`,
`dayrules.judge_day`, `dayhistory.confirm`, `faults.decide` (one fault and
one ticket per site problem, closed after `recovery_days` normal days) and
`dayhistory.remember`. `python -m solar_om_engine days` prints its lines.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date

from .classify import Verdict
from .dayfacts import fleet_day_facts
from .dayhistory import HistoryPolicy, SiteHistory, confirm, knowledge, remember
from .dayrules import DAY_RULES, DayRule, judge_day
from .faults import OpenFault, decide
from .orientation import fit_day
from .series import DaySeries, SiteSpec


@dataclass(frozen=True)
class DayLine:
    """One site's day as the `days` command prints it."""

    site: str
    date: str
    kind: str
    ticket_open: bool
    reason: str

    def to_json(self) -> dict:
        return {
            "site": self.site,
            "date": self.date,
            "kind": self.kind,
            "ticket_open": self.ticket_open,
            "reason": self.reason,
        }


@dataclass
class Replay:
    """The state of a fleet between days (what the addon stores)."""

    specs: Mapping[str, SiteSpec]
    recovery_days: int = 2
    rules: tuple[DayRule, ...] = DAY_RULES
    policy: HistoryPolicy = HistoryPolicy()
    histories: dict[str, SiteHistory] = field(default_factory=dict)
    open_faults: list[OpenFault] = field(default_factory=list)
    _next_id: int = 1

    def ticket_open(self, site: str) -> bool:
        return any(f.site == site and f.ticket is not None for f in self.open_faults)

    def day(self, day: date, series: Mapping[str, DaySeries]) -> list[DayLine]:
        """Judge one local day of every site in `series`, act on it, and
        return its lines (in `series`' order)."""
        open_kinds: dict[str, set[str]] = {}
        for fault in self.open_faults:
            open_kinds.setdefault(fault.site, set()).add(fault.kind)
        known = {
            site: knowledge(
                self.histories.get(site, SiteHistory()),
                self.specs[site],
                faulty=site in open_kinds,
                policy=self.policy,
            )
            for site in series
        }
        facts = fleet_day_facts(self.specs, series, known)
        verdicts: dict[str, Verdict] = {}
        acted: list[Verdict] = []
        for site in series:
            verdict = judge_day(facts[site], self.rules)
            verdicts[site] = verdict
            history = self.histories.get(site, SiteHistory())
            confirmed = confirm(verdict, history, frozenset(open_kinds.get(site, ())))
            if confirmed is not None:
                acted.append(confirmed)
        self._apply(decide(acted, [], self.open_faults, self.recovery_days))
        lines = []
        for site, s in series.items():
            spec, verdict = self.specs[site], verdicts[site]
            history = self.histories.get(site, SiteHistory())
            fit = fit_day(spec, s) if not spec.arrays else None
            self.histories[site] = remember(history, facts[site], verdict, fit, self.policy)
            lines.append(
                DayLine(site, day.isoformat(), verdict.kind, self.ticket_open(site), verdict.reason)
            )
        return lines

    def unjudged(self, day: date, site: str, why: str) -> DayLine:
        """The line of a site-day whose input could not be read: nothing
        changes for the site."""
        return DayLine(
            site, day.isoformat(), "indeterminate", self.ticket_open(site), f"bad input: {why}"
        )

    def _apply(self, actions) -> None:
        """What the addon does with `faults.decide`'s actions: faults open
        (with a ticket, or joining the site's open one), are touched,
        recover and close."""
        by_id = {f.id: f for f in self.open_faults}
        for fault_id in actions.still_present:
            by_id[fault_id] = replace(by_id[fault_id], ok_streak=0)
        for fault_id, streak in actions.recovering.items():
            by_id[fault_id] = replace(by_id[fault_id], ok_streak=streak)
        for fault_id in actions.to_close:
            by_id.pop(fault_id, None)
        for verdict in actions.to_open:
            ticket = actions.attach.get(verdict.site)
            fault_id = self._next_id
            self._next_id += 1
            by_id[fault_id] = OpenFault(
                fault_id, verdict.site, verdict.kind, 0, verdict.account, ticket or fault_id
            )
        # a ticket closes with the last of its faults
        self.open_faults = list(by_id.values())
