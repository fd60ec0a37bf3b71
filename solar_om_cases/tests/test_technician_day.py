# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged

from .test_service_jobs import ServiceJobCommon


@tagged("post_install", "-at_install")
class TestPhotoChecklist(ServiceJobCommon):
    """A checklist item that asks for photos is ticked by the crew once a
    photo is on the order, whatever the screen: the rule holds on the server."""

    def _audit(self):
        order = self._decide(self._request(), "visit_audit")
        self._schedule(order, self.technician)
        item = order.order_activity_ids.filtered("solar_needs_photo")
        self.assertEqual(item.name, "Photos of the array, the inverter, the meter and the labels")
        return order, item.with_user(self.technician)

    def _file(self, order, name, mimetype):
        return (
            self.env["ir.attachment"]
            .with_user(self.technician)
            .create(
                {
                    "name": name,
                    "raw": b"\xff\xd8\xff\xe0 on site",
                    "mimetype": mimetype,
                    "res_model": "fsm.order",
                    "res_id": order.id,
                }
            )
        )

    def test_the_photo_item_waits_for_a_photo_in_the_orders_photos(self):
        order, item = self._audit()
        refusal = rf"Photos of the array.*needs a photo: attach one to {order.name}"
        with self.assertRaisesRegex(UserError, refusal):
            item.action_done()
        self.assertEqual(item.state, "todo")
        # the other items do not ask for one
        readings = order.order_activity_ids.with_user(self.technician).filtered(
            lambda a: a.name.startswith("Inverter and gateway readings")
        )
        readings.action_done()
        self.assertEqual(readings.state, "done")
        self.attach_photo(order, self.technician)
        item.action_done()
        self.assertEqual(item.state, "done")
        self.assertEqual(item.completed_by, self.technician)

    def test_an_image_in_the_chatter_counts_a_document_does_not(self):
        order, item = self._audit()
        self._file(order, "meter-reading.pdf", "application/pdf")
        with self.assertRaisesRegex(UserError, "needs a photo"):
            item.action_done()
        self._file(order, "labels.jpg", "image/jpeg")
        item.action_done()
        self.assertEqual(item.state, "done")

    def test_the_replacement_photo_item_needs_one_too(self):
        order = self._decide(self._request(), "visit_replacement")
        item = order.order_activity_ids.filtered("solar_needs_photo").with_user(self.technician)
        self.assertEqual(item.name, "Photos of the new device and its serial label")
        with self.assertRaisesRegex(UserError, "needs a photo"):
            item.action_done()

    def test_only_a_manager_waives_the_photo(self):
        order, item = self._audit()
        with self.assertRaisesRegex(AccessError, "only a field service manager waives it"):
            item.write({"solar_needs_photo": False})
        item.with_user(self.manager).write({"solar_needs_photo": False})
        item.action_done()
        self.assertEqual(item.state, "done")


@tagged("post_install", "-at_install")
class TestTechnicianDayTour(HttpCase):
    """The demo technician (login technician) on a phone, on the demo data:
    lands on his orders, calls, navigates, cannot tick the photo item without
    a photo nor complete without a resolution; then signs the audit off."""

    browser_size = "375x812"
    touch_enabled = True

    def test_the_technicians_morning_on_a_phone(self):
        technician = self.env.ref(
            "solar_om_monitoring.demo_user_technician", raise_if_not_found=False
        )
        ticket = self.env.ref("solar_om_cases.demo_ticket_rossi_display", raise_if_not_found=False)
        if not technician or not ticket:
            self.skipTest("needs the demo data")
        order = ticket.fsm_order_ids
        self.assertEqual(order.person_id.partner_id, technician.partner_id)
        self.assertFalse(order.solar_photo_ids)
        self.start_tour("/odoo", "solar_om_technician_day", login="technician")
        self.assertTrue(order.is_closed)
        self.assertTrue(order.date_end)
        self.assertEqual(order.solar_photo_ids.name, "array.jpg")
        self.assertIn("fuse replaced", order.resolution)
        self.assertEqual(
            set(order.order_activity_ids.filtered("required").mapped("state")), {"done"}
        )
        self.assertEqual(ticket.solar_job_next_step, "review_artefacts")
