# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import MonitoringCommon

SECRETS = ["api_key", "account_key", "client_id", "client_secret", "access_token", "refresh_token"]


@tagged("post_install", "-at_install")
class TestAccountSecurity(MonitoringCommon):
    def test_only_managers_read_credentials(self):
        self.assertEqual(self.se_account.with_user(self.manager).api_key, "solaredge-1-key")
        for user in (self.agent, self.technician):
            account = self.se_account.with_user(user)
            for field in SECRETS:
                with self.assertRaises(AccessError):
                    account.read([field])
            self.assertFalse(set(SECRETS) & set(account.fields_get()))

    def test_agents_cannot_write_credentials_or_accounts(self):
        with self.assertRaises(AccessError):
            self.se_account.with_user(self.agent).write({"api_key": "mine"})
        with self.assertRaises(AccessError):
            self.se_account.with_user(self.agent).write({"name": "renamed"})

    def test_credentials_stay_out_of_chatter_and_exports(self):
        self.se_account.with_user(self.manager).write({"api_key": "brand-new-secret-key"})
        bodies = " ".join(self.se_account.message_ids.mapped("body"))
        values = " ".join(
            str(v) for v in self.se_account.message_ids.tracking_value_ids.mapped("new_value_char")
        )
        self.assertNotIn("brand-new-secret-key", bodies + values)
        with self.assertRaises(UserError):  # AccessError is a UserError
            self.se_account.with_user(self.agent).export_data(["api_key"])

    def test_technician_reads_site_health_not_accounts_secrets(self):
        worker = self.env["fsm.person"].create({"partner_id": self.technician.partner_id.id})
        self.env["fsm.order"].create(
            {
                "location_id": self.site.fsm_location_id.id,
                "solar_site_id": self.site.id,
                "person_id": worker.id,
            }
        )
        site = self.site.with_user(self.technician)
        self.assertEqual(site.health_state, "unknown")
        self.assertEqual(site.account_id.name, "SE test")
