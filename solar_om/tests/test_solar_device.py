# Copyright 2026 Solar O&M
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from psycopg2 import IntegrityError

from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common import SolarOmCommon


@tagged("post_install", "-at_install")
class TestSolarDevice(SolarOmCommon):
    def test_replacing_keeps_the_old_device_as_history(self):
        wizard_action = self.inverter.with_user(self.back_office).action_replace()
        form = Form(
            self.env[wizard_action["res_model"]]
            .with_user(self.back_office)
            .with_context(**wizard_action["context"])
        )
        form.serial_number = "7E-TEST-0002"
        form.firmware = "4.21.5"
        result = form.save().action_replace()
        new_inverter = self.env["solar.device"].browse(result["res_id"])

        self.assertEqual(self.inverter.state, "replaced")
        self.assertEqual(self.inverter.replaced_by_id, new_inverter)
        self.assertEqual(new_inverter.replaces_id, self.inverter)
        self.assertEqual(new_inverter.state, "in_service")
        self.assertEqual(new_inverter.site_id, self.site)
        self.assertEqual(new_inverter.model_name, "SE7600H")
        # the optimizers now hang off the new inverter
        self.assertEqual(self.optimizers.parent_id, new_inverter)
        # the site's equipment still lists the failed serial for an RMA
        serials = self.site.device_ids.mapped("serial_number")
        self.assertIn("7E-TEST-0001", serials)
        self.assertIn("7E-TEST-0002", serials)
        self.assertEqual(self.site.device_count, 3)  # new inverter + 2 optimizers
        self.assertIn("Replaced by 7E-TEST-0002", self.inverter.message_ids[0].body)

    def test_a_replaced_device_cannot_be_replaced_again(self):
        self.inverter.replace_with("7E-TEST-0003")
        with self.assertRaisesRegex(UserError, "already Replaced"):
            self.inverter.replace_with("7E-TEST-0004")

    def test_serial_is_unique_per_brand(self):
        # same serial, other brand: fine
        self.env["solar.device"].create(
            {
                "site_id": self.site.id,
                "brand": "Enphase",
                "serial_number": "7E-TEST-0001",
                "device_type": "microinverter",
            }
        )
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            with self.cr.savepoint():
                self.env["solar.device"].create(
                    {
                        "site_id": self.site.id,
                        "brand": "SolarEdge",
                        "serial_number": "7E-TEST-0001",
                    }
                )

    def test_parent_must_be_on_the_same_site(self):
        other_site = self._create_site(self.env, name="Other", vendor_site_ref="TEST-9")
        with self.assertRaisesRegex(ValidationError, "belongs to another site"):
            self.env["solar.device"].create(
                {
                    "site_id": other_site.id,
                    "brand": "SolarEdge",
                    "serial_number": "OPT-ELSEWHERE",
                    "device_type": "optimizer",
                    "parent_id": self.inverter.id,
                }
            )
