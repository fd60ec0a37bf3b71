# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date, timedelta

from odoo.exceptions import ValidationError
from odoo.tests import new_test_user, tagged

from odoo.addons.solar_om_monitoring.tests.common import MonitoringCommon


@tagged("post_install", "-at_install")
class TestCasesSettings(MonitoringCommon):
    """The cases' tunables on the Solar O&M settings page."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin_user = new_test_user(
            cls.env, login="om_admin", groups="base.group_system,solar_om.group_solar_om_manager"
        )

    def _settings(self, **values):
        settings = self.env["res.config.settings"].with_user(self.admin_user).create(values)
        settings.execute()
        return settings

    def test_end_of_lease_lead_time_is_set_on_the_settings_page(self):
        self.assertEqual(self.env["res.config.settings"].create({}).solar_end_of_lease_days, 90)
        self.site.write({"ownership": "lease", "lease_end_date": date.today() + timedelta(days=60)})
        self._settings(solar_end_of_lease_days=30)
        self.assertFalse(self.env["solar.site"]._cron_end_of_lease())
        self._settings(solar_end_of_lease_days=61)
        self.assertEqual(self.env["solar.site"]._cron_end_of_lease().solar_site_id, self.site)

    def test_a_negative_lead_time_is_refused_with_its_name(self):
        with self.assertRaisesRegex(ValidationError, "End Of Lease lead time.*-5"):
            self._settings(solar_end_of_lease_days=-5)

    def test_the_cases_block_is_on_the_solar_page(self):
        arch = (
            self.env["res.config.settings"]
            .with_user(self.admin_user)
            .get_views([(False, "form")])["views"]["form"]["arch"]
        )
        self.assertIn('name="solar_om_cases_block"', arch)
        self.assertIn('name="solar_end_of_lease_days"', arch)
