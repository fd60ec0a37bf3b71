# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from lxml import etree

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.fields import Domain
from odoo.tests import new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from odoo.addons.base.tests.common import BaseCommon

from ..models.res_users import HOME


@tagged("post_install", "-at_install")
class TestTechnicianAccess(BaseCommon):
    """What a technician reads of the helpdesk and does on his orders, tested
    as him: the cases of his work orders and the field cases of his sites,
    never the back office's (complaints, billing); his order's header is the
    dispatcher's; a sign-off needs the resolution and records its date."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.technician = new_test_user(
            cls.env, login="ta_tech", groups="solar_om.group_solar_om_technician"
        )
        cls.colleague = new_test_user(
            cls.env, login="ta_tech2", groups="solar_om.group_solar_om_technician"
        )
        cls.agent = new_test_user(
            cls.env,
            login="ta_agent",
            groups="solar_om.group_solar_om_user,helpdesk_mgmt.group_helpdesk_user",
        )
        cls.worker = cls.env["fsm.person"].create({"partner_id": cls.technician.partner_id.id})
        cls.other_worker = cls.env["fsm.person"].create({"partner_id": cls.colleague.partner_id.id})
        cls.customer = cls.env["res.partner"].create(
            {"name": "Anna Weiss", "phone": "+49 89 555 0101", "street": "Lindenweg 3"}
        )
        Site = cls.env["solar.site"]
        site_values = {
            "partner_id": cls.customer.id,
            "tz": "Europe/Berlin",
            "capacity_dc_kwp": 6.0,
            "latitude": 48.15,
            "longitude": 11.57,
        }
        cls.site = Site.create(
            dict(site_values, name="Weiss roof", street="Lindenweg 3", zip="80331", city="Munich")
        )
        cls.elsewhere = Site.create(dict(site_values, name="Weiss barn", latitude=48.2))
        Category = cls.env["helpdesk.ticket.category"]
        cls.field_type = Category.create(
            {"name": "TA Roof Damage", "solar_technician_visible": True}
        )
        cls.complaint_type = Category.create({"name": "TA Formal Complaint"})
        cls.billing_type = Category.create({"name": "TA Billing Inquiry"})
        cls.monitoring_type = Category.create({"name": "TA Comms Loss"})

        def ticket(name, site, category, **values):
            return cls.env["helpdesk.ticket"].create(
                dict(
                    {
                        "name": name,
                        "description": f"<p>{name}</p>",
                        "partner_id": cls.customer.id,
                        "solar_site_id": site.id if site else False,
                        "category_id": category.id,
                    },
                    **values,
                )
            )

        cls.job = ticket("Inverter off", cls.site, cls.billing_type)
        cls.damage = ticket("Hail on the array", cls.site, cls.field_type)
        cls.silent = ticket("Site silent", cls.site, cls.monitoring_type, solar_monitoring=True)
        cls.complaint = ticket("Nobody called back", cls.site, cls.complaint_type)
        cls.billing = ticket("Invoice twice", cls.site, cls.billing_type)
        cls.other_site_damage = ticket("Barn roof leak", cls.elsewhere, cls.field_type)
        cls.unrelated = ticket("Delivery of goods", None, cls.field_type)
        cls.order = cls.env["fsm.order"].create(
            {
                "location_id": cls.site.fsm_location_id.id,
                "solar_site_id": cls.site.id,
                "ticket_id": cls.job.id,
                "person_id": cls.worker.id,
            }
        )
        cls.colleague_order = cls.env["fsm.order"].create(
            {
                "location_id": cls.elsewhere.fsm_location_id.id,
                "solar_site_id": cls.elsewhere.id,
                "ticket_id": cls.other_site_damage.id,
                "person_id": cls.other_worker.id,
            }
        )
        cls.all_tickets = (
            cls.job
            | cls.damage
            | cls.silent
            | cls.complaint
            | cls.billing
            | cls.other_site_damage
            | cls.unrelated
        )

    def _visible(self, user):
        return (
            self.env["helpdesk.ticket"].with_user(user).search([("id", "in", self.all_tickets.ids)])
        )

    # ----------------------------------------------------------- reading
    def test_technician_reads_his_orders_cases_and_his_sites_field_cases_only(self):
        # the case of his order (whatever its type: the back office sent him),
        # the damage and the monitoring's case at the site he is sent to
        self.assertEqual(self._visible(self.technician), self.job | self.damage | self.silent)
        for case in (self.complaint, self.billing, self.other_site_damage, self.unrelated):
            with self.assertRaises(AccessError, msg=case.name):
                case.with_user(self.technician).read(["name"])
        # his colleague reads his own order's case, not this site's
        self.assertEqual(self._visible(self.colleague), self.other_site_damage)

    def test_every_case_type_the_monitoring_files_under_is_seen_by_technicians(self):
        # a production case, comms loss included, is field work: a technician
        # reads it on his sites even when a person, not the monitoring, filed it
        monitoring_types = self.env["helpdesk.ticket.category"].search(
            [("solar_case_code", "!=", False)]
        )
        self.assertIn(self.env.ref("solar_om_monitoring.case_type_comms_loss"), monitoring_types)
        self.assertEqual(
            monitoring_types.filtered(lambda c: not c.solar_technician_visible).mapped("name"), []
        )
        comms_loss = self.env.ref("solar_om_monitoring.case_type_comms_loss")
        by_hand = self.env["helpdesk.ticket"].create(
            {
                "name": "Customer says the app shows nothing",
                "description": "<p>The app shows nothing since Monday.</p>",
                "partner_id": self.customer.id,
                "solar_site_id": self.site.id,
                "category_id": comms_loss.id,
            }
        )
        self.assertEqual(by_hand.with_user(self.technician).read(["name"])[0]["id"], by_hand.id)

    def test_no_group_of_the_technician_shows_every_ticket(self):
        # Odoo adds up the rules of a user's groups: one "all tickets" rule
        # among his groups (helpdesk_mgmt's User) would undo the ladder
        groups = self.technician.all_group_ids
        rules = self.env["ir.rule"].search(
            [("model_id.model", "=", "helpdesk.ticket"), ("groups", "in", groups.ids)]
        )
        self.assertIn(self.env.ref("solar_om_monitoring.helpdesk_ticket_technician_rule"), rules)
        context = self.env["ir.rule"].with_user(self.technician)._eval_context()
        for rule in rules:
            self.assertFalse(Domain(safe_eval(rule.domain_force, context)).is_true(), rule.name)
        # the ladder's next step is the back office's: a helpdesk User reads all
        self.assertEqual(self._visible(self.agent), self.all_tickets)

    def test_technician_does_his_job_on_the_case_of_his_order(self):
        order = self.order.with_user(self.technician)
        ticket = order.ticket_id
        self.assertEqual(ticket.name, "Inverter off")
        self.assertEqual(ticket.solar_site_id.name, "Weiss roof")
        self.assertEqual(order.solar_site_id.partner_id.name, "Anna Weiss")
        # the ticket form as he opens it from the order
        arch = ticket.get_views([(False, "form")])["views"]["form"]["arch"]
        shown = etree.fromstring(arch).xpath("//field[not(ancestor::field)]/@name")
        self.assertIn("solar_site_id", shown)
        ticket.web_read({name: {} for name in shown})
        message = ticket.message_post(
            body="Arrived on site; inverter display blank.", message_type="comment"
        )
        self.assertEqual(message.author_id, self.technician.partner_id)
        self.assertIn("display blank", self.job.message_ids[0].body)
        # reading is not editing the case
        with self.assertRaises(AccessError):
            ticket.write({"name": "Renamed"})

    # ----------------------------------------------------------- the order
    def test_the_order_shows_whom_to_call_and_where_to_go(self):
        order = self.order.with_user(self.technician)
        self.assertEqual(order.solar_customer_id, self.customer)
        self.assertEqual(order.solar_customer_phone, "+49 89 555 0101")
        self.assertEqual(order.solar_site_address, "Lindenweg 3, 80331 Munich")
        self.assertEqual(
            order.solar_directions_url,
            "https://www.google.com/maps/dir/?api=1&destination=48.150000%2C11.570000",
        )
        self.assertFalse(order.solar_can_dispatch)
        self.assertTrue(self.order.with_user(self.agent).solar_can_dispatch)

    def test_the_orders_header_is_the_dispatchers(self):
        order = self.order.with_user(self.technician)
        for values in (
            {"location_id": self.elsewhere.fsm_location_id.id},
            {"person_id": self.other_worker.id},
            {"ticket_id": self.damage.id},
            {"person_ids": [Command.link(self.other_worker.id)]},
        ):
            with self.assertRaisesRegex(AccessError, "set by the dispatcher"):
                order.write(values)
        # his part of the order stays his
        order.write({"resolution": "<p>Reset the inverter.</p>", "description": "<p>Noted</p>"})
        self.order.with_user(self.agent).person_id = self.other_worker
        self.assertEqual(self.order.person_id, self.other_worker)

    def test_an_order_on_no_solar_site_completes_as_fieldservice_says(self):
        # the installer's other field service (a heat pump, say) keeps
        # fieldservice's own completion: no resolution asked for
        other = self.env["fsm.order"].create({"location_id": self.site.fsm_location_id.id})
        other.action_complete()
        self.assertTrue(other.is_closed)

    def test_completing_needs_the_resolution_and_records_the_date(self):
        order = self.order.with_user(self.technician)
        for empty in (False, "<p><br></p>", "<p>   </p>"):
            order.resolution = empty
            with self.assertRaisesRegex(UserError, "cannot be completed without its resolution"):
                order.action_complete()
            self.assertFalse(order.is_closed)
            self.assertFalse(order.date_end)
        order.resolution = "<p>Replaced the DC isolator; producing again.</p>"
        before = self.order.create_date
        order.action_complete()
        self.assertTrue(order.is_closed)
        self.assertTrue(order.date_end)
        # stored to the second
        self.assertGreaterEqual(order.date_end, before.replace(microsecond=0))
        # an end the crew entered itself is kept
        second = self.colleague_order.with_user(self.colleague)
        second.write({"resolution": "<p>Sealed.</p>", "date_end": "2026-03-02 15:30:00"})
        second.action_complete()
        self.assertEqual(str(second.date_end), "2026-03-02 15:30:00")

    # ----------------------------------------------------------- landing
    def test_a_technician_lands_on_his_work_orders(self):
        home = self.env.ref(HOME)
        self.assertEqual(self.technician.action_id.id, home.id)
        if "odoobot_state" in self.technician._fields:
            # OdooBot's onboarding chat would cover the phone's screen
            self.assertEqual(self.technician.odoobot_state, "disabled")
        # the back office keeps its own landing
        self.assertFalse(self.agent.action_id)
        # made a technician later, an employee lands on his orders too
        employee = new_test_user(self.env, login="ta_employee", groups="base.group_user")
        self.assertFalse(employee.action_id)
        employee.group_ids = [Command.link(self.env.ref("solar_om.group_solar_om_technician").id)]
        self.assertEqual(employee.action_id.id, home.id)
        # a home action someone chose is kept
        chosen = self.env.ref("fieldservice.action_fsm_operation_order")
        picky = new_test_user(self.env, login="ta_picky", groups="base.group_user")
        picky.action_id = chosen.id
        picky.group_ids = [Command.link(self.env.ref("solar_om.group_solar_om_technician").id)]
        self.assertEqual(picky.action_id.id, chosen.id)
        # the action lists his orders, not the colleague's he could not read anyway
        domain = safe_eval(home.domain, {"uid": self.colleague.id})
        self.assertEqual(self.env["fsm.order"].search(domain), self.colleague_order)
