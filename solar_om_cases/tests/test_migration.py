# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.base.tests.common import BaseCommon
from odoo.addons.solar_om.tests.migration import load_migration


@tagged("post_install", "-at_install")
class TestMigration(BaseCommon):
    def test_end_of_lease_job_of_an_old_database_runs_after_the_upgrade(self):
        cron = self.env.ref("solar_om_cases.ir_cron_end_of_lease")
        # a database installed when the job was on the ticket (the cron is noupdate)
        cron.model_id = self.env.ref("helpdesk_mgmt.model_helpdesk_ticket")
        with (
            self.assertRaisesRegex(ValueError, "_cron_end_of_lease"),
            mute_logger("odoo.addons.base.models.ir_actions"),
        ):
            cron.ir_actions_server_id.run()
        load_migration("solar_om_cases", "19.0.1.0.1").migrate(self.env.cr, "19.0.1.0.0")
        self.assertEqual(cron.model_id.model, "solar.site")
        cron.ir_actions_server_id.run()  # the job itself, as the scheduler runs it

    def test_a_cron_already_on_the_site_is_left_alone(self):
        cron = self.env.ref("solar_om_cases.ir_cron_end_of_lease")
        repointed = load_migration("solar_om_cases", "19.0.1.0.1").repoint_end_of_lease_cron(
            self.env
        )
        self.assertFalse(repointed)
        self.assertEqual(cron.model_id.model, "solar.site")

    def test_an_old_database_marks_field_case_types_and_photo_items(self):
        migration = load_migration("solar_om_cases", "19.0.1.0.2", "post-technician")
        roof_leak = self.env.ref("solar_om_cases.case_type_roof_leak")
        complaint = self.env.ref("solar_om_cases.case_type_formal_complaint")
        # a database installed before the flags (case types and templates are noupdate)
        roof_leak.solar_technician_visible = False
        self.assertEqual(migration.mark_field_types(self.env), roof_leak)
        self.assertTrue(roof_leak.solar_technician_visible)
        self.assertFalse(complaint.solar_technician_visible)
        site = self.env["solar.site"].create(
            {
                "name": "Migrated roof",
                "partner_id": self.partner.id,
                "tz": "Europe/Berlin",
                "capacity_dc_kwp": 5.0,
                "latitude": 48.1,
                "longitude": 11.6,
            }
        )
        orders = self.env["fsm.order"].create(
            [
                {
                    "location_id": site.fsm_location_id.id,
                    "template_id": self.env.ref("solar_om_cases.fsm_template_solar_audit").id,
                }
                for _ in range(2)
            ]
        )
        template_item = self.env.ref("solar_om_cases.fsm_activity_audit_photos")
        open_item, done_item = (
            order.order_activity_ids.filtered(lambda a: a.name == template_item.name)
            for order in orders
        )
        (template_item | open_item | done_item).write({"solar_needs_photo": False})
        done_item.state = "done"
        marked = migration.mark_photo_items(self.env)
        self.assertEqual(marked, template_item | open_item)
        self.assertFalse(done_item.solar_needs_photo)
        self.assertEqual(orders.order_activity_ids.filtered("solar_needs_photo"), open_item)
