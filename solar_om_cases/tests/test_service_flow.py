# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from odoo.addons.solar_om_monitoring.tests.common import NOON, STEP, MonitoringCommon


@tagged("post_install", "-at_install")
class TestServiceFlow(MonitoringCommon):
    """A service request from logging to completion, worked by the agent
    (decisions), the technician (visits) and the manager (figures)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.worker = cls.env["fsm.person"].create({"partner_id": cls.technician.partner_id.id})
        cls.territory = cls.env["res.territory"].create(
            {"name": "Munich North", "person_id": cls.worker.id}
        )
        cls.fsm_team = cls.env["fsm.team"].create({"name": "Bavaria Crew"})
        cls.site.write(
            {
                "handover_approved": True,
                "territory_id": cls.territory.id,
                "fsm_team_id": cls.fsm_team.id,
            }
        )

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

    def _decide(self, ticket, choice, note=None):
        """What the agent does: the ticket's button opens the step's wizard."""
        action = ticket.with_user(self.agent).action_solar_decide()
        form = Form(
            self.env[action["res_model"]].with_user(self.agent).with_context(**action["context"])
        )
        field = {
            "path": "resolution_path",
            "investigation": "investigation_outcome",
            "review": "review_outcome",
        }[action["context"]["default_step"]]
        if action["context"]["default_step"] == "review":
            # the back office reviews the visit's artefacts before its outcome
            steps = ticket.solar_job_step_ids.filtered(
                lambda s: s.state == "todo" and not s.automatic
            )
            steps.with_user(self.agent).action_done()
        setattr(form, field, choice)
        if note:
            form.note = note
        result = form.save().action_confirm()
        if result.get("res_model") == "fsm.order":
            return self.env["fsm.order"].browse(result["res_id"])
        return result

    def _dispatch(self, ticket):
        """The agent's Create Work Order button on a monitoring ticket."""
        action = ticket.with_user(self.agent).action_create_solar_order()
        return self.env["fsm.order"].browse(action["res_id"])

    def _visit(self, order):
        self.sign_off(order, self.technician)

    def test_internal_resolution_completes_and_closes_the_case(self):
        ticket = self._request()
        self.assertEqual(ticket.solar_service_phase, "requesting")
        self._decide(ticket, "internal", "<p>Reset remotely with the customer.</p>")
        self.assertEqual(ticket.solar_service_phase, "investigating")
        self.assertEqual(ticket.stage_id.name, "In Progress")
        self.assertIn("Reset remotely", ticket.message_ids[0].body)
        self._decide(ticket, "resolved")
        self.assertEqual(ticket.solar_service_phase, "completed")
        self.assertEqual(ticket.resolution_outcome, "resolved")
        self.assertTrue(ticket.closed)
        self.assertFalse(ticket.solar_first_time_fix)  # no visit: not counted

    def test_visit_return_visit_and_review_track_progress_by_themselves(self):
        ticket = self._request()
        order = self._decide(ticket, "visit_audit")
        self.assertEqual(ticket.solar_service_phase, "servicing")
        self.assertEqual(order.location_id, self.site.fsm_location_id)
        self._visit(order)
        self.assertEqual(ticket.solar_service_phase, "reviewing")
        with self.assertRaisesRegex(UserError, "'resolved' is not a choice at the path step"):
            ticket.with_user(self.agent)._solar_decide("path", "resolved")
        second = self._decide(ticket, "return_visit", "<p>Optimizer 12 still silent.</p>")
        self.assertNotEqual(second, order)
        self.assertEqual(ticket.solar_service_phase, "servicing")
        self._visit(second)
        self.assertEqual(ticket.solar_service_phase, "reviewing")
        self._decide(ticket, "resolved")
        self.assertEqual(ticket.solar_service_phase, "completed")
        self.assertTrue(ticket.closed)
        self.assertEqual(ticket.solar_visit_count, 2)
        self.assertEqual(ticket.solar_return_visit_count, 1)
        self.assertEqual(ticket.solar_first_time_fix, "no")

    def test_review_is_refused_while_the_visit_is_still_open(self):
        ticket = self._request()
        self._decide(ticket, "visit_audit")
        with self.assertRaisesRegex(UserError, "nothing to decide until the visit is done"):
            ticket.with_user(self.agent).action_solar_decide()
        with self.assertRaisesRegex(UserError, "the case is servicing: the review step"):
            ticket.with_user(self.agent)._solar_decide("review", "resolved")

    def test_request_not_required_closes_it(self):
        ticket = self._request(solar_concern=False)
        self._decide(ticket, "not_required")
        self.assertEqual(ticket.solar_service_phase, "completed")
        self.assertTrue(ticket.closed)

    def test_manufacturer_path_can_end_in_a_site_visit(self):
        ticket = self._request()
        self._decide(ticket, "manufacturer")
        order = self._decide(ticket, "visit_required")
        self.assertEqual(ticket.fsm_order_ids, order)
        self.assertEqual(ticket.solar_service_phase, "servicing")

    def test_monitoring_confirms_a_first_time_fix(self):
        ticket = self.faulty_ticket()
        order = self._dispatch(ticket)
        self.assertEqual(ticket.resolution_path, "visit_audit")
        self.fleet.inject("SE0", None)
        self._visit(order)
        self.assertEqual(ticket.stage_id.name, "Verifying")
        self.assertEqual(ticket.solar_service_phase, "reviewing")
        # nobody reviewed: the monitoring seeing the site back is the verdict
        self.check(NOON + STEP)
        self.check(NOON + STEP * 2)
        self.assertTrue(ticket.closed)
        self.assertEqual(ticket.resolution_outcome, "resolved")
        self.assertEqual(ticket.solar_first_time_fix, "yes")

    def test_reopened_by_monitoring_the_review_is_made_again(self):
        ticket = self.faulty_ticket()
        order = self._dispatch(ticket)
        self._visit(order)
        # the reviewer is satisfied, but only the monitoring closes it
        self._decide(ticket, "resolved")
        self.assertEqual(ticket.stage_id.name, "Verifying")
        self.check(NOON + STEP)  # still zero production
        self.assertFalse(ticket.resolution_outcome)
        self.assertEqual(ticket.solar_service_phase, "reviewing")

    def test_manager_reads_first_time_fix_and_return_visits(self):
        fixed_first = self._request()
        self._visit(self._decide(fixed_first, "visit_audit"))
        self._decide(fixed_first, "resolved")
        needed_two = self._request()
        self._visit(self._decide(needed_two, "visit_audit"))
        self._visit(self._decide(needed_two, "return_visit"))
        self._decide(needed_two, "resolved")
        remote = self._request()
        self._decide(remote, "internal")
        self._decide(remote, "resolved")
        Report = self.env["solar.service.report"].with_user(self.manager)
        [(count, visits, returns, rate)] = Report._read_group(
            [("ticket_id", "in", (fixed_first | needed_two | remote).ids)],
            [],
            ["__count", "visit_count:sum", "return_visit_count:sum", "first_time_fix_rate:avg"],
        )
        self.assertEqual((count, visits, returns), (3, 3, 1))
        self.assertAlmostEqual(rate, 50.0)  # the remote fix is not a visit
        with self.assertRaises(AccessError):
            self.env["solar.service.report"].with_user(self.agent).search([])


