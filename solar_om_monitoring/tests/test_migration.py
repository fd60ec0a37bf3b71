# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import os
from types import SimpleNamespace

from odoo.modules.migration import MigrationManager
from odoo.tests import new_test_user, tagged

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

    def test_an_old_database_shows_production_cases_to_technicians(self):
        types = self.env.ref("solar_om_monitoring.case_type_inverter_fault") | self.env.ref(
            "solar_om_monitoring.case_type_meter_fault"
        )
        # a database installed before the flag (the case types are noupdate)
        types.solar_technician_visible = False
        migration = load_migration("solar_om_monitoring", "19.0.1.0.2", "post-technician")
        self.assertEqual(migration.mark_production_types(self.env), types)
        self.assertTrue(all(types.mapped("solar_technician_visible")))
        self.assertFalse(migration.mark_production_types(self.env))

    def test_technicians_already_there_land_on_their_orders_after_the_upgrade(self):
        technician = new_test_user(
            self.env, login="mig_tech", groups="solar_om.group_solar_om_technician"
        )
        technician.action_id = False
        migration = load_migration("solar_om_monitoring", "19.0.1.0.2", "post-technician")
        migration.migrate(self.env.cr, "19.0.1.0.1")
        home = self.env.ref("solar_om_monitoring.fsm_order_action_my_work")
        self.assertEqual(technician.action_id.id, home.id)

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

    def test_the_upgrade_to_19_0_1_0_2_runs_both_of_its_scripts(self):
        """Both branches of 19.0.1.0.2 left a post- script in one folder:
        Odoo's own migration manager runs each (the service locations, the
        technicians' case types and home), in name order, for a database at
        19.0.1.0.1."""
        upgraded = SimpleNamespace(
            name="solar_om_monitoring",
            load_state="to upgrade",
            load_version="19.0.1.0.1",
            manifest={"version": "19.0.1.0.2"},
        )
        migrations = MigrationManager(self.env.cr, [upgraded])
        scripts = migrations.migrations["solar_om_monitoring"]["module"]["19.0.1.0.2"]
        self.assertEqual(
            sorted(os.path.basename(script) for script in scripts),
            ["post-migrate.py", "post-technician.py"],
        )
        # a database from before: a site without its location, a production
        # case type unmarked, a technician without his home
        partner = self.env["res.partner"].create({"name": "Older site owner"})
        site = self.env["solar.site"].create(
            {"name": "Older roof", "partner_id": partner.id, "capacity_dc_kwp": 4.0}
        )
        location = site.fsm_location_id
        site.fsm_location_id = False
        location.unlink()
        comms_loss = self.env.ref("solar_om_monitoring.case_type_comms_loss")
        comms_loss.solar_technician_visible = False
        technician = new_test_user(
            self.env, login="mig_tech_both", groups="solar_om.group_solar_om_technician"
        )
        technician.action_id = False
        self.env.flush_all()
        migrations.migrate_module(upgraded, "post")
        self.env.invalidate_all()
        self.assertEqual(site.fsm_location_id.owner_id, partner)
        self.assertTrue(comms_loss.solar_technician_visible)
        home = self.env.ref("solar_om_monitoring.fsm_order_action_my_work")
        self.assertEqual(technician.action_id.id, home.id)
