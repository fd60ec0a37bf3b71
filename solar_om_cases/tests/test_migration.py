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
