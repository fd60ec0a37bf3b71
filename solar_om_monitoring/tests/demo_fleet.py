# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The demo database as setup/run.sh leaves it: the demo fleet served by the
real simulator on 127.0.0.1 (setup/demo_fleet.sh's faults injected) and a
first health check, at a fixed European noon so the figures do not depend
on the hour the tests run. The roles' tours walk it as its demo users."""

from datetime import datetime, timedelta, timezone

from solar_om_engine.simulator import Simulator, demo_fleet

# 22 June 2026, 12:00 in Munich and Madrid: Europe in full sun, the
# Americas and Australia at night
DEMO_AT = datetime(2026, 6, 22, 10, 0, tzinfo=timezone.utc)
DEMO_STEP = timedelta(minutes=20)
# one fault per region, as setup/demo_fleet.sh injects them
DEMO_FAULTS = {
    "1001": "comms_loss",
    "1002": "zero_production",
    "2001": "zero_production",
    "2002": "partial_outage",
    "3001": "comms_loss",
    "3002": "zero_production",
}


class DemoFleetMixin:
    """setUpClass: the demo fleet's simulator, the demo accounts pointed at
    it, the faults injected and the first check run (as the cron does)."""

    @classmethod
    def setUpDemoFleet(cls):
        cls.fleet = demo_fleet()
        cls.fleet.set_clock(DEMO_AT)
        cls.sim = Simulator(cls.fleet).start()
        cls.addClassCleanup(cls.sim.stop)
        cls.demo_accounts = cls.env["solar.monitoring.account"].search(
            [("base_url", "=like", "http://127.0.0.1:8765/%")]
        )
        for account in cls.demo_accounts:
            account.base_url = account.base_url.replace("http://127.0.0.1:8765", cls.sim.url)
        for ref, kind in DEMO_FAULTS.items():
            cls.fleet.inject(ref, kind, DEMO_AT - timedelta(hours=2))
        cls.demo_check(DEMO_AT)

    @classmethod
    def demo_check(cls, at):
        cls.fleet.set_clock(at)
        return cls.env["solar.health.check"].run(accounts=cls.demo_accounts, at=at, force=True)

    @classmethod
    def demo_site(cls, xmlid):
        return cls.env.ref(f"solar_om.demo_site_{xmlid}")
