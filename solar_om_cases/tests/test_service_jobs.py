# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
from datetime import date, datetime

from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from odoo.addons.solar_om_monitoring.tests.common import NOON, STEP, MonitoringCommon


class ServiceJobCommon(MonitoringCommon):
    """A site with its installation crew, sales representative and
    operations manager; helpers to walk a case as the roles who do it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.worker = cls.env["fsm.person"].create({"partner_id": cls.technician.partner_id.id})
        cls.territory = cls.env["res.territory"].create(
            {"name": "Munich North", "person_id": cls.worker.id}
        )
        cls.service_team = cls.env["fsm.team"].create({"name": "Service Crew"})
        # the crew that installed the system, with its own field worker
        cls.installer_tech = new_test_user(
            cls.env, login="crew_tech", groups="solar_om.group_solar_om_technician"
        )
        cls.install_crew = cls.env["fsm.team"].create({"name": "Installation Crew North"})
        cls.crew_worker = cls.env["fsm.person"].create(
            {"partner_id": cls.installer_tech.partner_id.id, "team_id": cls.install_crew.id}
        )
        cls.sales_rep = new_test_user(
            cls.env, login="sales_rep", groups="sales_team.group_sale_salesman"
        )
        cls.ops_manager = new_test_user(
            cls.env, login="ops_manager", groups="solar_om.group_solar_om_user"
        )
        cls.project.write(
            {
                "solar_install_team_id": cls.install_crew.id,
                "solar_operations_manager_id": cls.ops_manager.id,
            }
        )
        cls.site.write(
            {
                "handover_approved": True,
                "territory_id": cls.territory.id,
                "fsm_team_id": cls.service_team.id,
                "sales_user_id": cls.sales_rep.id,
                "install_date": date(2022, 5, 4),
            }
        )
        cls.inverter = cls.env["solar.device"].create(
            {
                "site_id": cls.site.id,
                "device_type": "inverter",
                "brand": "SolarEdge",
                "model_name": "SE8000H",
                "serial_number": "7E-JOB-0001",
                "install_date": date(2022, 5, 4),
            }
        )

    # ------------------------------------------------------------- helpers
    def _request(self, **values):
        vals = {
            "name": "Customer reports the system is off",
            "description": "<p>Called in.</p>",
            "partner_id": self.customer.id,
            "solar_site_id": self.site.id,
            "solar_concern": "service",
        }
        vals.update(values)
        return self.env["helpdesk.ticket"].with_user(self.agent).create(vals)

    def _decide(self, ticket, choice, installer_note=None):
        action = ticket.with_user(self.agent).action_solar_decide()
        form = Form(
            self.env[action["res_model"]].with_user(self.agent).with_context(**action["context"])
        )
        step = action["context"]["default_step"]
        field = {
            "path": "resolution_path",
            "investigation": "investigation_outcome",
            "review": "review_outcome",
        }[step]
        setattr(form, field, choice)
        if installer_note:
            form.installer_note = installer_note
        result = form.save().action_confirm()
        if result.get("res_model") == "fsm.order":
            return self.env["fsm.order"].browse(result["res_id"])
        return result

    def _schedule(self, order, user):
        order.with_user(user).write({"scheduled_date_start": datetime(2026, 12, 1, 9, 0)})

    def _tick_checklist(self, order, user, groups=None):
        items = order.with_user(user).order_activity_ids.filtered(
            lambda a: a.required and (not groups or a.ref in groups)
        )
        if any(items.mapped("solar_needs_photo")) and not order.solar_photo_ids:
            self.attach_photo(order, user)
        for item in items:
            item.action_done()

    def _sign_off(self, order, user, resolution="<p>Checked on site; all in order.</p>"):
        order = order.with_user(user)
        order.resolution = resolution
        return order.action_complete()

    def _step(self, ticket, code):
        return ticket.solar_job_step_ids.filtered(lambda s: s.code == code).with_user(self.agent)

    def _attachment(self, name):
        return (
            self.env["ir.attachment"]
            .with_user(self.agent)
            .create({"name": name, "datas": base64.b64encode(b"\xff\xd8\xff\xe0 photo")})
        )

    def _milestones(self, ticket):
        subtype = self.env.ref("solar_om_cases.mt_solar_milestone")
        return ticket.message_ids.filtered(lambda m: m.subtype_id == subtype)


@tagged("post_install", "-at_install")
class TestServiceJobs(ServiceJobCommon):
    """The service documents' processes, walked by the roles who do them:
    the agent (decisions, back-office steps), the technician (schedule,
    checklist, finding), sales and operations (told at the milestones)."""

    # --------------------------------------------------------------- audit
    def test_audit_job_steps_move_the_progress_and_block_the_review(self):
        ticket = self._request()
        order = self._decide(ticket, "visit_audit", installer_note="Dog in the garden.")
        self.assertEqual(order.template_id, self.env.ref("solar_om_cases.fsm_template_solar_audit"))
        self.assertIn("Dog in the garden.", order.description)
        self.assertEqual(
            ticket.solar_job_step_ids.mapped("code"),
            ["confirm", "schedule", "audit_checklist", "review_artefacts", "outcome"],
        )
        self.assertEqual(ticket.solar_job_next_step, "schedule")
        # the installer accepts and schedules: sales and operations hear of it
        self._schedule(order, self.technician)
        self.assertEqual(ticket.solar_job_next_step, "audit_checklist")
        self.assertIn("Visit scheduled", self._milestones(ticket)[0].body)
        # the required checklist blocks the sign-off, naming the item
        with self.assertRaisesRegex(ValidationError, "Photos of the array"):
            self._sign_off(order, self.technician)
        self._tick_checklist(order, self.technician)
        self.assertEqual(ticket.solar_job_next_step, "review_artefacts")
        self._sign_off(order, self.technician)
        self.assertEqual(ticket.solar_service_phase, "reviewing")
        # the back office cannot record the outcome before reviewing the artefacts
        with self.assertRaisesRegex(UserError, "Review the Artefacts"):
            self._decide(ticket, "resolved")
        self._step(ticket, "review_artefacts").action_done()
        self.assertEqual(ticket.solar_job_next_step, "outcome")
        self._decide(ticket, "resolved")
        self.assertEqual(ticket.solar_service_phase, "completed")
        self.assertFalse(ticket.solar_job_next_step)
        self.assertEqual(set(ticket.solar_job_step_ids.mapped("state")), {"done"})

    def test_a_back_office_step_out_of_turn_names_the_step_before_it(self):
        ticket = self._request()
        self._decide(ticket, "visit_audit")
        with self.assertRaisesRegex(UserError, "first Accept and Schedule"):
            self._step(ticket, "review_artefacts").action_done()

    # --------------------------------------------------------- replacement
    def test_replacement_ends_with_serial_update_and_regulatory_documents(self):
        ticket = self._request()
        order = self._decide(ticket, "visit_replacement")
        groups = set(order.order_activity_ids.mapped("ref"))
        self.assertEqual(groups, {"prestart", "commissioning"})
        self._schedule(order, self.technician)
        self._tick_checklist(order, self.technician, {"prestart"})
        self.assertEqual(ticket.solar_job_next_step, "commissioning")
        self._tick_checklist(order, self.technician, {"commissioning"})
        self._sign_off(order, self.technician)
        self._step(ticket, "review_artefacts").action_done()
        with self.assertRaisesRegex(UserError, "Update the Serial Numbers"):
            self._decide(ticket, "resolved")
        with self.assertRaisesRegex(UserError, "No replaced device"):
            self._step(ticket, "serial_update").action_done()
        action = order.with_user(self.technician).action_solar_replace_device()
        wizard = Form(
            self.env[action["res_model"]]
            .with_user(self.technician)
            .with_context(**action["context"])
        )
        wizard.device_id = self.inverter
        wizard.serial_number = "7E-JOB-0002"
        wizard.save().action_replace()
        self._step(ticket, "serial_update").action_done()
        with self.assertRaisesRegex(UserError, "Attach the regulatory documents"):
            self._step(ticket, "regulatory_documents").action_done()
        ticket.with_user(self.agent).solar_regulatory_doc_ids = self._attachment("grid-form.pdf")
        self._step(ticket, "regulatory_documents").action_done()
        self._decide(ticket, "resolved")
        self.assertEqual(ticket.solar_service_phase, "completed")

    # ------------------------------------------ the monitoring closes the case
    def _recover(self):
        self.fleet.inject("SE0", None)
        self.check(NOON + STEP)
        self.check(NOON + STEP * 2)

    def _follow_ups(self, ticket):
        return ticket.with_user(self.agent).activity_ids.mapped("summary")

    def test_the_monitoring_closes_an_audit_with_nothing_left_pending(self):
        ticket = self.faulty_ticket()
        order = ticket.with_user(self.agent).action_create_solar_order()
        order = self.env["fsm.order"].browse(order["res_id"])
        self.assertEqual(
            self._follow_ups(ticket),
            ["Welcome call before the visit", "Text the customer on the day of the visit"],
        )
        self._schedule(order, self.technician)
        self.sign_off(order, self.technician)
        self.assertEqual(ticket.stage_id.name, "Verifying")
        self.assertEqual(ticket.solar_job_next_step, "review_artefacts")
        self._recover()
        ticket = ticket.with_user(self.agent)
        self.assertTrue(ticket.closed)
        # the outcome and first-time fix follow the one visit done
        self.assertEqual(ticket.resolution_outcome, "resolved")
        self.assertEqual(ticket.solar_first_time_fix, "yes")
        self.assertEqual(ticket.solar_service_phase, "completed")
        # no Done ticket with a pending step: each settled, saying why
        self.assertFalse(ticket.solar_job_next_step)
        self.assertEqual(set(ticket.solar_job_step_ids.mapped("state")), {"done"})
        review = self._step(ticket, "review_artefacts")
        self.assertIn("the repair is proven", review.note)
        chatter = " ".join(ticket.message_ids.mapped("body"))
        self.assertIn(
            "Review the Artefacts: Done (the monitoring saw the site report normally after "
            "the visit: the repair is proven)",
            chatter,
        )
        # the calls before the visit are gone, the satisfaction call stays
        self.assertEqual(self._follow_ups(ticket), ["Satisfaction call after the visit"])
        self.assertIn(
            "Planned follow-ups cancelled, the visit is over: Welcome call before the visit, "
            "Text the customer on the day of the visit.",
            chatter,
        )

    def test_a_site_recovered_before_the_visit_cancels_the_visits_steps(self):
        ticket = self.faulty_ticket()
        order = self._decide(ticket, "visit_audit")
        # the crew never went: the dispatcher cancels the order
        order.action_cancel()
        self._recover()
        ticket = ticket.with_user(self.agent)
        self.assertTrue(ticket.closed)
        self.assertFalse(ticket.solar_first_time_fix)  # no visit done: not counted
        states = dict(
            zip(
                ticket.solar_job_step_ids.mapped("code"),
                ticket.solar_job_step_ids.mapped("state"),
                strict=True,
            )
        )
        self.assertEqual(
            states,
            {
                "confirm": "done",
                "schedule": "cancelled",
                "audit_checklist": "cancelled",
                "review_artefacts": "cancelled",
                "outcome": "done",
            },
        )
        self.assertIn(
            "the site recovered before a visit was needed", self._step(ticket, "schedule").note
        )
        self.assertEqual(self._follow_ups(ticket), [])

    def test_a_replacement_stays_open_for_its_serials_and_documents(self):
        ticket = self.faulty_ticket()
        order = self._decide(ticket, "visit_replacement")
        self._schedule(order, self.technician)
        self.sign_off(order, self.technician)
        self._recover()
        self.assertFalse(ticket.closed)
        self.assertEqual(ticket.stage_id.name, "Verifying")
        self.assertIn(
            "It stays open until these are done: Update the Serial Numbers, "
            "Upload the Regulatory Documents.",
            ticket.message_ids[0].body,
        )
        self.assertEqual(ticket.solar_job_next_step, "review_artefacts")

    # ------------------------------------------------------------ roof leak
    def test_roof_leak_inspected_by_the_installation_crew_and_repaired_as_workmanship(self):
        ticket = self._request(
            name="Water through the ceiling under the panels",
            category_id=self.env.ref("solar_om_cases.case_type_roof_leak").id,
        )
        with self.assertRaisesRegex(UserError, "Leak Photos and Videos, Leak Started On"):
            self._decide(ticket, "visit_audit")
        ticket.with_user(self.agent).write(
            {
                "solar_leak_media_ids": [(4, self._attachment("ceiling.jpg").id)],
                "solar_leak_started_on": date(2026, 11, 15),
            }
        )
        order = self._decide(ticket, "visit_audit")
        self.assertEqual(order.team_id, self.install_crew)
        self.assertEqual(order.person_id, self.crew_worker)
        # the crew finds the flashing it fitted has lifted
        action = order.with_user(self.installer_tech).action_solar_record_finding()
        finding = Form(
            self.env[action["res_model"]]
            .with_user(self.installer_tech)
            .with_context(**action["context"])
        )
        finding.finding = "ours"
        finding.note = "<p>Flashing on the north mount lifted.</p>"
        finding.save().action_confirm()
        self.assertEqual(ticket.solar_finding, "ours")
        repair = ticket.fsm_order_ids.filtered("solar_workmanship")
        self.assertEqual(len(repair), 1)
        self.assertFalse(repair.solar_labour_billable)
        self.assertEqual(repair.person_id, self.crew_worker)
        self.assertIn("labour not billable", repair.description)
        self.assertIn("Finding recorded", self._milestones(ticket)[0].body)

    def test_roof_leak_not_caused_by_us_goes_to_sales_as_an_opportunity(self):
        ticket = self._request(
            name="Leak near the chimney",
            category_id=self.env.ref("solar_om_cases.case_type_roof_leak").id,
            solar_leak_media_ids=[(4, self._attachment("chimney.mp4").id)],
            solar_leak_started_on=date(2026, 11, 1),
        )
        order = self._decide(ticket, "visit_audit")
        action = order.with_user(self.installer_tech).action_solar_record_finding()
        finding = Form(
            self.env[action["res_model"]]
            .with_user(self.installer_tech)
            .with_context(**action["context"])
        )
        finding.finding = "not_ours"
        finding.note = "<p>Chimney flashing cracked, 2 m from the array.</p>"
        finding.save().action_confirm()
        lead = (
            self.env["crm.lead"].with_user(self.sales_rep).search([("ticket_id", "=", ticket.id)])
        )
        self.assertEqual(len(lead), 1)
        self.assertEqual(lead.type, "opportunity")
        self.assertEqual(lead.user_id, self.sales_rep)
        self.assertEqual(lead.solar_site_id, self.site)
        self.assertEqual(lead.partner_id, self.customer)
        self.assertIn("Chimney flashing cracked", lead.description)
        self.assertFalse(ticket.fsm_order_ids.filtered("solar_workmanship"))

    def test_not_caused_by_us_on_any_case_goes_to_sales(self):
        ticket = self._request()
        self._decide(ticket, "internal")
        ticket.with_user(self.agent).action_solar_record_finding()
        wizard = Form(
            self.env["solar.finding"]
            .with_user(self.agent)
            .with_context(default_ticket_id=ticket.id)
        )
        wizard.finding = "not_ours"
        wizard.note = "<p>The customer's own electrician moved the meter.</p>"
        wizard.save().action_confirm()
        self.assertEqual(ticket.sudo().lead_ids.solar_site_id, self.site)

    # --------------------------------------------------------- in the loop
    def test_sales_and_operations_follow_and_are_told_at_the_milestones(self):
        ticket = self._request()
        followers = ticket.message_follower_ids.filtered(
            lambda f: f.partner_id in (self.sales_rep | self.ops_manager).partner_id
        )
        self.assertEqual(len(followers), 2)
        milestone = self.env.ref("solar_om_cases.mt_solar_milestone")
        self.assertEqual(followers.subtype_ids, milestone)
        # a note on the case does not reach them; a milestone does
        ticket.with_user(self.agent).message_post(body="internal", subtype_xmlid="mail.mt_note")
        rma = (
            self.env["solar.rma"]
            .with_user(self.agent)
            .create({"ticket_id": ticket.id, "device_id": self.inverter.id})
        )
        self.assertEqual(rma.sales_user_id, self.sales_rep)
        self.assertEqual(rma.operations_user_id, self.ops_manager)
        rma.action_arrived()
        message = self._milestones(ticket)[0]
        self.assertIn("RMA part arrived", message.body)
        self.assertEqual(
            message.notification_ids.res_partner_id,
            (self.sales_rep | self.ops_manager).partner_id,
        )
        self._decide(ticket, "internal")
        self._decide(ticket, "resolved")
        self.assertIn("Case resolved", self._milestones(ticket)[0].body)

    # ----------------------------------------------------------- escalation
    def test_agent_finds_the_open_case_and_escalates_it(self):
        lead = new_test_user(
            self.env, login="care_lead", groups="helpdesk_mgmt.group_helpdesk_manager"
        )
        open_case = self._request(name="Inverter error 18xD", priority="1")
        open_case.team_id.sudo().user_id = lead
        self._request(name="Billing question", solar_concern=False)
        complaint = self._request(
            name="Nobody called back about my inverter",
            category_id=self.env.ref("solar_om_cases.case_type_formal_complaint").id,
            solar_concern=False,
        )
        action = complaint.with_user(self.agent).action_solar_escalate()
        wizard = Form(
            self.env[action["res_model"]].with_user(self.agent).with_context(**action["context"])
        )
        self.assertEqual(len(wizard.open_case_ids), 2)  # both open cases, not the complaint
        wizard.concern = "inverter"
        self.assertEqual(wizard.open_case_ids[:], open_case)
        self.assertEqual(wizard.case_id, open_case)
        result = wizard.save().action_escalate()
        self.assertEqual(result["res_id"], open_case.id)
        self.assertEqual(open_case.priority, "2")
        self.assertEqual(open_case.user_id, lead)
        self.assertEqual(complaint.escalated_case_id, open_case)

    # ------------------------------------------------------------ appraisal
    def test_ppa_insurance_appraisal_prints_size_serials_and_replacement_value(self):
        ticket = self._request(
            name="Insurer asks for the system's value",
            category_id=self.env.ref("solar_om_cases.case_type_ppa_appraisal").id,
            solar_concern=False,
        )
        self.assertEqual(ticket.solar_process, "appraisal")
        ticket.with_user(self.agent).action_print_solar_appraisal()
        html, _ = self.env["ir.actions.report"]._render_qweb_html(
            "solar_om_cases.report_solar_appraisal", ticket.ids
        )
        html = html.decode()
        self.assertIn("7E-JOB-0001", html)
        self.assertIn("8.00", html)  # kWp
        # 8 kWp x (450 + 200 + 250 + 400) per kW
        self.assertIn("10,400.00", html)
        rates = self.env["solar.appraisal.rate"].with_user(self.manager).search([])
        rates.write({"active": False})
        with self.assertRaisesRegex(UserError, "no replacement rate per kW is configured"):
            ticket.with_user(self.agent).action_print_solar_appraisal()
