# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import HttpCase, new_test_user, tagged

from solar_om_engine.simulator import Simulator
from solar_om_engine.simulator.fleet import onboarding_fleet

from .common import NOON
from .test_onboarding import use_simulator_geocoder

# the demo's customers own three of the installer's 40 systems
DEMO_OWNERS = (("Huber", "Munich"), ("García", "Madrid"), ("Rossi", "Rome"))


@tagged("post_install", "-at_install")
class TestOnboardingTour(HttpCase):
    """The O&M manager, in headless Chromium on the demo database, connects
    an installer's SolarEdge account holding 40 systems (the simulator),
    discovers them, accepts the customers found and creates the rest; the
    next health check judges them; a second discovery creates nothing."""

    def test_manager_onboards_a_40_system_account(self):
        fleet = onboarding_fleet(40, "solaredge", owners=DEMO_OWNERS)
        fleet.set_clock(NOON)
        sim = Simulator(fleet).start()
        self.addCleanup(sim.stop)
        use_simulator_geocoder(self.env, sim)
        # what an administrator sets once: new accounts point at the simulator
        self.env["ir.default"].set(
            "solar.monitoring.account", "base_url", sim.base_url("solaredge")
        )
        new_test_user(
            self.env,
            login="onboard_tour_manager",
            groups="solar_om.group_solar_om_manager,helpdesk_mgmt.group_helpdesk_manager",
            tz="Europe/Berlin",
        )
        self.start_tour("/odoo", "solar_om_onboarding", login="onboard_tour_manager")

        account = self.env["solar.monitoring.account"].search(
            [("name", "=", "Installer SolarEdge account")]
        )
        sites = self.env["solar.site"].search([("account_id", "=", account.id)])
        self.assertEqual(len(sites), 40)
        huber = self.env.ref("solar_om.demo_partner_huber")
        self.assertEqual(sites.filtered(lambda s: s.name == "Huber home").partner_id, huber)
        self.assertEqual(
            len(self.env["solar.vendor.system"].search([("account_id", "=", account.id)])), 40
        )
        # the next health check judges them
        self.env["solar.health.check"].run(accounts=account, at=NOON, force=True)
        judged = sites.filtered(lambda s: s.health_state not in ("unknown", "night"))
        self.assertEqual(len(judged), 40, sites.mapped("poll_error"))
        self.assertGreater(len(sites.filtered(lambda s: s.health_state == "ok")), 30)
