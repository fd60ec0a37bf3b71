# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import MonitoringCommon


@tagged("post_install", "-at_install")
class TestAccessByRole(MonitoringCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.worker = cls.env["fsm.person"].create({"partner_id": cls.technician.partner_id.id})
        cls.other_tech = new_test_user(
            cls.env, login="mon_tech2", groups="solar_om.group_solar_om_technician"
        )
        cls.env["fsm.person"].create({"partner_id": cls.other_tech.partner_id.id})
        cls.other_site = cls.sites[1]
        cls.order = cls.env["fsm.order"].create(
            {
                "location_id": cls.site.fsm_location_id.id,
                "solar_site_id": cls.site.id,
                "person_id": cls.worker.id,
            }
        )
        cls.devices = cls.env["solar.device"].create(
            [
                {"site_id": site.id, "brand": "SolarEdge", "serial_number": f"ACC-{site.id}"}
                for site in (cls.site, cls.other_site)
            ]
        )
        cls.other_order = cls.env["fsm.order"].create(
            {"location_id": cls.other_site.fsm_location_id.id, "solar_site_id": cls.other_site.id}
        )

    def test_technician_sees_own_orders_and_their_sites_only(self):
        Site = self.env["solar.site"].with_user(self.technician)
        self.assertEqual(Site.search([]), self.site)
        Order = self.env["fsm.order"].with_user(self.technician)
        self.assertEqual(Order.search([]), self.order)
        with self.assertRaises(AccessError):
            self.other_site.with_user(self.technician).read(["name"])
        with self.assertRaises(AccessError):
            self.other_order.with_user(self.technician).read(["name"])
        # equipment of the site they are sent to, not elsewhere
        Device = self.env["solar.device"].with_user(self.technician)
        self.assertEqual(Device.search([("id", "in", self.devices.ids)]).site_id, self.site)

    def test_a_technician_without_orders_sees_no_customer_site(self):
        self.assertFalse(self.env["solar.site"].with_user(self.other_tech).search([]))

    def test_back_office_sees_the_whole_fleet(self):
        self.assertEqual(
            self.env["solar.site"].with_user(self.agent).search([("id", "in", self.sites.ids)]),
            self.sites,
        )
        self.assertIn(self.other_order, self.env["fsm.order"].with_user(self.agent).search([]))

    def test_portal_customer_sees_own_sites_and_tickets_only(self):
        portal = new_test_user(self.env, login="mon_portal", groups="base.group_portal")
        portal.partner_id.parent_id = self.customer
        stranger = self.env["res.partner"].create({"name": "Someone else"})
        foreign = self.env["solar.site"].create(
            {
                "name": "Not yours",
                "partner_id": stranger.id,
                "tz": "Europe/Berlin",
                "capacity_dc_kwp": 3,
                "latitude": 48.1,
                "longitude": 11.5,
            }
        )
        Site = self.env["solar.site"].with_user(portal)
        self.assertEqual(Site.search([]), self.sites)
        with self.assertRaises(AccessError):
            foreign.with_user(portal).read(["name"])
        self.assertNotIn("contract_fee", Site.fields_get())
        Ticket = self.env["helpdesk.ticket"]
        mine = Ticket.create({"name": "Mine", "description": "x", "partner_id": self.customer.id})
        theirs = Ticket.create({"name": "Theirs", "description": "x", "partner_id": stranger.id})
        visible = Ticket.with_user(portal).search([("id", "in", (mine | theirs).ids)])
        self.assertEqual(visible, mine)