@tagged("post_install", "-at_install")
class TestRoutingAndAssignment(MonitoringCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.installer = cls.env["res.partner"].create({"name": "SunFit Installers"})
        cls.site.write({"handover_approved": True})
        cls.new_site = cls.sites.filtered(lambda s: s.vendor_site_ref == "SE1")
        cls.new_site.write({"handover_approved": False, "installer_contact_id": cls.installer.id})
        cls.worker = cls.env["fsm.person"].create({"partner_id": cls.technician.partner_id.id})

    def _call(self, site, concern, lang="en_US"):
        return (
            self.env["helpdesk.ticket"]
            .with_user(self.agent)
            .with_context(lang=lang)
            .create(
                {
                    "name": "Call",
                    "description": "<p>Call.</p>",
                    "partner_id": self.customer.id,
                    "solar_site_id": site.id,
                    "solar_concern": concern,
                }
            )
        )

    def test_savings_complaint_goes_to_savings_analysis(self):
        ticket = self._call(self.site, "savings")
        self.assertEqual(ticket.category_id.name, "Savings Analysis")
        self.assertEqual(ticket.team_id.name, "Customer Care")

    def test_repair_goes_to_the_service_team_as_a_service_request(self):
        ticket = self._call(self.site, "service")
        self.assertEqual(ticket.team_id.name, "Solar Service")
        self.assertEqual(ticket.solar_service_phase, "requesting")

    def test_platform_setup_gets_the_manufacturers_instructions(self):
        ticket = self._call(self.site, "platform")
        self.assertIn("<li>Install the mySolarEdge app", ticket.message_ids[0].body)
        self.assertIn("No invitation arrived", ticket.message_ids[0].body)

    def test_platform_instructions_are_data_kept_by_the_manager_in_the_agents_language(self):
        step = self.env.ref("solar_om_cases.platform_solaredge_app")
        self.env["res.lang"]._activate_lang("fr_FR")
        step.with_user(self.manager).with_context(lang="fr_FR").name = "Installez mySolarEdge."
        ticket = self._call(self.site, "platform", lang="fr_FR")
        self.assertIn("<li>Installez mySolarEdge.</li>", ticket.message_ids[0].body)
        self.assertIn("mySolarEdge app", self._call(self.site, "platform").message_ids[0].body)

    def test_a_vendor_without_instructions_says_to_ask_the_manufacturer(self):
        self.site.vendor = False
        ticket = self._call(self.site, "platform")
        self.assertIn("ask the manufacturer", ticket.message_ids[0].body)

    def test_before_handover_the_installer_answers(self):
        ticket = self._call(self.new_site, "savings")
        self.assertNotEqual(ticket.category_id.name, "Savings Analysis")
        self.assertIn("referred to SunFit Installers", ticket.message_ids[0].body)
        self.assertEqual(ticket.activity_ids.summary, "Refer the customer to the installer")

    def test_work_order_follows_the_sites_territory_and_team(self):
        territory = self.env["res.territory"].create(
            {"name": "Munich South", "person_id": self.worker.id}
        )
        crew = self.env["fsm.team"].create({"name": "Munich Crew"})
        self.site.with_user(self.manager).write(
            {"territory_id": territory.id, "fsm_team_id": crew.id}
        )
        self.assertEqual(self.site.fsm_location_id.territory_id, territory)
        ticket = self._call(self.site, "service")
        order = ticket._solar_create_orders()
        self.assertEqual(order.team_id, crew)
        self.assertEqual(order.person_id, self.worker)
        # the technician now finds it among their own orders
        self.assertIn(order, self.env["fsm.order"].with_user(self.technician).search([]))

    def test_a_worker_named_on_the_location_comes_before_the_territory(self):
        other = self.env["fsm.person"].create(
            {"partner_id": new_test_user(self.env, login="tech2").partner_id.id}
        )
        territory = self.env["res.territory"].create({"name": "T", "person_id": self.worker.id})
        self.site.territory_id = territory
        self.env["fsm.location.person"].create(
            {"location_id": self.site.fsm_location_id.id, "person_id": other.id, "sequence": 1}
        )
        order = self._call(self.site, "service")._solar_create_orders()
        self.assertEqual(order.person_id, other)


@tagged("post_install", "-at_install")
class TestFailureReport(MonitoringCommon):
    def test_failures_per_brand_and_model_over_the_installed_base(self):
        Device = self.env["solar.device"]
        devices = Device.create(
            [
                {
                    "site_id": self.site.id,
                    "device_type": "optimizer",
                    "brand": "SolarEdge",
                    "model_name": "P401",
                    "serial_number": f"FR-{i}",
                }
                for i in range(4)
            ]
        )
        devices[0].replace_with("FR-0-NEW")
        [(count, failures, rate)] = Device.with_user(self.agent)._read_group(
            [("brand", "=", "SolarEdge"), ("model_name", "=", "P401")],
            [],
            ["__count", "failure_count:sum", "failure_rate:avg"],
        )
        self.assertEqual((count, failures), (5, 1))  # the new optimizer joins the base
        self.assertAlmostEqual(rate, 20.0)
