# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestFleetTour(HttpCase):
    """The O&M manager opens the app in headless Chromium: the Fleet
    Overview counts the faulty site, its tile opens the Sites list, where
    the faulty site comes first and red and the healthy one does not."""

    def test_manager_finds_the_faulty_site_from_the_overview(self):
        new_test_user(
            self.env,
            login="tour_manager",
            groups="solar_om.group_solar_om_manager,helpdesk_mgmt.group_helpdesk_manager",
        )
        account = self.env["solar.monitoring.account"].create(
            {
                "name": "Tour account",
                "vendor": "solaredge",
                "quota_tier": "unlimited",
                "base_url": "http://127.0.0.1:9/solaredge/v2",
            }
        )
        # the database may hold demo sites: the tour counts only its own
        self.env["solar.site"].search([]).action_archive()
        customer = self.env["res.partner"].create({"name": "Tour customer"})
        sites = self.env["solar.site"].create(
            [
                {
                    "name": name,
                    "partner_id": customer.id,
                    "latitude": 48.14,
                    "longitude": 11.58,
                    "tz": "Europe/Berlin",
                    "capacity_dc_kwp": 8.0,
                    "vendor": "solaredge",
                    "vendor_site_ref": ref,
                    "account_id": account.id,
                }
                for name, ref in (("A healthy roof", "T1"), ("Zz faulty roof", "T2"))
            ]
        )
        # as the health check leaves them (alphabetically the faulty one is last):
        # the state on the site, the day's energy on its production row
        heard = self.env.cr.now().replace(hour=11, minute=0, second=0, microsecond=0)
        for site, state, reason, energy in (
            (sites[0], "ok", "producing normally", 20.0),
            (sites[1], "inverter_fault", "Zero Production: reporting 0 W", 3.0),
        ):
            site.write({"health_state": state, "health_reason": reason, "last_report_at": heard})
            self.env["solar.production.daily"].create(
                {
                    "site_id": site.id,
                    "day": heard.date(),
                    "energy_kwh": energy,
                    "expected_kwh": 21.0,
                }
            )
        self.start_tour("/odoo", "solar_om_fleet_health", login="tour_manager")
