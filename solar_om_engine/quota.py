"""Vendor quotas: what each plan allows, a ledger of what was spent, and a
planner that spreads the month's budget over the fleet's daylight hours.

The vendors count calls per minute and per month (APsystems and SolarEdge v2
expose no monthly counter at all), so the ledger counts locally and is saved
by the caller between checks.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, timezone

from .errors import EngineError


@dataclass(frozen=True)
class Tier:
    per_minute: int
    per_month: int


# Published plan limits (see docs/vendors.md).
TIERS: dict[str, dict[str, Tier]] = {
    "solaredge": {"free": Tier(10, 2_000)},
    "enphase": {
        "watt": Tier(10, 1_000),
        "kilowatt": Tier(50, 50_000),
        "megawatt": Tier(100, 300_000),
        "partner": Tier(300, 1_500_000),
    },
    # APsystems documents no per-minute limit; 10/min keeps clear of 7002.
    "apsystems": {
        "lv0": Tier(10, 1_000),
        "lv1": Tier(60, 100_000),
        "lv2": Tier(120, 500_000),
        "lv3": Tier(300, 1_000_000),
    },
}
# Test and benchmark tier: the simulator accepts it, real vendors do not exist at it.
UNLIMITED = Tier(1_000_000, 10**12)


def tier_for(vendor: str, name: str) -> Tier:
    if name == "unlimited":
        return UNLIMITED
    try:
        return TIERS[vendor][name]
    except KeyError as err:
        known = ", ".join(TIERS.get(vendor, {})) or "none"
        raise ValueError(f"unknown quota tier {name!r} for {vendor} (known: {known})") from err


class QuotaExhausted(EngineError):
    """No call may be made before `until` (UTC)."""

    def __init__(self, vendor: str, period: str, until: datetime):
        self.vendor = vendor
        self.period = period
        self.until = until
        super().__init__(f"{vendor} {period} quota spent until {until.isoformat()}")


def _month_key(at: datetime) -> str:
    return at.astimezone(timezone.utc).strftime("%Y-%m")


def _month_end(at: datetime) -> datetime:
    at = at.astimezone(timezone.utc)
    first = at.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return (first + timedelta(days=32)).replace(day=1)


@dataclass
class QuotaLedger:
    """Calls spent, per month and in the current minute, and any block the
    vendor imposed with a 429. Serialisable with `to_dict`/`from_dict`."""

    vendor: str
    tier: Tier
    month: str = ""
    month_used: int = 0
    minute_calls: list[float] = field(default_factory=list)  # epoch seconds
    blocked_until: float = 0.0  # epoch seconds
    blocked_period: str = ""
    # the vendor's own per-minute figures, when it sends them
    remaining_minute: int | None = None

    clock = staticmethod(time.time)
    sleep = staticmethod(time.sleep)

    def _now(self) -> datetime:
        return datetime.fromtimestamp(self.clock(), timezone.utc)

    def _roll(self) -> None:
        key = _month_key(self._now())
        if key != self.month:
            self.month, self.month_used = key, 0
        cutoff = self.clock() - 60
        self.minute_calls = [t for t in self.minute_calls if t > cutoff]

    def month_remaining(self) -> int:
        self._roll()
        return max(self.tier.per_month - self.month_used, 0)

    def acquire(self, max_wait: float = 65.0) -> None:
        """Wait for a free slot in the minute; raise when the month is spent
        or the vendor told us to stop for longer than `max_wait` seconds."""
        self._roll()
        now = self.clock()
        if self.blocked_until > now:
            if self.blocked_until - now > max_wait:
                raise QuotaExhausted(
                    self.vendor,
                    self.blocked_period or "minute",
                    datetime.fromtimestamp(self.blocked_until, timezone.utc),
                )
            self.sleep(self.blocked_until - now)
        if self.month_used >= self.tier.per_month:
            raise QuotaExhausted(self.vendor, "month", _month_end(self._now()))
        if len(self.minute_calls) >= self.tier.per_minute or self.remaining_minute == 0:
            wait = (self.minute_calls[0] + 60 - self.clock()) if self.minute_calls else 60.0
            if wait > max_wait:
                raise QuotaExhausted(self.vendor, "minute", self._now() + timedelta(seconds=wait))
            self.sleep(max(wait, 0))
            self.remaining_minute = None
            self._roll()
        self.minute_calls.append(self.clock())
        self.month_used += 1

    def block(self, period: str, until: datetime) -> None:
        self.blocked_period = period
        self.blocked_until = max(self.blocked_until, until.timestamp())
        if period == "month":
            self.month_used = max(self.month_used, self.tier.per_month)

    def merge(self, other: QuotaLedger, spent: int) -> None:
        """Fold in what another worker spent (`spent` calls this month) and
        the limits it ran into, so the stored ledger counts every call."""
        self._roll()
        if other.month == self.month:
            self.month_used += spent
        elif other.month > self.month:
            self.month, self.month_used = other.month, other.month_used
        self.minute_calls = sorted(set(self.minute_calls) | set(other.minute_calls))[-1000:]
        if other.blocked_until > self.blocked_until:
            self.blocked_until, self.blocked_period = other.blocked_until, other.blocked_period
        if other.remaining_minute is not None:
            self.remaining_minute = other.remaining_minute

    def to_dict(self) -> dict:
        data = asdict(self)
        data.pop("tier")
        return data

    @classmethod
    def from_dict(cls, vendor: str, tier: Tier, data: dict | None) -> QuotaLedger:
        data = dict(data or {})
        data.pop("vendor", None)
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(vendor=vendor, tier=tier, **known)


# ---------------------------------------------------------------- pacing a run
# (the month's plan is `planner.make_plan`; call costs are `clients.costs`)


def sites_per_run(tier: Tier, vendor: str, minutes: float = 5.0) -> int:
    """How many sites one run may read in full so it fits in `minutes` at
    the vendor's per-minute limit; the rest stay due for the next run."""
    from .clients.costs import reading_calls  # the clients import this module

    return max(1, int(tier.per_minute * minutes / max(reading_calls(vendor), 1)))
