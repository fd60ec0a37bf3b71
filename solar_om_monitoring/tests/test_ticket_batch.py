# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The health check and the daily close open their tickets in one create():
each new ticket is numbered, staged, noted and followed as helpdesk_mgmt's
create() makes a ticket created alone."""

import re

from odoo.tests import new_test_user

from odoo.addons.base.tests.common import BaseCommon

from .common import stored_rows


class TestTicketBatch(BaseCommon):
    @classmethod
    def default_env_context(cls):
        # the chatter as a user gets it (BaseCommon's tests disable it)
        return {}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env,
            login="batch_manager",
            groups="solar_om.group_solar_om_manager,helpdesk_mgmt.group_helpdesk_manager",
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "Jonas Licht", "email": "jonas@example.com"}
        )
        cls.sites = cls.env["solar.site"].create(
            [
                {
                    "name": f"Licht {i}",
                    "partner_id": cls.customer.id,
                    "latitude": 48.1 + i / 100,
                    "longitude": 11.5,
                    "tz": "Europe/Berlin",
                    "capacity_dc_kwp": 6.0,
                }
                for i in range(3)
            ]
        )

    def values(self, site):
        """A monitoring ticket's values, as the check gives them."""
        Ticket = self.env["helpdesk.ticket"]
        return {
            "name": f"{site.name}: Inverter Fault",
            "description": "<p>The monitoring saw no production at noon.</p>",
            "solar_site_id": site.id,
            **Ticket._solar_monitoring_values(site.company_id, 3),
        }

    def test_a_batch_of_tickets_is_what_one_create_each_makes(self):
        # as the check opens them: the system, on behalf of whoever runs it
        Ticket = self.env["helpdesk.ticket"].with_user(self.manager).sudo()
        alone = Ticket.browse()
        for site in self.sites:
            alone |= Ticket.create([self.values(site)])
        batch = Ticket.create([self.values(site) for site in self.sites])
        after = Ticket.create([self.values(self.sites[0])])

        self.assertEqual(stored_rows(batch, "number"), stored_rows(alone, "number"))
        # numbered from the same sequence, in order: helpdesk_mgmt's next
        # ticket follows the batch
        numbers = [int(re.search(r"\d+", t.number).group()) for t in alone + batch + after]
        self.assertEqual(numbers, list(range(numbers[0], numbers[0] + 7)))
        self.assertEqual(
            {re.sub(r"\d+", "", t.number) for t in alone + batch + after},
            {re.sub(r"\d+", "", alone[0].number)},
        )
        # what the team sees: the team's first stage, the "created" note by
        # the manager, the manager following
        team = self.env.ref("solar_om_monitoring.helpdesk_team_solar_service")
        self.assertEqual(batch.team_id, team)
        self.assertEqual(batch.stage_id, team._get_applicable_stages()[:1])
        created = self.env.ref("helpdesk_mgmt.hlp_tck_created")
        for ticket in batch:
            self.assertEqual(ticket.message_ids.subtype_id, created)
            self.assertEqual(ticket.message_ids.author_id, self.manager.partner_id)
            self.assertIn(self.manager.partner_id, ticket.message_partner_ids)
            self.assertEqual(ticket.partner_id, self.customer)
