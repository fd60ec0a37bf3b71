# Copyright 2026 Solar O&M
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from psycopg2 import IntegrityError

from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from solar_om_engine.clients import CLIENTS

from .common import SolarOmCommon


@tagged("post_install", "-at_install")
class TestSolarSite(SolarOmCommon):
    def test_latitude_out_of_range_is_refused_with_its_value(self):
        with self.assertRaisesRegex(ValidationError, r"latitude must be between -90 and 90.*91"):
            self.site.latitude = 91.0

    def test_longitude_out_of_range_is_refused_with_its_value(self):
        with self.assertRaisesRegex(
            ValidationError, r"longitude must be between -180 and 180.*-181"
        ):
            self.site.longitude = -181.0

    def test_capacity_must_be_positive(self):
        with self.assertRaisesRegex(ValidationError, "DC capacity must be greater than 0"):
            self.site.capacity_dc_kwp = 0.0
        with self.assertRaisesRegex(ValidationError, "DC capacity must be greater than 0"):
            self._create_site(self.env, vendor_site_ref="TEST-NEG", capacity_dc_kwp=-3)

    def test_unknown_time_zone_is_refused_naming_it(self):
        with self.assertRaisesRegex(ValidationError, "time zone 'Mars/Olympus_Mons' is unknown"):
            self._create_site(self.env, vendor_site_ref="TEST-TZ", tz="Mars/Olympus_Mons")
        with self.assertRaisesRegex(ValidationError, "time zone 'Europe/Atlantis' is unknown"):
            self.site.tz = "Europe/Atlantis"
        self.assertEqual(self.site.tz, "Europe/Lisbon")

    def test_time_zone_defaults_from_customer(self):
        customer = self.env["res.partner"].create({"name": "Tokyo customer", "tz": "Asia/Tokyo"})
        with Form(self.env["solar.site"].with_user(self.back_office)) as form:
            form.name = "Tokyo roof"
            form.partner_id = customer
            form.capacity_dc_kwp = 4.0
        site = form.save()
        self.assertEqual(site.tz, "Asia/Tokyo")

    def test_vendor_site_id_is_unique_per_company(self):
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            with self.cr.savepoint():
                self._create_site(self.env, name="Copy")

    def test_partner_and_project_count_their_sites(self):
        contact = self.env["res.partner"].create(
            {"name": "Second home contact", "parent_id": self.customer.id}
        )
        project = self.env["project.project"].create({"name": "Lisbon install"})
        self._create_site(
            self.env,
            vendor_site_ref="TEST-2",
            partner_id=contact.id,
            project_id=project.id,
        )
        self.assertEqual(self.customer.solar_site_count, 2)
        self.assertEqual(contact.solar_site_count, 1)
        self.assertEqual(project.solar_site_count, 1)
        action = self.customer.action_view_solar_sites()
        self.assertEqual(self.env["solar.site"].search_count(action["domain"]), 2)

    def test_map_link_points_at_the_coordinates(self):
        self.assertIn("mlat=38.7223", self.site.map_url)
        self.assertIn("mlon=-9.1393", self.site.map_url)

    def test_the_vendor_selection_is_the_engines(self):
        vendors = {key for key, _label in self.env["solar.site"]._fields["vendor"].selection}
        self.assertEqual(vendors, set(CLIENTS))
