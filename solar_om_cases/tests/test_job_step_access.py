# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .test_service_jobs import ServiceJobCommon


@tagged("post_install", "-at_install")
class TestJobStepLadder(ServiceJobCommon):
    """Who may complete a job step: the agent through the step's action only,
    the technician through the checklist of the orders assigned to them, the
    manager corrects. Nobody ticks a step done without doing it."""

    def _audit_at_review(self):
        """An audit whose visit is done: the back office reviews next."""
        ticket = self._request()
        order = self._decide(ticket, "visit_audit")
        self._schedule(order, self.technician)
        self._tick_checklist(order, self.technician)
        self._sign_off(order, self.technician)
        self.assertEqual(ticket.solar_job_next_step, "review_artefacts")
        return ticket, order

    # --------------------------------------------------------------- agent
    def test_agent_completes_a_step_only_through_its_action(self):
        ticket = self._request()
        order = self._decide(ticket, "visit_audit")
        review = self._step(ticket, "review_artefacts")
        # writing the step, directly or through the ticket, is refused
        with self.assertRaises(AccessError):
            review.write({"done_on": fields.Datetime.now()})
        with self.assertRaises(AccessError):
            ticket.with_user(self.agent).write(
                {"solar_job_step_ids": [(1, review.id, {"done_on": fields.Datetime.now()})]}
            )
        # the crew's checklist is not the agent's to tick, nor to make optional
        item = order.with_user(self.agent).order_activity_ids.filtered("required")[:1]
        with self.assertRaisesRegex(AccessError, "ticked by the field worker"):
            item.action_done()
        with self.assertRaisesRegex(AccessError, "only a field service manager makes it optional"):
            item.write({"required": False})
        self.assertEqual(item.state, "todo")
        self.assertEqual(ticket.solar_job_next_step, "schedule")
        self.assertEqual(review.state, "todo")

    def test_agent_does_the_review_step_but_cannot_reopen_it(self):
        ticket, _order = self._audit_at_review()
        review = self._step(ticket, "review_artefacts")
        review.action_done()
        self.assertEqual(review.state, "done")
        self.assertEqual(review.done_by_id, self.agent)
        with self.assertRaisesRegex(AccessError, "Only a helpdesk manager reopens"):
            review.action_reopen()
        self.assertEqual(review.state, "done")

    # ---------------------------------------------------------- technician
    def test_technician_ticks_the_checklist_of_own_orders_only_by_its_button(self):
        ticket = self._request()
        order = self._decide(ticket, "visit_audit")
        self._schedule(order, self.technician)
        items = order.with_user(self.technician).order_activity_ids.filtered("required")
        with self.assertRaisesRegex(AccessError, "with its Done button"):
            items[0].write({"state": "done", "completed": True})
        # the first item asks for photos: taken and attached, it is ticked
        self.attach_photo(order, self.technician)
        items[0].action_done()
        self.assertEqual(items[0].state, "done")
        self.assertEqual(items[0].completed_by, self.technician)
        # the job steps are the back office's: the technician does not see them
        with self.assertRaises(AccessError):
            ticket.solar_job_step_ids.with_user(self.technician).read(["state"])
        # another crew's order is out of reach
        with self.assertRaises(AccessError):
            items.with_user(self.installer_tech).action_done()
        self.assertEqual(ticket.solar_job_next_step, "audit_checklist")

    # ------------------------------------------------------------- manager
    def test_manager_corrects_a_step_and_a_checklist_item(self):
        ticket, order = self._audit_at_review()
        review = self._step(ticket, "review_artefacts")
        review.action_done()
        # the review was premature: the manager reopens it, the case waits again
        review.with_user(self.manager).action_reopen()
        self.assertEqual(review.state, "todo")
        self.assertFalse(review.done_by_id)
        self.assertEqual(ticket.solar_job_next_step, "review_artefacts")
        self.assertIn("Job step reopened", ticket.message_ids[0].body)
        # a photo item ticked by mistake: the manager puts it back to do
        item = order.with_user(self.manager).order_activity_ids.filtered("required")[:1]
        item.write({"state": "todo", "completed": False})
        self.assertEqual(item.state, "todo")
        self.assertEqual(ticket.solar_job_next_step, "audit_checklist")
