# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestSpanish(TransactionCase):
    """The back office works in Spanish too: a Spanish-speaking agent reads
    the case types, a Spanish-speaking technician the checklist of an order
    an English-speaking agent sent."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("es_ES")
        cls.env["ir.module.module"].search(
            [("name", "in", ("solar_om", "solar_om_monitoring", "solar_om_cases"))]
        )._update_translations(["es_ES"], overwrite=True)
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
