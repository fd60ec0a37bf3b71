# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date, timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from odoo.addons.solar_om_monitoring.tests.common import NOON, STEP, MonitoringCommon

from solar_om_engine import cases, service

TAXONOMY = {
    "Admin & Transfer": [
        "Email Intake",
        "Account Update",
        "End Of Lease",
        "Lease Transfer",
        "Panel Move",
        "Reactivation Request",
    ],
    "Customer Inquiry": [
        "Account Inquiry",
        "Billing Inquiry",
        "Savings Analysis",
        "Document Request",
        "System Check",
        "PPA Insurance Appraisal",
    ],
    "Damage": ["Animal Damage", "House Fire", "Natural Disaster", "Property Damage", "Roof Leak"],
    "Production": [
        "Comms Loss",
        "Underperformance",
        "String/MLPE Fault",
        "Inverter Fault",
        "Meter Fault",
        "Configuration Issue",
    ],
    "Formal Complaint/Unavoidable Casualty": [
        "Formal Complaint",
        "Bankruptcy",
        "Deceased",
        "Foreclosure",
        "Uninhabitable",
    ],
}


@tagged("post_install", "-at_install")
class TestCases(MonitoringCommon):
    def _ticket(self, category_xmlid, **values):
        vals = {
            "name": "Call from the customer",
            "description": "<p>Customer called.</p>",
            "partner_id": self.customer.id,
            "category_id": self.env.ref(category_xmlid).id,
        }
        vals.update(values)
        return self.env["helpdesk.ticket"].with_user(self.agent).create(vals)

    def test_every_case_type_exists_in_its_group_with_definition_and_team(self):
        Category = self.env["helpdesk.ticket.category"].with_user(self.agent)
        for group, types in TAXONOMY.items():
            parent = Category.search([("name", "=", group), ("parent_id", "=", False)])
            self.assertEqual(len(parent), 1, group)
            children = Category.search([("parent_id", "=", parent.id)])
            self.assertEqual(sorted(children.mapped("name")), sorted(types), group)
            for child in children:
                self.assertTrue(child.solar_definition, child.name)
                self.assertTrue(child.solar_team_id, child.name)
        auto = Category.search([("solar_auto_open", "=", True)]).mapped("name")
        self.assertEqual(sorted(auto), sorted(TAXONOMY["Production"] + ["End Of Lease"]))

    def test_choosing_a_case_type_routes_to_its_team(self):
        with Form(self.env["helpdesk.ticket"].with_user(self.agent)) as form:
            form.name = "Bill too high"
            form.description = "<p>Bill too high</p>"
            form.category_id = self.env.ref("solar_om_cases.case_type_billing_inquiry")
            self.assertEqual(form.team_id.name, "Account Servicing")

    def test_a_ticket_made_in_code_or_by_import_is_routed_to_its_case_types_team(self):
        ticket = self._ticket("solar_om_cases.case_type_billing_inquiry")
        self.assertEqual(ticket.team_id.name, "Account Servicing")
        ticket.with_user(self.agent).category_id = self.env.ref(
            "solar_om_cases.case_type_savings_analysis"
        )
        self.assertEqual(ticket.team_id.name, "Customer Care")
        # an import names the case type, never the team
        category = self.env.ref("solar_om_cases.case_type_account_update")
        result = (
            self.env["helpdesk.ticket"]
            .with_user(self.agent)
            .load(
                ["name", "description", "category_id/id"],
                [["Imported", "<p>Imported.</p>", "solar_om_cases.case_type_account_update"]],
            )
        )
        self.assertFalse(result["messages"])
        imported = self.env["helpdesk.ticket"].browse(result["ids"])
        self.assertEqual(imported.category_id, category)
        self.assertEqual(imported.team_id.name, "Account Servicing")

    def test_a_team_given_explicitly_wins_over_the_case_type(self):
        care = self.env.ref("solar_om_cases.helpdesk_team_customer_care")
        ticket = self._ticket("solar_om_cases.case_type_billing_inquiry", team_id=care.id)
        self.assertEqual(ticket.team_id, care)

    def test_panel_move_suppresses_production_tickets_and_says_so(self):
        ticket = self._ticket("solar_om_cases.case_type_panel_move", solar_site_id=self.site.id)
        self.assertTrue(self.site.suppress_until)
        self.assertIn("will open no production ticket until", ticket.message_ids[0].body)
        self.fleet.inject("SE0", "zero_production", NOON - STEP)
        with freeze_time(NOON.replace(tzinfo=None)):
            self.site.suppress_until = fields.Datetime.now() + timedelta(days=30)
        stats = self.check()
        self.assertEqual(stats["suppressed"], 1)
        self.assertFalse(self.tickets(self.site))
        # once the window is over, the monitoring tickets the fault again
        self.site.suppress_until = (NOON - timedelta(hours=1)).replace(tzinfo=None)
        self.check(NOON + STEP)
        self.assertEqual(len(self.tickets(self.site)), 1)

    def test_end_of_lease_opens_once_per_lease(self):
        self.site.write({"ownership": "lease", "lease_end_date": date.today() + timedelta(days=60)})
        Site = self.env["solar.site"]
        first = Site._cron_end_of_lease()
        self.assertEqual(len(first), 1)
        self.assertEqual(first.solar_site_id, self.site)
        self.assertEqual(first.category_id.name, "End Of Lease")
        self.assertEqual(first.team_id.name, "Account Servicing")
        self.assertFalse(Site._cron_end_of_lease())
        # a renewed lease that ends again gets its own case
        self.site.lease_end_date = date.today() + timedelta(days=80)
        self.assertEqual(len(Site._cron_end_of_lease()), 1)
        far = self.sites[1]
        far.write({"ownership": "lease", "lease_end_date": date.today() + timedelta(days=400)})
        self.assertFalse(Site._cron_end_of_lease().filtered(lambda t: t.solar_site_id == far))

    def test_authentication_is_recorded_for_a_call_or_chat(self):
        channels = self.env["helpdesk.ticket.channel"].with_user(self.agent).search([])
        self.assertLessEqual({"Phone", "Chat", "Email"}, set(channels.mapped("name")))
        ticket = self._ticket(
            "solar_om_cases.case_type_account_inquiry",
            channel_id=channels.filtered(lambda c: c.name == "Chat").id,
        )
        ticket.with_user(self.agent).customer_authenticated = True
        self.assertEqual(ticket.authenticated_by_id, self.agent)
        self.assertTrue(ticket.authenticated_at)

    def test_reactivation_counts_business_days(self):
        ticket = self._ticket("solar_om_cases.case_type_billing_inquiry")
        with freeze_time("2026-11-23 10:00:00"):  # a Monday
            ticket.payment_date = date(2026, 11, 13)  # 6 business days before
            self.assertEqual(ticket.with_user(self.agent).action_reactivation_check(), "wait")
            self.assertIn("up to 10 business days", ticket.message_ids[0].body)
            ticket.payment_date = date(2026, 11, 6)  # 11 business days before
            self.assertEqual(ticket.with_user(self.agent).action_reactivation_check(), "transfer")
        self.assertEqual(ticket.team_id.name, "Account Servicing")
        self.assertEqual(ticket.activity_ids.summary, "Reactivation overdue: warm transfer")

    def test_unanswered_complaint_escalates_the_open_case(self):
        case = self._ticket("solar_om_cases.case_type_system_check", priority="1")
        case.team_id.sudo().user_id = self.manager
        complaint = self._ticket("solar_om_cases.case_type_formal_complaint")
        complaint.with_user(self.agent).action_escalate_unanswered(case)
        self.assertEqual(complaint.escalated_case_id, case)
        self.assertEqual(case.priority, "2")
        self.assertEqual(case.activity_ids.user_id, self.manager)

    def test_formal_complaint_closes_only_with_its_grounds(self):
        complaint = self._ticket("solar_om_cases.case_type_formal_complaint")
        done = self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        as_agent = complaint.with_user(self.agent)
        # assertRaises rolls the failed save back, as the web client's request would be
        with self.assertRaises(UserError) as refused:
            as_agent.stage_id = done
        self.assertRegex(str(refused.exception), "Record the grounds of .* before closing it")
        self.assertFalse(complaint.closed)
        grounds = self.env["helpdesk.ticket.tag"].search([("solar_complaint_ground", "=", True)])
        self.assertIn("Grounds: Workmanship", grounds.mapped("name"))
        as_agent.tag_ids = grounds.filtered(lambda t: t.name == "Grounds: Workmanship")
        as_agent.stage_id = done
        self.assertTrue(complaint.closed)
        # a closed complaint keeps its grounds
        with self.assertRaises(UserError):
            as_agent.tag_ids = False
        self.assertTrue(complaint.tag_ids)

    def test_formal_complaint_gets_its_ground_and_closes_in_one_save(self):
        complaint = self._ticket("solar_om_cases.case_type_formal_complaint")
        ground = self.env["helpdesk.ticket.tag"].search(
            [("solar_complaint_ground", "=", True)], limit=1
        )
        done = self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        complaint.with_user(self.agent).write(
            {"tag_ids": [fields.Command.link(ground.id)], "stage_id": done.id}
        )
        self.assertTrue(complaint.closed)
        self.assertEqual(complaint.tag_ids, ground)

    def test_the_case_selections_are_the_engines(self):
        Ticket = self.env["helpdesk.ticket"]

        def keys(field):
            return {key for key, _label in Ticket._fields[field].selection}

        self.assertEqual(keys("solar_concern"), {c.value for c in cases.Concern})
        self.assertEqual(keys("resolution_path"), set(service.PATHS))
        outcomes = set(service.STEP_CHOICES["investigation"] + service.STEP_CHOICES["review"])
        self.assertEqual(keys("resolution_outcome"), outcomes)
        self.assertLessEqual(set(service.STEP_OF_PHASE), keys("solar_service_phase"))
        for code in cases.CONCERN_CASE_TYPES.values():
            self.assertTrue(self.env.ref(f"solar_om_cases.case_type_{code}").solar_team_id)
