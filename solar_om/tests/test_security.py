# Copyright 2026 Solar O&M
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import SolarOmCommon


@tagged("post_install", "-at_install")
class TestSolarOmSecurity(SolarOmCommon):
    def test_technician_reads_sites_and_equipment(self):
        # which sites a technician reads is narrowed by the addons that give
        # them work orders; here, what the role itself grants
        for model in ("solar.site", "solar.device"):
            records = self.env[model].with_user(self.technician)
            self.assertTrue(records.has_access("read"), model)
            self.assertFalse(records.has_access("write"), model)
            self.assertFalse(records.has_access("create"), model)

    def test_technician_does_not_see_contract_money(self):
        site = self.site.with_user(self.technician)
        self.assertNotIn("contract_fee", site.fields_get())
        self.assertNotIn("lease_end_date", site.fields_get())
        # the back office does
        self.assertEqual(self.site.with_user(self.back_office).contract_fee, 240.0)

    def test_technician_cannot_change_sites_or_equipment(self):
        with self.assertRaises(AccessError):
            self.site.with_user(self.technician).write({"name": "Renamed"})
        with self.assertRaises(AccessError):
            self.inverter.with_user(self.technician).write({"firmware": "hacked"})
        with self.assertRaises(AccessError):
            self._create_site(self.env(user=self.technician), vendor_site_ref="T-3")

    def test_back_office_cannot_delete_only_managers_can(self):
        site = self._create_site(self.env, vendor_site_ref="T-DEL")
        with self.assertRaises(AccessError):
            site.with_user(self.back_office).unlink()
        site.with_user(self.manager).unlink()
        self.assertFalse(site.exists())

    def test_plain_employee_sees_no_site(self):
        employee = new_test_user(self.env, login="om_employee", groups="base.group_user")
        with self.assertRaises(AccessError):
            self.site.with_user(employee).read(["name"])

    def test_sites_of_another_company_are_hidden(self):
        other_company = self.env["res.company"].create({"name": "Other Installer"})
        other_site = self._create_site(
            self.env, vendor_site_ref="T-CO", company_id=other_company.id
        )
        visible = self.env["solar.site"].with_user(self.back_office).search([])
        self.assertIn(self.site, visible)
        self.assertNotIn(other_site, visible)
