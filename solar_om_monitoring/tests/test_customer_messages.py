# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import tagged

from .common import NOON, STEP, MonitoringCommon


@tagged("post_install", "-at_install")
class TestCustomerMessages(MonitoringCommon):
    """What the customer is mailed: about a ticket the monitoring opened,
    only where the company says so, and then by name, in their language, in
    plain words, with times in their zone; about their own request, by name."""

    def setUp(self):
        super().setUp()
        # the stage's tracking sends the mail: on, as in the running database
        self.env = self.env(
            context=dict(
                self.env.context,
                tracking_disable=False,
                mail_notrack=False,
                mail_create_nolog=False,
            )
        )

    def close_by_recovery(self):
        ticket = self.faulty_ticket()
        self.fleet.inject("SE0", None)
        self.check(NOON + STEP)
        self.check(NOON + STEP * 2)
        self.assertTrue(ticket.closed)
        return ticket

    def mails_to_customer(self, ticket):
        # the stage's tracking (and its mail) is posted when the transaction
        # commits, as after a request
        self.env.flush_all()
        self.env.cr.precommit.run()
        return self.env["mail.mail"].search(
            [
                ("model", "=", "helpdesk.ticket"),
                ("res_id", "=", ticket.id),
                ("recipient_ids", "in", self.customer.ids),
            ]
        )

    def test_a_ticket_the_monitoring_opened_mails_nobody_unless_the_company_says_so(self):
        self.assertFalse(self.env.company.solar_mail_monitoring_customers)
        ticket = self.close_by_recovery()
        self.assertFalse(self.mails_to_customer(ticket))

    def test_the_closing_mail_says_what_happened_and_what_was_done_in_plain_words(self):
        self.env.company.solar_mail_monitoring_customers = True
        ticket = self.close_by_recovery()
        mail = self.mails_to_customer(ticket)
        self.assertEqual(len(mail), 1)
        body = mail.body_html
        self.assertIn("Dear Maria Sonnenschein,", body)
        self.assertNotIn("Hello ,", body)
        # plain words, never the internal fault kind
        self.assertIn("your system stopped producing electricity", body)
        for internal in ("Inverter Fault", "Zero Production", "inverter_fault"):
            self.assertNotIn(internal, body)
        # what was done: nothing needed a visit
        self.assertIn("It came back by itself", body)
        # times in the customer's zone (the site's, Munich: UTC+2 in June)
        self.assertIn("On Sunday 21 June, 12:00 our monitoring saw", body)
        self.assertIn("Since Sunday 21 June, 12:40", body)
        self.assertIn("works normally again", mail.subject)

    def test_a_monitoring_ticket_a_person_cancels_tells_the_customer_nothing(self):
        self.env.company.solar_mail_monitoring_customers = True
        ticket = self.faulty_ticket()
        ticket.with_user(self.agent).stage_id = self.env.ref(
            "helpdesk_mgmt.helpdesk_ticket_stage_cancelled"
        )
        # the site is still faulty: no mail saying it works again
        self.assertFalse(self.mails_to_customer(ticket))

    def test_the_closing_mail_is_in_the_customers_language(self):
        self.env["res.lang"]._activate_lang("es_ES")
        self.env["ir.module.module"].search(
            [("name", "=", "solar_om_monitoring")]
        )._update_translations(["es_ES"], overwrite=True)
        self.customer.lang = "es_ES"
        self.env.company.solar_mail_monitoring_customers = True
        mail = self.mails_to_customer(self.close_by_recovery())
        self.assertIn("Estimado/a Maria Sonnenschein:", mail.body_html)
        self.assertIn("su instalación dejó de producir electricidad", mail.body_html)
        self.assertIn("domingo 21 junio, 12:00", mail.body_html)
        self.assertNotIn("Dear", mail.body_html)

    def test_a_customers_own_request_closes_with_a_mail_addressed_by_name(self):
        ticket = (
            self.env["helpdesk.ticket"]
            .with_user(self.agent)
            .create(
                {
                    "name": "My bill is too high",
                    "description": "<p>Called in.</p>",
                    "partner_id": self.customer.id,
                    "team_id": self.env.ref("solar_om_monitoring.helpdesk_team_solar_service").id,
                }
            )
        )
        ticket.with_user(self.agent).stage_id = self.env.ref(
            "helpdesk_mgmt.helpdesk_ticket_stage_done"
        )
        mail = self.mails_to_customer(ticket)
        self.assertEqual(len(mail), 1)
        self.assertIn("Dear Maria Sonnenschein,", mail.body_html)
        self.assertIn(
            f"Your request “My bill is too high” ({ticket.number}) is now closed.", mail.body_html
        )
