# Copyright 2026 Solar O&M
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import new_test_user

from odoo.addons.base.tests.common import BaseCommon


class SolarOmCommon(BaseCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.env["res.partner"].create(
            {"name": "Ines Customer", "tz": "Europe/Lisbon", "city": "Lisbon"}
        )
        cls.manager = new_test_user(
            cls.env, login="om_manager", groups="solar_om.group_solar_om_manager"
        )
        cls.back_office = new_test_user(
            cls.env, login="om_user", groups="solar_om.group_solar_om_user"
        )
        cls.technician = new_test_user(
            cls.env, login="om_tech", groups="solar_om.group_solar_om_technician"
        )
        cls.site = cls._create_site(cls.env(user=cls.back_office))
        cls.inverter = cls.env["solar.device"].create(
            {
                "site_id": cls.site.id,
                "device_type": "inverter",
                "brand": "SolarEdge",
                "model_name": "SE7600H",
                "serial_number": "7E-TEST-0001",
            }
        )
        cls.optimizers = cls.env["solar.device"].create(
            [
                {
                    "site_id": cls.site.id,
                    "device_type": "optimizer",
                    "brand": "SolarEdge",
                    "model_name": "S440",
                    "serial_number": f"OPT-TEST-{n}",
                    "parent_id": cls.inverter.id,
                }
                for n in range(2)
            ]
        )

    @classmethod
    def _create_site(cls, env, **values):
        vals = {
            "name": "Lisbon rooftop",
            "partner_id": cls.customer.id,
            "latitude": 38.7223,
            "longitude": -9.1393,
            "tz": "Europe/Lisbon",
            "capacity_dc_kwp": 7.5,
            "vendor": "solaredge",
            "vendor_site_ref": "TEST-1",
            "contract_state": "active",
            "contract_fee": 240.0,
        }
        vals.update(values)
        return env["solar.site"].create(vals)
