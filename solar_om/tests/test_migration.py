# Copyright 2026 Solar O&M
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import tagged

from .common import SolarOmCommon
from .migration import load_migration


@tagged("post_install", "-at_install")
class TestMigration(SolarOmCommon):
    def test_sites_of_an_old_database_get_the_standard_level(self):
        standard = self.env.ref("solar_om.contract_level_standard")
        premium = self.env.ref("solar_om.contract_level_premium")
        chosen = self._create_site(self.env(user=self.back_office), vendor_site_ref="TEST-2")
        chosen.contract_level_id = premium
        # a site from before contract levels: the upgrade left it without one
        self.site.contract_level_id = False
        messages = len(self.site.message_ids)
        load_migration("solar_om", "19.0.1.0.1").migrate(self.env.cr, "19.0.1.0.0")
        self.assertEqual(self.site.contract_level_id, standard)
        self.assertEqual(chosen.contract_level_id, premium, "a level someone chose stays")
        self.assertEqual(len(self.site.message_ids), messages, "no chatter line per site")

    def test_arrays_entered_beside_an_unknown_roof_are_the_roof_after_the_upgrade(self):
        # a database from before: arrays entered, the orientation left Unknown
        self.site.array_ids = [(0, 0, {"dc_kwp": 3.0, "tilt": 10, "azimuth": 90})]
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE solar_site SET roof_orientation = 'unknown' WHERE id = %s", [self.site.id]
        )
        self.site.invalidate_recordset(["roof_orientation"])
        changed = load_migration("solar_om", "19.0.1.0.2").recompute_roof_orientation(self.env.cr)
        self.site.invalidate_recordset(["roof_orientation"])
        self.assertIn(self.site.id, changed)
        self.assertEqual(self.site.roof_orientation, "arrays")
