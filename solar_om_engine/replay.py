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
from .dayfacts import DayFacts, fleet_day_facts
from .dayhistory import DEFAULT_POLICY, HistoryPolicy, SiteHistory, confirm, knowledge, remember
from .dayrules import DAY_RULES, DayRule, judge_day
from .faults import FaultActions, OpenFault, decide
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


@dataclass(frozen=True)
class DayClose:
    """What closing one local day decides for a fleet: each site's verdict
    of the day, the verdicts to act on (after `dayhistory.confirm`), the
    fault and ticket actions (`faults.decide`), and each site's history
    after the day (`dayhistory.remember`)."""

    verdicts: dict[str, Verdict]
    acted: list[Verdict]
    actions: FaultActions
    histories: dict[str, SiteHistory]
    facts: dict[str, DayFacts]


def close_day(
    specs: Mapping[str, SiteSpec],
    series: Mapping[str, DaySeries],
    histories: Mapping[str, SiteHistory],
    open_faults: list[OpenFault],
    recovery_days: int = 2,
    rules: tuple[DayRule, ...] = DAY_RULES,
    policy: HistoryPolicy = DEFAULT_POLICY,
) -> DayClose:
    """Judge one local day of every site in `series` (all on one date) and
    decide what it means: the one function the addon's daily close and the
    `days` command both call."""
    open_kinds: dict[str, set[str]] = {}
    for fault in open_faults:
        open_kinds.setdefault(fault.site, set()).add(fault.kind)
    empty = SiteHistory()
    known = {
        site: knowledge(
            histories.get(site, empty), specs[site], faulty=site in open_kinds, policy=policy
        )
        for site in series
    }
    facts = fleet_day_facts(specs, series, known)
    verdicts: dict[str, Verdict] = {}
    acted: list[Verdict] = []
    after: dict[str, SiteHistory] = {}
    for site, day_series in series.items():
        verdict = judge_day(facts[site], rules)
        verdicts[site] = verdict
        history = histories.get(site, empty)
        confirmed = confirm(verdict, history, frozenset(open_kinds.get(site, ())), policy)
        if confirmed is not None:
            acted.append(confirmed)
            # a day that tipped the evidence is reported as what it opened
            verdicts[site] = verdict = confirmed
        spec = specs[site]
        fit = fit_day(spec, day_series) if not spec.arrays else None
        after[site] = remember(history, facts[site], verdict, fit, policy)
    actions = decide(acted, [], open_faults, recovery_days)
    return DayClose(verdicts, acted, actions, after, facts)


@dataclass
class Replay:
    """A fleet's state between days, in memory (what the addon stores), and
    `close_day` applied day after day."""

    specs: Mapping[str, SiteSpec]
    recovery_days: int = 2
    rules: tuple[DayRule, ...] = DAY_RULES
    policy: HistoryPolicy = DEFAULT_POLICY
    histories: dict[str, SiteHistory] = field(default_factory=dict)
    open_faults: list[OpenFault] = field(default_factory=list)
    _next_id: int = 1

    def ticket_open(self, site: str) -> bool:
        return any(f.site == site and f.ticket is not None for f in self.open_faults)

    def day(self, day: date, series: Mapping[str, DaySeries]) -> list[DayLine]:
        """Close one local day of every site in `series`, act on it as the
        addon does, and return its lines (in `series`' order)."""
        closed = close_day(
            self.specs,
            series,
            self.histories,
            self.open_faults,
            self.recovery_days,
            self.rules,
            self.policy,
        )
        self._apply(closed.actions)
        self.histories.update(closed.histories)
        return [
            DayLine(site, day.isoformat(), verdict.kind, self.ticket_open(site), verdict.reason)
            for site, verdict in closed.verdicts.items()
        ]

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
