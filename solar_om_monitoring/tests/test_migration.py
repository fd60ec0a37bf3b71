# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import tagged

from odoo.addons.base.tests.common import BaseCommon
from odoo.addons.solar_om.tests.migration import load_migration


@tagged("post_install", "-at_install")
class TestMigration(BaseCommon):
    def test_an_old_database_checks_every_minute_after_the_upgrade(self):
        cron = self.env.ref("solar_om_monitoring.ir_cron_solar_health_check")
        migration = load_migration("solar_om_monitoring", "19.0.1.0.1")
        # a database installed when the check ran every 15 minutes (noupdate)
        cron.write({"interval_number": 15, "interval_type": "minutes"})
        migration.migrate(self.env.cr, "19.0.1.0.0")
        self.assertEqual((cron.interval_number, cron.interval_type), (1, "minutes"))
        # an interval the installer chose stays theirs
        cron.write({"interval_number": 2, "interval_type": "hours"})
        migration.migrate(self.env.cr, "19.0.1.0.0")
        self.assertEqual((cron.interval_number, cron.interval_type), (2, "hours"))

    def test_sites_without_a_service_location_get_one_after_the_upgrade(self):
        partner = self.env["res.partner"].create({"name": "Old site owner"})
        site = self.env["solar.site"].create(
            {"name": "Old roof", "partner_id": partner.id, "capacity_dc_kwp": 4.0}
        )
        # made before this addon: no location
        location = site.fsm_location_id
        site.fsm_location_id = False
        location.unlink()
        load_migration("solar_om_monitoring", "19.0.1.0.2").migrate(self.env.cr, "19.0.1.0.1")
        site.invalidate_recordset(["fsm_location_id"])
        self.assertTrue(site.fsm_location_id)
        self.assertEqual(site.fsm_location_id.owner_id, partner)
