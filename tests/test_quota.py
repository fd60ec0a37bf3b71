from datetime import datetime, timezone

import pytest

from solar_om_engine.quota import QuotaExhausted, QuotaLedger, Tier


class Clock:
    def __init__(self, t):
        self.t = t

    def __call__(self):
        return self.t

    def sleep(self, seconds):
        self.t += seconds


def ledger(tier, clock):
    q = QuotaLedger("enphase", tier)
    q.clock = clock
    q.sleep = clock.sleep
    return q


def test_minute_limit_spaces_calls_instead_of_failing():
    clock = Clock(datetime(2026, 6, 1, tzinfo=timezone.utc).timestamp())
    q = ledger(Tier(10, 1000), clock)
    start = clock.t
    for _ in range(25):
        q.acquire()
    assert clock.t - start >= 120  # 25 calls at 10/min need two waits
    assert q.month_used == 25


def test_spent_month_raises_until_next_month_and_rolls_over():
    clock = Clock(datetime(2026, 6, 30, 12, tzinfo=timezone.utc).timestamp())
    q = ledger(Tier(100, 3), clock)
    for _ in range(3):
        q.acquire()
    with pytest.raises(QuotaExhausted) as err:
        q.acquire()
    assert err.value.period == "month"
    assert err.value.until == datetime(2026, 7, 1, tzinfo=timezone.utc)
    clock.t = datetime(2026, 7, 1, 0, 5, tzinfo=timezone.utc).timestamp()
    q.acquire()
    assert q.month_used == 1


def test_ledger_survives_a_round_trip():
    clock = Clock(1_780_000_000.0)
    q = ledger(Tier(10, 1000), clock)
    q.acquire()
    copy = QuotaLedger.from_dict("enphase", Tier(10, 1000), q.to_dict())
    assert copy.month_used == 1 and copy.month == q.month


def test_two_workers_spending_on_one_account_add_up():
    clock = Clock(datetime(2026, 6, 1, tzinfo=timezone.utc).timestamp())
    stored = ledger(Tier(100, 1000), clock)
    a = QuotaLedger.from_dict("enphase", Tier(100, 1000), stored.to_dict())
    b = QuotaLedger.from_dict("enphase", Tier(100, 1000), stored.to_dict())
    for q in (a, b):
        q.clock, q.sleep = clock, clock.sleep
    for _ in range(3):
        a.acquire()
    for _ in range(5):
        b.acquire()
    stored.merge(a, 3)
    stored.merge(b, 5)
    assert stored.month_used == 8
