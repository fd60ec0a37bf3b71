# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import HttpCase, new_test_user, tagged

from ..models.solar_site_health import HEALTH_COLOR
from ..models.solar_sites_map import DEFAULT_TILE_URL


@tagged("post_install", "-at_install")
class TestSitesMap(HttpCase):
    """The Sites Map as the O&M manager uses it: one read for every marker,
    the site cards' colours, the tile server from the settings, and the
    list it falls back to when no tile loads (headless Chromium)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env,
            login="map_manager",
            groups="solar_om.group_solar_om_manager,helpdesk_mgmt.group_helpdesk_manager",
        )
        # the database may hold demo sites: the map shows only these
        cls.env["solar.site"].search([]).action_archive()
        cls.customer = cls.env["res.partner"].create({"name": "Map customer"})
        cls.healthy, cls.faulty, cls.unplaced = cls.env["solar.site"].create(
            [
                {
                    "name": name,
                    "partner_id": cls.customer.id,
                    "latitude": lat,
                    "longitude": lon,
                    "tz": "Europe/Berlin",
                    "capacity_dc_kwp": 8.0,
                    "health_state": state,
                    "health_reason": reason,
                }
                for name, lat, lon, state, reason in (
                    ("A healthy roof", 48.14, 11.58, "ok", "producing normally"),
                    ("Zz faulty roof", 48.20, 11.40, "inverter_fault", "reporting 0 W"),
                    ("No coordinates roof", 0.0, 0.0, "comms_loss", "no report for 3.0 h"),
                )
            ]
        )

    def map_data(self):
        return self.env["solar.sites.map"].with_user(self.manager).markers()

    def test_markers_carry_the_cards_colours_problems_first(self):
        data = self.map_data()
        self.assertEqual([m["name"] for m in data["sites"]], ["Zz faulty roof", "A healthy roof"])
        faulty, healthy = data["sites"]
        self.assertEqual(faulty["color"], HEALTH_COLOR["inverter_fault"])
        self.assertEqual(healthy["color"], HEALTH_COLOR["ok"])
        labels = dict(self.env["solar.site"]._fields["health_state"].selection)
        self.assertEqual(faulty["label"], labels["inverter_fault"])
        self.assertTrue(faulty["problem"])
        self.assertFalse(healthy["problem"])
        self.assertEqual((faulty["lat"], faulty["lng"]), (48.2, 11.4))
        self.assertEqual(data["unplaced"], 1)

    def test_one_read_for_all_markers(self):
        """No query per site: ten times the sites, the same queries."""
        self.map_data()  # warm the registry's caches
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        self.map_data()
        few = self.env.cr.sql_log_count - before
        self.env["solar.site"].create(
            [
                {
                    "name": f"More roof {i}",
                    "partner_id": self.customer.id,
                    "latitude": 48 + i / 100,
                    "longitude": 11,
                    "tz": "Europe/Berlin",
                    "capacity_dc_kwp": 5.0,
                }
                for i in range(30)
            ]
        )
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        self.assertEqual(len(self.map_data()["sites"]), 32)
        self.assertEqual(self.env.cr.sql_log_count - before, few)

    def test_tiles_default_to_openstreetmap_and_follow_the_setting(self):
        config = self.env["ir.config_parameter"].sudo()
        # web_leaflet_lib's own "nothing chosen"
        config.set_param("leaflet.tile_url", "False")
        self.assertEqual(self.map_data()["tile_url"], DEFAULT_TILE_URL)
        self.assertIn("OpenStreetMap", self.map_data()["attribution"])
        settings = self.env["res.config.settings"].create({})
        self.assertFalse(settings.solar_map_tile_url)
        settings.write(
            {
                "solar_map_tile_url": "https://tiles.example.org/{z}/{x}/{y}.png",
                "solar_map_attribution": "Example tiles",
            }
        )
        settings.execute()
        data = self.map_data()
        self.assertEqual(data["tile_url"], "https://tiles.example.org/{z}/{x}/{y}.png")
        self.assertEqual(data["attribution"], "Example tiles")

    def test_map_degrades_to_the_list_and_keeps_its_markers_without_tiles(self):
        self.start_tour("/odoo", "solar_om_sites_map", login="map_manager")
