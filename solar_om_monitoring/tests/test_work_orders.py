# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo.tests import Form, tagged

from .common import NOON, STEP, MonitoringCommon


@tagged("post_install", "-at_install")
class TestWorkOrders(MonitoringCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.inverter = cls.env["solar.device"].create(
            {
                "site_id": cls.site.id,
                "device_type": "inverter",
                "brand": "SolarEdge",
                "model_name": "SE7600H",
                "serial_number": "7E-WO-0001",
            }
        )
        cls.worker = cls.env["fsm.person"].create({"partner_id": cls.technician.partner_id.id})

    def _dispatch(self, ticket):
        action = ticket.with_user(self.agent).action_create_solar_order()
        order = self.env["fsm.order"].browse(action["res_id"])
        order.person_id = self.worker
        return order

    def test_each_site_has_its_service_location_without_renaming_the_customer(self):
        location = self.site.fsm_location_id
        self.assertTrue(location)
        self.assertEqual(location.owner_id, self.customer)
        self.assertEqual(location.name, "Munich 0")
        self.assertEqual(self.customer.name, "Maria Sonnenschein")
        # one location, its contact a child of the customer's, nothing else
        self.assertEqual(location.partner_id.parent_id, self.customer)
        self.assertEqual(location.partner_id.fsm_location_ids, location)
        self.assertEqual(self.env["fsm.location"].search_count([("name", "=", "Munich 0")]), 1)
        self.site.write({"street": "Sonnenstraße 1", "city": "München"})
        self.assertEqual(location.street, "Sonnenstraße 1")
        self.assertEqual(location.city, "München")

    def test_agent_dispatches_one_order_at_the_sites_location(self):
        ticket = self.faulty_ticket()
        order = self._dispatch(ticket)
        self.assertEqual(ticket.fsm_order_ids, order)
        self.assertEqual(ticket.stage_id.name, "In Progress")
        self.assertEqual(order.location_id, self.site.fsm_location_id)
        self.assertEqual(order.solar_site_id, self.site)
        self.assertIn("Zero Production", order.description)
        self.assertIn("7E-WO-0001", order.description)
        self.assertIn("SetApp", order.todo)
        self.assertEqual(order.priority, "2")  # helpdesk High -> fsm High
        follow_up = ticket.activity_ids.mapped("summary")
        self.assertIn("Welcome call before the visit", follow_up)
        self.assertIn("Text the customer on the day of the visit", follow_up)

    def _opened_at(self, ticket, moment):
        """The ticket as if opened at `moment` (the checks judge a simulated
        noon while the database stamps tickets with the real time)."""
        self.env.cr.execute(
            "UPDATE helpdesk_ticket SET create_date = %s WHERE id = %s",
            (moment.replace(tzinfo=None), ticket.id),
        )
        ticket.invalidate_recordset(["create_date"])

    def test_a_case_type_set_to_dispatch_sends_the_work_orders_after_its_grace(self):
        self.fleet.inject("SE1", "zero_production", NOON - STEP)
        self.fleet.inject("SE2", "zero_production", NOON - STEP)
        ticket = self.faulty_ticket()
        second, third = self.tickets(self.sites[1]), self.tickets(self.sites[2])
        self.assertEqual(ticket.category_id, second.category_id | third.category_id)
        ticket.category_id.solar_dispatch_after_hours = 4
        # the first two opened five hours before the next check, the third one
        self._opened_at(ticket, NOON + STEP - timedelta(hours=5))
        self._opened_at(second, NOON + STEP - timedelta(hours=5))
        self._opened_at(third, NOON + STEP - timedelta(hours=1))
        stats = self.check(NOON + STEP)
        self.assertEqual(stats["orders_dispatched"], 2)
        self.assertTrue(ticket.fsm_order_ids)
        self.assertTrue(second.fsm_order_ids)
        self.assertFalse(third.fsm_order_ids, "an hour into a four-hour grace: not yet")
        self.assertEqual(ticket.fsm_order_ids.location_id, self.site.fsm_location_id)
        self.assertIn(
            f"Work order {second.fsm_order_ids.name} created.", second.message_ids[0].body
        )
        # numbered in the tickets' own order (the list's first ticket first)
        first, other = self.env["helpdesk.ticket"].search([("id", "in", (ticket | second).ids)])
        self.assertLess(first.fsm_order_ids.id, other.fsm_order_ids.id)
        # an order already sent is not sent again; the third's grace runs out
        stats = self.check(NOON + STEP * 2 + timedelta(hours=3))
        self.assertEqual(stats["orders_dispatched"], 1)
        self.assertEqual(len(ticket.fsm_order_ids), 1)
        self.assertTrue(third.fsm_order_ids)

    def test_sign_off_waits_for_monitoring_and_reopens_if_still_faulty(self):
        ticket = self.faulty_ticket()
        order = self._dispatch(ticket)
        result = self.sign_off(order, self.technician)
        self.assertTrue(result)  # no close wizard for a solar ticket
        self.assertEqual(ticket.stage_id.name, "Verifying")
        self.assertFalse(ticket.closed)
        self.assertIn("Satisfaction call after the visit", ticket.activity_ids.mapped("summary"))
        # the repair did not hold: the next check still sees zero production
        self.check(NOON + STEP)
        self.assertEqual(ticket.stage_id.name, "In Progress")
        self.assertIn("still faulty", ticket.message_ids[0].body)
        self.assertIn("Zero Production", ticket.message_ids[0].body)
        # a return visit, and this time the site recovers
        order2 = self._dispatch(ticket)
        self.fleet.inject("SE0", None)
        self.sign_off(order2, self.technician)
        self.assertEqual(len(ticket.fsm_order_ids), 2)
        self.check(NOON + STEP * 2)
        self.assertFalse(ticket.closed)
        self.check(NOON + STEP * 3)
        self.assertTrue(ticket.closed)

    def test_verified_ticket_closes_even_when_an_agent_holds_it(self):
        ticket = self.faulty_ticket()
        ticket.with_user(self.agent).assign_to_me()
        order = self._dispatch(ticket)
        self.fleet.inject("SE0", None)
        self.sign_off(order, self.technician)
        self.check(NOON + STEP)
        self.check(NOON + STEP * 2)
        self.assertTrue(ticket.closed)

    def test_technician_adds_photos_and_notes_to_their_order(self):
        order = self._dispatch(self.faulty_ticket())
        as_tech = order.with_user(self.technician)
        photo = (
            self.env["ir.attachment"]
            .with_user(self.technician)
            .create(
                {
                    "name": "inverter-display.jpg",
                    "raw": b"\xff\xd8\xff\xe0 not really a jpeg",
                    "res_model": "fsm.order",
                    "res_id": order.id,
                }
            )
        )
        as_tech.write({"solar_photo_ids": [(4, photo.id)], "resolution": "<p>Fan replaced.</p>"})
        ticket = order.ticket_id.with_user(self.agent)
        self.assertEqual(ticket.fsm_order_ids.solar_photo_ids.name, "inverter-display.jpg")
        self.assertIn("Fan replaced", ticket.fsm_order_ids.resolution)

    def test_technician_replaces_the_inverter_from_the_order(self):
        order = self._dispatch(self.faulty_ticket())
        action = order.with_user(self.technician).action_solar_replace_device()
        wizard = Form(
            self.env[action["res_model"]]
            .with_user(self.technician)
            .with_context(**action["context"])
        )
        wizard.device_id = self.inverter
        wizard.serial_number = "7E-WO-0002"
        wizard.save().action_replace()
        self.assertEqual(self.inverter.state, "replaced")
        new = self.inverter.replaced_by_id
        self.assertEqual(new.serial_number, "7E-WO-0002")
        self.assertEqual(new.site_id, self.site)
        self.assertIn("7E-WO-0001 by 7E-WO-0002", order.message_ids[0].body)
        self.assertIn(new, order.solar_device_ids)

    def test_inverter_faults_dispatch_themselves_after_the_grace_period(self):
        ticket = self.faulty_ticket()
        self.check(NOON + STEP)
        self.assertFalse(ticket.fsm_order_ids)  # 24 h grace period
        ticket.flush_recordset()
        self.env.cr.execute(
            "UPDATE helpdesk_ticket SET create_date = %s WHERE id = %s",
            ((NOON - timedelta(hours=25)).replace(tzinfo=None), ticket.id),
        )
        ticket.invalidate_recordset(["create_date"])
        self.check(NOON + STEP * 2)
        self.check(NOON + STEP * 3)
        self.assertEqual(len(ticket.fsm_order_ids), 1)
        self.assertEqual(ticket.fsm_order_ids.location_id, self.site.fsm_location_id)
