# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestTechnicianTour(HttpCase):
    """A technician completes their order in the web client at phone width,
    in headless Chromium."""

    browser_size = "375x667"
    touch_enabled = True

    def test_technician_signs_off_an_order_on_a_phone(self):
        technician = new_test_user(
            self.env, login="tour_tech", groups="solar_om.group_solar_om_technician"
        )
        customer = self.env["res.partner"].create({"name": "Tour customer"})
        site = self.env["solar.site"].create(
            {
                "name": "Tour roof",
                "partner_id": customer.id,
                "latitude": 48.14,
                "longitude": 11.58,
                "tz": "Europe/Berlin",
                "capacity_dc_kwp": 8.2,
            }
        )
        self.env["solar.device"].create(
            {"site_id": site.id, "brand": "SolarEdge", "serial_number": "7E-TOUR-0001"}
        )
        ticket = self.env["helpdesk.ticket"].create(
            {
                "name": "Tour roof: Inverter Fault",
                "description": "<p>Zero Production</p>",
                "partner_id": customer.id,
                "solar_site_id": site.id,
            }
        )
        order = ticket._solar_create_orders()
        order.person_id = self.env["fsm.person"].create({"partner_id": technician.partner_id.id})
        if "order_activity_ids" in order._fields:
            # solar_om_cases' audit checklist (its photos attached): ticked on
            # the phone in its own tour
            if any(order.order_activity_ids.mapped("solar_needs_photo")):
                photo = self.env["ir.attachment"].create(
                    {
                        "name": "array.jpg",
                        "raw": b"\xff\xd8\xff\xe0 a photo",
                        "res_model": "fsm.order",
                        "res_id": order.id,
                    }
                )
                order.solar_photo_ids = [(4, photo.id)]
            order.order_activity_ids.with_user(technician).action_done()
        self.start_tour(
            f"/odoo/action-fieldservice.action_fsm_operation_order/{order.id}",
            "solar_om_technician_order",
            login="tour_tech",
        )
        self.assertTrue(order.is_closed)
        self.assertEqual(ticket.stage_id.name, "Verifying")
