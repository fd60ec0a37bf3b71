# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import TransactionCase, tagged

from solar_om_engine.classify import CASE_TYPES
from solar_om_engine.kinds import FAULT_KIND_VALUES, FaultKind, HealthState


@tagged("post_install", "-at_install")
class TestEngineConstants(TransactionCase):
    """The engine owns the closed sets; the selections the database holds
    (after every installed addon extended them) must say the same."""

    def stored_values(self, model, field):
        return set(
            self.env["ir.model.fields.selection"]
            .search([("field_id.model", "=", model), ("field_id.name", "=", field)])
            .mapped("value")
        )

    def test_fault_kinds_are_the_engines(self):
        selection = self.env["solar.fault"]._fields["kind"].selection
        self.assertEqual([value for value, _label in selection], [k.value for k in FaultKind])
        self.assertEqual(self.stored_values("solar.fault", "kind"), FAULT_KIND_VALUES)
        labels = dict(selection)
        for kind in FaultKind:
            self.assertEqual(labels[kind.value], kind.label)

    def test_health_states_are_the_engines(self):
        expected = {s.value for s in HealthState} | FAULT_KIND_VALUES
        selection = self.env["solar.site"]._fields["health_state"].selection
        self.assertEqual({value for value, _label in selection}, expected)
        self.assertEqual(self.stored_values("solar.site", "health_state"), expected)
        # every verdict the classifier can give has a state to be written to
        self.assertLessEqual(set(CASE_TYPES), expected)

    def test_every_case_type_the_engine_files_under_has_its_category(self):
        codes = {code for code in CASE_TYPES.values() if code}
        categories = self.env["helpdesk.ticket.category"].search(
            [("solar_case_code", "in", list(codes))]
        )
        self.assertEqual(set(categories.mapped("solar_case_code")), codes)
        # a silent site is its own case, not a String/MLPE fault
        self.assertEqual(CASE_TYPES[FaultKind.COMMS_LOSS], "comms_loss")
        self.assertEqual(
            self.env["helpdesk.ticket"]._solar_case_category("comms_loss", self.env.company),
            self.env.ref("solar_om_monitoring.case_type_comms_loss"),
        )
