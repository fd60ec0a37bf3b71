# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import NOON, STEP, MonitoringCommon

HOUR = timedelta(hours=1)


@tagged("post_install", "-at_install")
class TestSlaClocks(MonitoringCommon):
    """The monitoring ticket's clocks (detect, dispatch, fix, verify) against
    the contract level's targets, as the agent and the manager see them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.premium = cls.env.ref("solar_om.contract_level_premium")
        cls.standard = cls.env.ref("solar_om.contract_level_standard")
        cls.sites.write({"contract_state": "active", "contract_level_id": cls.premium.id})
        cls.worker = cls.env["fsm.person"].create({"partner_id": cls.technician.partner_id.id})

    def _dispatch(self, ticket):
        action = ticket.with_user(self.agent).action_create_solar_order()
        order = self.env["fsm.order"].browse(action["res_id"])
        order.with_user(self.agent).person_id = self.worker
        return order

    def _opened_at(self, ticket, moment):
        """The ticket as if opened at `moment` (tests judge a simulated noon
        while the database stamps tickets with the real time)."""
        self.env.cr.execute(
            "UPDATE helpdesk_ticket SET create_date = %s WHERE id = %s", (moment, ticket.id)
        )
        ticket.invalidate_recordset(["create_date"])
        ticket.modified(["create_date"])

    def _clocks(self, ticket, user):
        """{clock: (state, text of its line)} as `user` reads the ticket
        form's list of clocks: name, took, target, time left, status."""
        lines = ticket.with_user(user).solar_sla_line_ids
        labels = {
            name: dict(lines._fields[name]._description_selection(lines.env))
            for name in ("clock", "state")
        }
        return {
            line.clock: (
                line.state,
                " ".join(
                    text
                    for text in (
                        labels["clock"][line.clock],
                        line.took,
                        line.target,
                        line.time_left,
                        labels["state"][line.state],
                    )
                    if text
                ),
            )
            for line in lines
        }

    def test_the_clocks_follow_a_fault_from_detection_to_verified_fix(self):
        ticket = self.faulty_ticket()
        fault_start = ticket.solar_fault_ids.first_seen
        self._opened_at(ticket, fault_start + 2 * HOUR)
        self.assertEqual(ticket.solar_contract_level_id, self.premium)
        clocks = self._clocks(ticket, self.agent)
        self.assertEqual(
            {c: s for c, (s, _row) in clocks.items()},
            {"detect": "met", "dispatch": "overdue", "fix": "pending", "verify": "pending"},
            "opened two hours after the fault; months ago, never dispatched",
        )
        self.assertIn("2 h 00 min", clocks["detect"][1])
        self.assertIn("8 h 00 min", clocks["detect"][1], "Premium: detect within 8 hours")

        # the agent sends a technician three hours after the ticket opened
        now = fields.Datetime.now()
        ticket.solar_fault_ids.first_seen = now - 5 * HOUR
        self._opened_at(ticket, now - 3 * HOUR)
        order = self._dispatch(ticket)
        self.assertTrue(ticket.solar_dispatched_at)
        self.assertEqual(ticket.solar_sla_dispatch_state, "met")
        self.assertAlmostEqual(ticket.solar_sla_dispatch_hours, 3, delta=0.1)
        self.assertEqual(ticket.solar_sla_dispatch_target, 24)
        self.assertEqual(ticket.solar_sla_fix_state, "running")

        # the technician signs off: fixed, waiting for the monitoring's proof
        self.fleet.inject("SE0", None)
        self.sign_off(order, self.technician)
        self.assertEqual(ticket.stage_id.name, "Verifying")
        self.assertEqual(ticket.solar_sla_fix_state, "met")
        self.assertEqual(ticket.solar_sla_verify_state, "running")

        # the site reports normally: the ticket closes, the last clock stops
        self.check(NOON + STEP)
        self.check(NOON + 2 * STEP)
        self.assertTrue(ticket.closed)
        self.assertEqual(
            [ticket[f"solar_sla_{c}_state"] for c in ("detect", "dispatch", "fix", "verify")],
            ["met"] * 4,
        )
        self.assertFalse(ticket.solar_sla_breached)

    def test_each_clock_says_when_it_started_and_when_it_is_due(self):
        ticket = self.faulty_ticket()
        first_seen = ticket.solar_fault_ids.first_seen
        self._opened_at(ticket, first_seen + 90 * timedelta(minutes=1))
        lines = ticket.with_user(self.agent).solar_sla_line_ids
        self.assertEqual(lines.mapped("clock"), ["detect", "dispatch", "fix", "verify"])
        detect, dispatch = lines[0], lines[1]
        self.assertEqual((detect.started, detect.stopped), (first_seen, ticket.create_date))
        self.assertEqual(detect.due, first_seen + 8 * HOUR, "Premium: detect within 8 hours")
        self.assertEqual(detect.took, "1 h 30 min")
        self.assertFalse(detect.time_left, "a stopped clock has no time left")
        # dispatching, long overdue: the line says since when
        self.assertEqual(dispatch.state, "overdue")
        self.assertEqual(dispatch.due, ticket.create_date + 24 * HOUR)
        self.assertRegex(dispatch.time_left, r"^\d+ d \d+ h overdue$")
        # the lines are searchable on their own: the clocks overdue now
        Lines = self.env["solar.ticket.sla.line"].with_user(self.agent)
        self.assertIn(dispatch, Lines.search([("state", "=", "overdue")]))
        self.assertNotIn(detect, Lines.search([("state", "=", "overdue")]))
        # who cannot read the ticket (a technician without an order there)
        # does not read its clocks either
        foreign = self.env["solar.ticket.sla.line"].with_user(self.technician)
        self.assertFalse(foreign.search([("ticket_id", "=", ticket.id)]))
        with self.assertRaises(AccessError):
            foreign.browse(lines.ids).read(["state"])

    def test_a_clock_running_past_its_target_is_found_by_sla_breached(self):
        ticket = self.faulty_ticket()
        now = fields.Datetime.now()
        ticket.solar_fault_ids.first_seen = now - 20.5 * HOUR
        self._opened_at(ticket, now - 20 * HOUR)  # Premium: dispatch within a day
        self.assertEqual(ticket.solar_sla_dispatch_state, "running")
        breached = [("solar_sla_breached", "=", True)]  # the search view's SLA Breached
        tickets = self.env["helpdesk.ticket"].with_user(self.agent)
        self.assertNotIn(ticket, tickets.search(breached))
        # six hours pass, and nobody touches the ticket
        self.env.cr.execute(
            "UPDATE helpdesk_ticket SET create_date = %s WHERE id = %s",
            (now - 26 * HOUR, ticket.id),
        )
        self.env.cr.execute(
            "UPDATE solar_fault SET first_seen = %s WHERE id IN %s",
            (now - 26.5 * HOUR, tuple(ticket.solar_fault_ids.ids)),
        )
        self.env.invalidate_all()
        self.assertNotIn(ticket, tickets.search(breached), "nothing has recomputed it yet")
        # the hourly job's action (the scheduler runs it in a transaction of
        # its own, which would not see this test's data)
        self.env.ref("solar_om_monitoring.ir_cron_solar_sla_refresh").ir_actions_server_id.run()
        self.assertEqual(ticket.solar_sla_dispatch_state, "overdue")
        self.assertEqual(ticket.solar_sla_detect_state, "met")
        self.assertIn(ticket, tickets.search(breached))

    def test_a_late_dispatch_breaches_premium_but_not_standard(self):
        ticket = self.faulty_ticket()
        opened = fields.Datetime.now() - 30 * HOUR
        self._opened_at(ticket, opened)
        self._dispatch(ticket)
        self.assertEqual(ticket.solar_sla_dispatch_state, "breached", "Premium: within a day")
        self.assertTrue(ticket.solar_sla_breached)
        breached = (
            self.env["helpdesk.ticket"]
            .with_user(self.agent)
            .search([("solar_sla_breached", "=", True)])
        )
        self.assertEqual(breached, ticket)
        # the same ticket on a Standard contract: two days to dispatch
        self.site.contract_level_id = self.standard
        self.assertEqual(ticket.solar_sla_dispatch_target, 48)
        self.assertEqual(ticket.solar_sla_dispatch_state, "met")
        # no active contract, no target: nothing is breached
        self.site.contract_state = "lapsed"
        self.assertFalse(ticket.solar_contract_level_id)
        self.assertEqual(ticket.solar_sla_dispatch_state, "met")
        self.assertEqual(ticket.solar_sla_dispatch_target, 0)

    def test_the_manager_sets_the_targets_on_the_helpdesk_slas(self):
        sla = self.env.ref("solar_om_monitoring.sla_premium_dispatch").with_user(self.manager)
        sla.write({"days": 0, "hours": 4})
        ticket = self.faulty_ticket()
        self._opened_at(ticket, fields.Datetime.now() - 5 * HOUR)
        dispatch = self._clocks(ticket, self.manager)["dispatch"]
        self.assertEqual(dispatch[0], "overdue")
        self.assertIn("4 h 00 min", dispatch[1])
        # an ordinary OCA SLA (stage deadline) is not mistaken for a clock
        self.assertNotIn(sla, ticket._get_sla())

    def test_a_silent_sites_detection_is_not_measured(self):
        self.fleet.inject("SE1", "comms_loss", NOON - 3 * STEP)
        self.check(NOON)
        site = self.sites.filtered(lambda s: s.vendor_site_ref == "SE1")
        ticket = self.tickets(site)
        self.assertEqual(ticket.solar_fault_kind, "comms_loss")
        detect = self._clocks(ticket, self.agent)["detect"]
        self.assertEqual(detect[0], "not_measured")
        self.assertIn("Not Measured", detect[1])

    def test_the_sla_report_by_contract_level_fault_kind_and_clock(self):
        ticket = self.faulty_ticket()
        self._opened_at(ticket, ticket.solar_fault_ids.first_seen + 10 * HOUR)
        self.assertEqual(ticket.solar_sla_detect_state, "breached")
        Report = self.env["solar.sla.report"].with_user(self.manager)
        rows = Report._read_group(
            [("ticket_id", "=", ticket.id)],
            ["contract_level_id", "fault_kind", "clock", "date:month"],
            ["hours:avg", "target_hours:avg", "breached:sum"],
        )
        self.assertEqual(len(rows), 1, "only stopped clocks are reported: detect")
        level, kind, clock, _month, hours, target, breached = rows[0]
        self.assertEqual((level, kind, clock), (self.premium, "inverter_fault", "detect"))
        self.assertAlmostEqual(hours, 10)
        self.assertEqual((target, breached), (8, 1))
        # the agent reads the same report
        self.assertEqual(
            self.env["solar.sla.report"]
            .with_user(self.agent)
            .search_count([("ticket_id", "=", ticket.id)]),
            1,
        )
