# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import re

from odoo.tests import new_test_user, tagged

from .common import NOON, STEP, MonitoringCommon

# what a person should never have to read: an ISO timestamp, UTC offsets in
# digits, microseconds
MACHINE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d|[+-]\d{2}:\d{2}\b|\d{2}:\d{2}:\d{2}\.\d+")
# the check runs at an instant with microseconds, as the cron does
AT = NOON.replace(microsecond=808731)


@tagged("post_install", "-at_install")
class TestReaderTimes(MonitoringCommon):
    """A comms loss as people read it: the reason on the site, the ticket's
    description and chatter, the work order's description, in a time zone
    and to the minute, never as a raw timestamp (issue 11)."""

    def setUp(self):
        super().setUp()
        # an agent in New York reading about a site in Munich
        self.reader = new_test_user(
            self.env,
            login="ny_agent",
            tz="America/New_York",
            groups="solar_om.group_solar_om_user,helpdesk_mgmt.group_helpdesk_user",
        )
        self.env.ref("solar_om_monitoring.helpdesk_team_solar_service").user_ids |= self.reader
        self.fleet.inject("SE1", "comms_loss", NOON - STEP * 6)
        self.check(AT)
        self.silent = self.sites.filtered(lambda s: s.vendor_site_ref == "SE1")

    def assertReadable(self, text, where):
        self.assertTrue(text, where)
        self.assertFalse(MACHINE_TIME.search(str(text)), f"{where}: {text}")

    def test_the_site_says_why_without_a_raw_timestamp(self):
        site = self.silent.with_user(self.reader)
        self.assertEqual(site.health_state, "comms_loss")
        self.assertIn("no report for", site.health_reason)
        self.assertReadable(site.health_reason, "site reason")
        marker = next(
            m
            for m in self.env["solar.sites.map"].with_user(self.reader).markers()["sites"]
            if m["id"] == site.id
        )
        self.assertReadable(marker["reason"], "map marker")

    def test_ticket_and_work_order_give_times_in_a_named_zone_to_the_minute(self):
        ticket = self.tickets(self.silent).with_user(self.reader)
        self.assertEqual(len(ticket), 1)
        self.assertReadable(ticket.description, "ticket description")
        # the site's own clock, named: 10:00 UTC is noon in Munich
        self.assertIn("2026-06-21 12:00 CEST", str(ticket.description))
        for message in ticket.message_ids:
            self.assertFalse(MACHINE_TIME.search(str(message.body)), str(message.body))
        order = ticket._solar_create_orders()
        self.assertReadable(order.description, "work order description")
        # the reader's clock: the fault was first seen at 06:00 in New York
        self.assertIn("2026-06-21 06:00 EDT", str(order.description))
        self.assertNotIn("808731", str(order.description))

    def test_a_blind_account_says_since_when_on_its_managers_clock(self):
        self.reader.tz = "Europe/Madrid"
        self.se_account.manager_id = self.reader
        self.se_account.api_key = "wrong-key"
        self.check(AT + STEP)
        site = self.sites.filtered(lambda s: s.vendor == "solaredge")[0].with_user(self.reader)
        self.assertEqual(site.health_state, "not_watched")
        self.assertReadable(site.health_reason, "not-watched reason")
        # 10:20 UTC is 12:20 in Madrid in June
        self.assertIn("since 2026-06-21 12:20 CEST", site.health_reason)
        ticket = (
            self.env["solar.fault"]
            .search([("account_id", "=", self.se_account.id), ("kind", "=", "account_blind")])
            .ticket_id.with_user(self.reader)
        )
        self.assertReadable(ticket.description, "blind ticket description")
        self.assertIn("2026-06-21 12:20 CEST", str(ticket.description))
