# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import Form, new_test_user, tagged

from .common import NOON, STEP, MonitoringCommon


@tagged("post_install", "-at_install")
class TestConfiguration(MonitoringCommon):
    def test_agent_finds_a_fault_by_its_sites_name(self):
        self.faulty_ticket()
        fault = self.site.fault_ids
        faults = self.env["solar.fault"].with_user(self.agent)
        self.assertEqual(faults.search([("display_name", "ilike", "Munich 0")]), fault)
        self.assertEqual([row[0] for row in faults.name_search("Munich 0")], fault.ids)
        self.assertFalse(faults.search([("display_name", "ilike", "Vienna")]))

    def test_administrator_tunes_the_health_check_on_the_settings_page(self):
        # settings are Odoo administrators' (res.config.settings.execute)
        admin = new_test_user(
            self.env, login="mon_admin", groups="base.group_system,solar_om.group_solar_om_manager"
        )
        settings = Form(self.env["res.config.settings"].with_user(admin))
        self.assertEqual(settings.solar_recovery_checks, 2)
        settings.solar_recovery_checks = 3
        settings.save().execute()
        ticket = self.faulty_ticket()
        self.fleet.inject("SE0", None)
        for n in (1, 2):
            self.check(NOON + STEP * n)
        self.assertEqual(self.site.fault_ids.state, "recovering")
        self.assertFalse(ticket.closed)
        self.check(NOON + STEP * 3)
        self.assertTrue(ticket.closed)
        self.assertIn("for 3 consecutive daylight checks", ticket.message_ids[0].body)

    def test_brand_checklists_are_records_translated_for_the_agent(self):
        self.env["solar.device"].create(
            {
                "site_id": self.site.id,
                "device_type": "inverter",
                "brand": "SolarEdge",
                "serial_number": "7E-CFG-0001",
            }
        )
        self.env["res.lang"]._activate_lang("es_ES")
        checklist = self.env.ref("solar_om_monitoring.brand_checklist_solaredge")
        checklist.update_field_translations(
            "steps",
            {
                "es_ES": {
                    "Inverter screen shows every optimizer reporting (e.g. 25/25).": (
                        "La pantalla del inversor muestra todos los optimizadores (p. ej. 25/25)."
                    )
                }
            },
        )
        self.agent.lang = "es_ES"
        ticket = self.faulty_ticket()
        # the web client sends the user's language with each call
        as_agent = ticket.with_user(self.agent).with_context(lang=self.agent.lang)
        action = as_agent.action_create_solar_order()
        order = self.env["fsm.order"].browse(action["res_id"])
        self.assertIn("La pantalla del inversor muestra todos los optimizadores", order.todo)
        self.assertIn("SetApp", order.todo)  # untranslated steps stay in English
        # a manager improves a step: the next order carries it
        with Form(checklist.with_user(self.manager).with_context(lang="en_US")) as form:
            form.steps = "<ol><li>Check the SolarEdge cellular kit first.</li></ol>"
        order.unlink()
        action = ticket.with_user(self.agent).with_context(lang="en_US").action_create_solar_order()
        self.assertIn("cellular kit first", self.env["fsm.order"].browse(action["res_id"]).todo)
