# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The health check and the daily close open their tickets in one create():
each new ticket is numbered, staged, noted and followed as helpdesk_mgmt's
create() makes a ticket created alone."""

import re

from odoo.tests import new_test_user

from odoo.addons.base.tests.common import BaseCommon

from .common import stored_rows

# the columns two tickets made alike differ in: their number, the portal
# link's random token (made when a follower is mailed the "created" note)
APART = ("number", "access_token")


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
        # who follows the service team's new tickets: an agent (notified in
        # Odoo) and a dispatcher without a user (notified by email)
        cls.agent = new_test_user(
            cls.env,
            login="batch_agent",
            groups="solar_om.group_solar_om_user,helpdesk_mgmt.group_helpdesk_user",
            notification_type="inbox",
        )
        cls.dispatcher = cls.env["res.partner"].create(
            {"name": "Dora Dispatch", "email": "dora@example.com"}
        )
        cls.team = cls.env.ref("solar_om_monitoring.helpdesk_team_solar_service")
        cls.team.message_subscribe(partner_ids=(cls.agent.partner_id | cls.dispatcher).ids)

    def values(self, site):
        """A monitoring ticket's values, as the check gives them."""
        Ticket = self.env["helpdesk.ticket"]
        return {
            "name": f"{site.name}: Inverter Fault",
            "description": "<p>The monitoring saw no production at noon.</p>",
            "solar_site_id": site.id,
            **Ticket._solar_monitoring_values(site.company_id, 3),
        }

    def alone_then_batch(self):
        """The sites' tickets made one create() each, then the same tickets
        in one create(), as the check opens them: the system, on behalf of
        whoever runs it; and the model they were made with."""
        Ticket = self.env["helpdesk.ticket"].with_user(self.manager).sudo()
        alone = Ticket.browse()
        for site in self.sites:
            alone |= Ticket.create([self.values(site)])
        batch = Ticket.create([self.values(site) for site in self.sites])
        return alone, batch, Ticket

    def test_a_batch_of_tickets_is_what_one_create_each_makes(self):
        alone, batch, Ticket = self.alone_then_batch()
        after = Ticket.create([self.values(self.sites[0])])

        self.assertEqual(stored_rows(batch, *APART), stored_rows(alone, *APART))
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
        team = self.team
        self.assertEqual(batch.team_id, team)
        self.assertEqual(batch.stage_id, team._get_applicable_stages()[:1])
        created = self.env.ref("helpdesk_mgmt.hlp_tck_created")
        for ticket in batch:
            self.assertEqual(ticket.message_ids.subtype_id, created)
            self.assertEqual(ticket.message_ids.author_id, self.manager.partner_id)
            self.assertIn(self.manager.partner_id, ticket.message_partner_ids)
            self.assertEqual(ticket.partner_id, self.customer)

    def test_a_batch_notes_and_notifies_as_one_create_each(self):
        alone, batch, _ticket = self.alone_then_batch()
        self.assertEqual(stored_rows(batch, *APART), stored_rows(alone, *APART))

        # the team's followers follow each ticket, for its creation
        created = self.env.ref("helpdesk_mgmt.hlp_tck_created")
        for ticket in batch:
            followers = ticket.message_follower_ids
            self.assertEqual(
                followers.partner_id,
                self.manager.partner_id | self.agent.partner_id | self.dispatcher,
            )
            self.assertIn(
                created, followers.filtered(lambda f: f.partner_id == self.dispatcher).subtype_ids
            )
        # each "created" note: every stored column of it (but its ticket,
        # its unique Message-Id, and the ticket's number in the subject the
        # mail to the dispatcher gave it), as message_post writes it
        for one, other in zip(alone, batch, strict=True):
            self.assertEqual(
                stored_rows(other.message_ids, "res_id", "message_id", "subject"),
                stored_rows(one.message_ids, "res_id", "message_id", "subject"),
            )
            self.assertEqual(
                [m.subject.replace(other.number, "#") for m in other.message_ids],
                [m.subject.replace(one.number, "#") for m in one.message_ids],
            )

        # and notified alike: the agent in Odoo, the dispatcher by email, the
        # manager (its author) not at all
        def notified(tickets):
            return [
                sorted(
                    (
                        n.res_partner_id.name,
                        n.notification_type,
                        n.is_read,
                        n.notification_status,
                        n.mail_mail_id.email_to or "",
                        tuple(n.mail_mail_id.recipient_ids.ids),
                    )
                    for n in ticket.message_ids.notification_ids
                )
                for ticket in tickets
            ]

        self.assertEqual(notified(batch), notified(alone))
        self.assertEqual(
            notified(batch)[0],
            [
                (self.dispatcher.name, "email", True, "ready", "", (self.dispatcher.id,)),
                (self.agent.name, "inbox", False, "sent", "", ()),
            ],
        )
