# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import UserError
from odoo.tests import HttpCase, TransactionCase, new_test_user, tagged

SOLAR_ADDONS = ("solar_om", "solar_om_monitoring", "solar_om_cases")


def load_spanish(env):
    env["res.lang"]._activate_lang("es_ES")
    env["ir.module.module"].search([("name", "in", SOLAR_ADDONS)])._update_translations(
        ["es_ES"], overwrite=True
    )


@tagged("post_install", "-at_install")
class TestSpanish(TransactionCase):
    """The back office works in Spanish too: a Spanish-speaking agent reads
    the case types, a Spanish-speaking technician the checklist of an order
    an English-speaking agent sent."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        load_spanish(cls.env)
        cls.agent_es = new_test_user(
            cls.env,
            login="agente",
            lang="es_ES",
            groups="solar_om.group_solar_om_user,helpdesk_mgmt.group_helpdesk_user",
        )
        cls.technician_es = new_test_user(
            cls.env, login="tecnico", lang="es_ES", groups="solar_om.group_solar_om_technician"
        )

    def test_a_spanish_agent_reads_the_case_types_in_spanish(self):
        # the web client reads in the user's language
        Category = (
            self.env["helpdesk.ticket.category"].with_user(self.agent_es).with_context(lang="es_ES")
        )
        roof_leak = Category.browse(self.env.ref("solar_om_cases.case_type_roof_leak").id)
        self.assertEqual(roof_leak.name, "Gotera en el tejado")
        appraisal = Category.browse(self.env.ref("solar_om_cases.case_type_ppa_appraisal").id)
        self.assertEqual(appraisal.name, "Tasación del sistema PPA para el seguro")
        labels = dict(
            Category.env["helpdesk.ticket"]
            ._fields["resolution_path"]
            ._description_selection(Category.env)
        )
        self.assertEqual(labels["visit_replacement"], "Visita: sustitución")

    def test_a_spanish_technician_reads_the_checklist_in_spanish(self):
        customer = self.env["res.partner"].create({"name": "Cliente"})
        location = self.env["fsm.location"].create(
            {"name": "Tejado", "owner_id": customer.id, "partner_id": customer.id}
        )
        person = self.env["fsm.person"].create({"partner_id": self.technician_es.partner_id.id})
        order = (
            self.env["fsm.order"]
            .with_context(lang="en_US")
            .create(
                {
                    "location_id": location.id,
                    "person_id": person.id,
                    "template_id": self.env.ref("solar_om_cases.fsm_template_solar_audit").id,
                }
            )
        )
        as_technician = order.with_user(self.technician_es).with_context(lang="es_ES")
        names = as_technician.order_activity_ids.mapped("name")
        self.assertIn("Fotos del generador, el inversor, el contador y las etiquetas", names)
        self.assertIn(
            "Photos of the array, the inverter, the meter and the labels",
            order.with_context(lang="en_US").order_activity_ids.mapped("name"),
        )

    def test_a_spanish_technician_is_told_in_spanish_what_his_order_needs(self):
        customer = self.env["res.partner"].create({"name": "Cliente"})
        # the customer's solar site, with its service location
        site = self.env["solar.site"].create(
            {
                "name": "Tejado",
                "partner_id": customer.id,
                "capacity_dc_kwp": 6.0,
                "latitude": 40.4,
                "longitude": -3.7,
                "tz": "Europe/Madrid",
            }
        )
        person = self.env["fsm.person"].create({"partner_id": self.technician_es.partner_id.id})
        order = self.env["fsm.order"].create(
            {
                "location_id": site.fsm_location_id.id,
                "solar_site_id": site.id,
                "person_id": person.id,
                "template_id": self.env.ref("solar_om_cases.fsm_template_solar_audit").id,
            }
        )
        as_technician = order.with_user(self.technician_es).with_context(lang="es_ES")
        photos = as_technician.order_activity_ids.filtered("solar_needs_photo")
        with self.assertRaisesRegex(UserError, "necesita una foto: adjunte una a"):
            photos.action_done()
        with self.assertRaisesRegex(UserError, "no se puede completar sin su resolución"):
            as_technician.action_complete()
        home = self.env.ref("solar_om_monitoring.fsm_order_action_my_work")
        self.assertEqual(home.with_context(lang="es_ES").name, "Mis órdenes de trabajo")

    def test_a_spanish_manager_reads_the_settings_page_in_spanish(self):
        manager_es = new_test_user(
            self.env,
            login="responsable",
            lang="es_ES",
            # the settings page is for settings administrators
            groups="base.group_system,solar_om.group_solar_om_manager",
        )
        Settings = self.env["res.config.settings"].with_user(manager_es).with_context(lang="es_ES")
        arch = Settings.get_view(self.env.ref("base.res_config_settings_view_form").id)["arch"]
        # the health check's block and the cases' block with its follow-up plans
        for words in (
            "Comprobación de estado",
            "Cierre al recuperarse",
            "grados sobre el horizonte",
            "Fin del arrendamiento",
            "Seguimiento del cliente",
            "Planes de actividades",
        ):
            self.assertIn(words, arch)
        self.assertNotIn("degrees above the horizon", arch)
        labels = Settings.fields_get(["solar_recovery_checks", "solar_end_of_lease_days"])
        self.assertEqual(
            labels["solar_recovery_checks"]["string"], "Comprobaciones normales antes de cerrar"
        )
        action = self.env.ref("solar_om_monitoring.mail_activity_plan_action_helpdesk_ticket")
        self.assertEqual(action.with_context(lang="es_ES").name, "Planes de actividades")

    def test_a_spanish_agent_gets_the_follow_up_plan_in_spanish(self):
        plan = self.env.ref("solar_om_monitoring.activity_plan_visit_booked")
        as_agent = plan.with_user(self.agent_es).with_context(lang="es_ES")
        self.assertEqual(as_agent.name, "Seguimiento del cliente: visita concertada")
        # launched by an English-speaking colleague, for the Spanish-speaking holder
        ticket = self.env["helpdesk.ticket"].create(
            {"name": "Visita", "description": "<p>Visita</p>", "user_id": self.agent_es.id}
        )
        ticket.with_context(lang="en_US")._solar_follow_up(
            "solar_om_monitoring.activity_plan_visit_booked"
        )
        self.assertIn(
            "Llamada de bienvenida antes de la visita", ticket.activity_ids.mapped("summary")
        )


@tagged("post_install", "-at_install")
class TestSpanishPortal(HttpCase):
    """A Spanish-speaking homeowner reads their system's page in Spanish."""

    def test_a_spanish_homeowner_reads_the_portal_in_spanish(self):
        load_spanish(self.env)
        owner = self.env["res.partner"].create(
            {"name": "Propietaria", "email": "p@example.com", "lang": "es_ES"}
        )
        new_test_user(
            self.env, login="propietaria", groups="base.group_portal", partner_id=owner.id
        )
        site = self.env["solar.site"].create(
            {
                "name": "Tejado de la propietaria",
                "partner_id": owner.id,
                "capacity_dc_kwp": 6.0,
                "latitude": 40.4,
                "longitude": -3.7,
                "tz": "Europe/Madrid",
            }
        )
        site.write({"health_state": "inverter_fault", "expected_energy_today_kwh": 18.0})
        self.authenticate("propietaria", "propietaria")
        page = self.url_open("/my/solar").text
        self.assertIn("Mis instalaciones solares", page)
        self.assertIn("Su instalación no está produciendo. Ya estamos en ello.", page)
        self.assertNotIn("Your system is not producing", page)
        detail = self.url_open(f"/my/solar/{site.id}").text
        self.assertIn("Notificar un problema", detail)
        self.assertIn("No hay casos de servicio para esta instalación.", detail)
