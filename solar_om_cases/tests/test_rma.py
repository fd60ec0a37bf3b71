# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from freezegun import freeze_time

from odoo.tests import tagged

from odoo.addons.solar_om_monitoring.tests.common import MonitoringCommon


@tagged("post_install", "-at_install")
class TestRma(MonitoringCommon):
    def _device(self, device_type, brand, installed, serial):
        return self.env["solar.device"].create(
            {
                "site_id": self.site.id,
                "device_type": device_type,
                "brand": brand,
                "serial_number": serial,
                "install_date": installed,
            }
        )

    def _rma(self, device, **values):
        ticket = self.env["helpdesk.ticket"].create(
            {"name": "Inverter dead", "description": "x", "solar_site_id": self.site.id}
        )
        return (
            self.env["solar.rma"]
            .with_user(self.agent)
            .create(dict({"ticket_id": ticket.id, "device_id": device.id}, **values))
        )

    @freeze_time("2026-11-23")
    def test_solaredge_labour_credit_follows_device_age(self):
        young = self._rma(self._device("inverter", "SolarEdge", date(2023, 1, 1), "SE-Y"))
        self.assertTrue(young.labour_eligible)
        self.assertTrue(young.name.startswith("RMA"))
        old = self._rma(self._device("inverter", "SolarEdge", date(2020, 6, 1), "SE-O"))
        self.assertFalse(old.labour_eligible)
        self.assertIn("older than the programme's 5 years", old.labour_reason)
        optimizer = self._rma(self._device("optimizer", "SolarEdge", date(2016, 1, 1), "SE-P"))
        self.assertTrue(optimizer.labour_eligible)  # under 12 years

    @freeze_time("2026-11-23")
    def test_enphase_claim_deadline_is_three_months_after_replacement(self):
        micro = self._device("microinverter", "Enphase", date(2019, 1, 1), "EN-M")
        micro.replace_with("EN-M2", date=date(2026, 11, 20))
        rma = self._rma(micro)
        self.assertTrue(rma.labour_eligible)
        self.assertEqual(rma.claim_deadline, date(2027, 2, 18))
        self.assertEqual(rma.replacement_id.serial_number, "EN-M2")
        rma.action_submit()
        activity = rma.activity_ids.filtered(lambda a: "labour" in a.summary)
        self.assertEqual(activity.date_deadline, date(2027, 2, 18))

    def test_arrival_tells_sales_and_operations(self):
        rma = self._rma(
            self._device("inverter", "SolarEdge", date(2024, 1, 1), "SE-A"),
            sales_user_id=self.agent.id,
            operations_user_id=self.manager.id,
        )
        rma.action_submit()
        rma.write({"manufacturer_ref": "SE-CASE-42", "tracking_ref": "1Z999"})
        rma.action_shipped()
        rma.action_arrived()
        self.assertEqual(rma.state, "arrived")
        visit = rma.activity_ids.filtered(lambda a: "schedule the visit" in a.summary)
        self.assertEqual(visit.user_id, self.agent | self.manager)
        self.assertIn(rma, rma.ticket_id.rma_ids)

    def test_replacement_path_reminds_the_regulatory_documents(self):
        inverter = self._device("inverter", "SolarEdge", date(2024, 1, 1), "SE-REG")
        ticket = self.env["helpdesk.ticket"].create(
            {
                "name": "Replace inverter",
                "description": "x",
                "solar_site_id": self.site.id,
                "resolution_path": "visit_replacement",
            }
        )
        order = ticket._solar_create_orders()
        order.person_id = self.env["fsm.person"].create(
            {"partner_id": self.technician.partner_id.id}
        )
        action = order.with_user(self.technician).action_solar_replace_device()
        wizard = (
            self.env["solar.device.replace"]
            .with_user(self.technician)
            .with_context(**action["context"])
            .create({"device_id": inverter.id, "serial_number": "SE-REG-2"})
        )
        wizard.action_replace()
        reminder = ticket.activity_ids.filtered(lambda a: "regulatory" in a.summary)
        self.assertEqual(len(reminder), 1)
        self.assertIn("SE-REG was replaced by SE-REG-2", reminder.note)
