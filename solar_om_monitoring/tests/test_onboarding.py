# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Onboarding a fleet as the O&M manager, against the simulator over real
HTTP: discovery sorts and suggests customers, sites are created in one go
(and never twice), a deactivated system stops its site's monitoring with a
note, a changed micro serial becomes a replacement, a site without
coordinates is listed and not judged, and the spreadsheet import refuses a
bad row naming its row and column while importing the others."""

import base64
from unittest.mock import patch

from odoo.exceptions import AccessError
from odoo.tests import new_test_user

from odoo.addons.base.tests.common import BaseCommon

from solar_om_engine.simulator import Simulator
from solar_om_engine.simulator.fleet import device_serials, onboarding_fleet

from ..models import bulk_insert
from ..models.base_geocoder import NOMINATIM_URL_PARAM
from ..models.bulk_insert import Row, in_one_statement, insert_rows
from ..models.solar_health_check import NO_COORDINATES
from .common import NOON, stored_rows

OWNERS = (("Sonnenschein", "Munich"), ("Kowalski", "Munich"), ("Navarro", "Madrid"))


def use_simulator_geocoder(env, sim):
    provider = env.ref("solar_om_monitoring.geo_provider_nominatim_server")
    params = env["ir.config_parameter"].sudo()
    params.set_param("base_geolocalize.geo_provider", provider.id)
    params.set_param(NOMINATIM_URL_PARAM, sim.url + "/nominatim")


class OnboardingCommon(BaseCommon):
    VENDOR = "solaredge"
    SYSTEMS = 12

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.fleet = onboarding_fleet(cls.SYSTEMS, cls.VENDOR, owners=OWNERS)
        # one system at an address no geocoder knows
        if cls.SYSTEMS > 5:
            cls.fleet.sites[cls.ref(5)].geocodable = False
        cls.fleet.set_clock(NOON)
        cls.sim = Simulator(cls.fleet).start()
        cls.addClassCleanup(cls.sim.stop)
        # the demo's own sites stay out of what is counted here
        cls.env["solar.site"].search([]).action_archive()
        use_simulator_geocoder(cls.env, cls.sim)
        cls.manager = new_test_user(
            cls.env,
            login="onboard_manager",
            groups="solar_om.group_solar_om_manager,helpdesk_mgmt.group_helpdesk_manager",
            tz="Europe/Berlin",
        )
        sim_account = next(iter(cls.fleet.accounts.values()))
        values = {
            "name": "Installer account",
            "vendor": cls.VENDOR,
            "quota_tier": "unlimited",
            "base_url": cls.sim.base_url(cls.VENDOR),
            "api_key": sim_account.api_key,
        }
        if cls.VENDOR == "enphase":
            values.update(
                client_id=f"{sim_account.key}-client",
                client_secret=sim_account.secret,
                access_token=sim_account.access_token,
                refresh_token=sim_account.refresh_token,
            )
        cls.account = cls.env["solar.monitoring.account"].create(values)
        Partner = cls.env["res.partner"]
        cls.sonnenschein = Partner.create(
            {"name": "Maria Sonnenschein", "city": "Munich", "zip": cls.fleet.sites[cls.ref(0)].zip}
        )
        cls.kowalski = Partner.create({"name": "Anna Kowalski"})
        cls.navarros = Partner.create(
            [{"name": "Lucía Navarro", "city": "Madrid"}, {"name": "Pedro Navarro", "city": "Lyon"}]
        )

    @classmethod
    def ref(cls, i):
        return f"{7_100_000 + i}"

    def discover(self):
        account = self.account.with_user(self.manager)
        action = account.action_discover()
        return self.env["solar.site.discover"].with_user(self.manager).browse(action["res_id"])


class TestDiscovery(OnboardingCommon):
    def test_only_managers_discover(self):
        agent = new_test_user(
            self.env, login="onboard_agent", groups="solar_om.group_solar_om_user"
        )
        with self.assertRaises(AccessError):
            self.account.with_user(agent).action_discover()

    def test_discovery_lists_new_systems_with_the_customer_and_why(self):
        wizard = self.discover()
        self.assertEqual(wizard.new_count, self.SYSTEMS)
        self.assertEqual((wizard.known_count, wizard.deactivated_count), (0, 0))
        by_ref = {s.vendor_ref: s for s in wizard.new_system_ids}
        first = by_ref[self.ref(0)]
        # what the vendor says is on the row
        sim = self.fleet.sites[self.ref(0)]
        self.assertEqual(first.name, "Sonnenschein home")
        self.assertAlmostEqual(first.capacity_kwp, sim.capacity_w / 1000)
        self.assertEqual((first.tz, first.zip, first.country_code), (sim.timezone, sim.zip, "DE"))
        self.assertEqual(str(first.installation_date), sim.installed)
        self.assertEqual(first.partner_id, self.sonnenschein)
        self.assertEqual(first.match_rule, "name_address")
        self.assertIn("Maria Sonnenschein", first.match_reason)
        self.assertEqual(by_ref[self.ref(1)].partner_id, self.kowalski)
        self.assertEqual(by_ref[self.ref(1)].match_rule, "name")
        # two Navarros, one of them in Madrid: the address settles it
        self.assertEqual(by_ref[self.ref(2)].partner_id, self.navarros[0])
        nobody = by_ref[self.ref(3)]
        self.assertFalse(nobody.partner_id)
        self.assertTrue(nobody.create_partner)
        self.assertEqual(nobody.match_rule, "none")
        self.assertEqual(self.account.not_monitored_count, self.SYSTEMS)

    def test_create_sites_in_one_go_then_a_second_discovery_creates_nothing_twice(self):
        # the territory serving the first system's postcode, whose sites the
        # Munich crew serves; the customer's installation project
        first = self.fleet.sites[self.ref(0)]
        territory = self.env["res.territory"].create(
            {"name": "Munich centre", "zip_codes": f"{first.zip}, 80999"}
        )
        crew = self.env["fsm.team"].create({"name": "Munich crew"})
        self.env["solar.site"].create(
            {
                "name": "Older Munich site",
                "partner_id": self.kowalski.id,
                "capacity_dc_kwp": 5,
                "tz": "Europe/Berlin",
                "territory_id": territory.id,
                "fsm_team_id": crew.id,
            }
        )
        project = self.env["project.project"].create(
            {"name": "Sonnenschein installation", "partner_id": self.sonnenschein.id}
        )
        wizard = self.discover()
        chosen = wizard.new_system_ids.filtered(lambda s: s.vendor_ref != self.ref(4))
        wizard.new_system_ids = chosen
        wizard.action_create_sites()
        sites = self.env["solar.site"].search([("account_id", "=", self.account.id)])
        self.assertEqual(len(sites), self.SYSTEMS - 1)
        site = sites.filtered(lambda s: s.vendor_site_ref == self.ref(0))
        sim = self.fleet.sites[self.ref(0)]
        self.assertEqual(site.partner_id, self.sonnenschein)
        self.assertEqual((site.tz, site.vendor), (sim.timezone, "solaredge"))
        self.assertAlmostEqual(site.capacity_dc_kwp, sim.capacity_w / 1000)
        self.assertEqual(str(site.install_date), sim.installed)
        self.assertEqual((site.street, site.zip, site.country_id.code), (sim.street, sim.zip, "DE"))
        # coordinates from the address, through Odoo's geocoder
        self.assertAlmostEqual(site.latitude, sim.latitude, places=5)
        self.assertTrue(site.fsm_location_id)
        self.assertEqual((site.territory_id, site.fsm_team_id), (territory, crew))
        self.assertEqual(site.fsm_location_id.territory_id, territory)
        self.assertEqual(site.project_id, project)
        (inverter,) = site.device_ids
        self.assertEqual(inverter.serial_number, device_serials(sim)["inverter"][0])
        self.assertIn("customer:", site.message_ids[:1].body)
        # a system without a match got a new customer named after it
        created = sites.filtered(lambda s: s.vendor_site_ref == self.ref(3)).partner_id
        self.assertEqual(created.name, self.fleet.sites[self.ref(3)].name)
        # the one left out stays in Not Monitored Yet
        self.assertEqual(self.account.not_monitored_count, 1)

        again = self.discover()
        self.assertEqual(again.new_count, 1)
        self.assertEqual(again.known_count, self.SYSTEMS - 1)
        again.action_create_sites()
        again.action_create_sites()  # a double click creates nothing more
        self.assertEqual(
            self.env["solar.site"].search_count([("account_id", "=", self.account.id)]),
            self.SYSTEMS,
        )
        self.assertEqual(self.account.not_monitored_count, 0)

    def test_a_deactivated_system_stops_its_site_with_a_note_and_is_not_checked(self):
        self.discover().action_create_sites()
        site = self.env["solar.site"].search([("vendor_site_ref", "=", self.ref(1))])
        self.fleet.sites[self.ref(1)].deactivated = True
        summary = self.account.with_user(self.manager)._discover(daily=True, at=NOON)
        self.assertEqual(summary["stopped"], 1)
        self.assertTrue(site.monitoring_stopped)
        self.assertIn("DISABLED", site.monitoring_stopped_reason)
        self.assertIn("Monitoring stopped", site.message_ids[0].body)
        system = self.env["solar.vendor.system"].search([("vendor_ref", "=", self.ref(1))])
        self.assertEqual(system.state, "deactivated")
        stats = self.env["solar.health.check"].run(accounts=self.account, at=NOON, force=True)
        self.assertEqual(stats["sites_due"], self.SYSTEMS - 1)
        self.assertEqual(site.health_state, "unknown")
        overview = (
            self.env["solar.fleet.overview"]
            .with_user(self.manager)
            .search([("code", "=", "monitoring_stopped")])
        )
        self.assertEqual(overview.count, 1)
        # the vendor lists it again: monitoring resumes
        self.fleet.sites[self.ref(1)].deactivated = False
        self.account.with_user(self.manager)._discover(daily=True, at=NOON)
        self.assertFalse(site.monitoring_stopped)

    def test_a_site_without_coordinates_is_listed_not_judged_and_not_lost(self):
        self.discover().action_create_sites()
        unplaced = self.env["solar.site"].search([("vendor_site_ref", "=", self.ref(5))])
        self.assertTrue(unplaced, "never silently dropped")
        self.assertFalse(unplaced.has_coordinates)
        listed = (
            self.env["solar.site"]
            .with_user(self.manager)
            .search([("account_id", "!=", False), ("has_coordinates", "=", False)])
        )
        self.assertEqual(listed, unplaced)
        tile = (
            self.env["solar.fleet.overview"]
            .with_user(self.manager)
            .search([("code", "=", "no_coordinates")])
        )
        self.assertEqual(tile.count, 1)
        self.assertEqual(tile.action_open()["domain"][-1], ("has_coordinates", "=", False))
        self.env["solar.health.check"].run(accounts=self.account, at=NOON, force=True)
        self.assertEqual(unplaced.health_state, "unknown")
        self.assertEqual(unplaced.poll_error, NO_COORDINATES)
        placed = self.env["solar.site"].search(
            [("account_id", "=", self.account.id), ("has_coordinates", "=", True)]
        )
        # the next health check judges the sites it can place
        self.assertTrue(all(s.health_state not in ("unknown", "night") for s in placed))
        # once the address is right, the geocoder places it and the check judges it
        self.fleet.sites[self.ref(5)].geocodable = True
        unplaced.with_user(self.manager).action_geolocalize()
        self.assertTrue(unplaced.has_coordinates)


class TestDeviceSync(OnboardingCommon):
    VENDOR = "enphase"
    SYSTEMS = 4

    def test_a_changed_micro_serial_becomes_a_replacement_with_history(self):
        self.discover().action_create_sites()
        site = self.env["solar.site"].search([("vendor_site_ref", "=", self.ref(2))])
        sim = self.fleet.sites[self.ref(2)]
        micros = site.device_ids.filtered(lambda d: d.device_type == "microinverter")
        self.assertEqual(len(micros), sim.devices_total)
        self.assertEqual(set(micros.parent_id.mapped("device_type")), {"gateway"})
        # Enphase's list gives no size: it comes from the system's summary
        self.assertAlmostEqual(site.capacity_dc_kwp, sim.capacity_w / 1000)
        old_serial = device_serials(sim)["micro"][3]
        sim.swaps[old_serial] = "129999000001"
        summary = self.account.with_user(self.manager)._discover(daily=True, at=NOON)
        self.assertEqual(summary["replaced"], 1)
        old = self.env["solar.device"].search([("serial_number", "=", old_serial)])
        new = self.env["solar.device"].search([("serial_number", "=", "129999000001")])
        self.assertEqual((old.state, old.replaced_by_id), ("replaced", new))
        self.assertEqual(new.replaces_id, old)
        self.assertEqual(new.parent_id, old.parent_id)
        self.assertIn("replaced by 129999000001", site.message_ids[0].body)
        # nothing else changed: the next sync replaces nothing
        again = self.account.with_user(self.manager)._discover(daily=True, at=NOON)
        self.assertEqual(again["replaced"], 0)


class TestCreatedRowsReadBack(OnboardingCommon):
    """Sites, devices and creation notes are written in set-based SQL
    (`bulk_insert.insert_rows`): what the O&M manager reads back through the
    ORM, in a fresh cache, is what create() would have stored."""

    VENDOR = "enphase"
    SYSTEMS = 5  # three matched to a customer, two with a customer created

    def assert_read_back(self, sites):
        company = self.account.company_id
        for site in sites:
            sim = self.fleet.sites[site.vendor_site_ref]
            serials = device_serials(sim)
            devices = site.device_ids
            self.assertEqual(
                sorted(devices.mapped("serial_number")),
                sorted(serials["gateway"] + serials["micro"]),
            )
            (gateway,) = devices.filtered(lambda d: d.device_type == "gateway")
            micros = devices - gateway
            self.assertEqual(set(micros.mapped("device_type")), {"microinverter"})
            self.assertEqual(micros.parent_id, gateway)
            self.assertEqual(gateway.child_ids, micros)
            self.assertEqual(site.device_count, len(devices))
            for device in devices:
                self.assertEqual(device.site_id, site)
                self.assertEqual((device.company_id, device.partner_id), (company, site.partner_id))
                self.assertEqual(
                    (device.create_uid, device.write_uid), (self.manager, self.manager)
                )
                self.assertTrue(device.create_date)
                self.assertEqual((device.brand, device.state), ("Enphase", "in_service"))
                self.assertEqual(device.install_date, site.install_date)
                # the stored computed fields, as their compute methods give them
                self.assertEqual(device.solar_order_serial, device.serial_number)
                self.assertEqual((device.failure_count, device.failure_rate), (0, 0.0))
                self.assertFalse(device.solar_vendor_named)
            self.assertEqual((site.company_id, site.create_uid), (company, self.manager))
            self.assertEqual(
                site.contract_level_id, self.env["solar.contract.level"].search([], limit=1)
            )
            self.assertTrue(site.has_coordinates)
            self.assertEqual(site.roof_orientation, "unknown")
            self.assertEqual(site.health_state, "unknown")
            self.assertTrue(site.active)
            # the service location and its contact, their names computed
            # before their INSERT (`bulk_insert.create_rows`) as the ORM computes them
            location = site.fsm_location_id
            self.assertEqual((location.name, location.complete_name), (site.name, site.name))
            contact = location.partner_id
            self.assertEqual(contact.parent_id, site.partner_id)
            self.assertEqual(contact.commercial_partner_id, site.partner_id.commercial_partner_id)
            self.assertEqual(contact.complete_name, f"{site.partner_id.name}, {site.name}")
            customer = site.partner_id
            self.assertEqual(customer.commercial_partner_id, customer)
            self.assertEqual(customer.complete_name, customer.name)
            self.assertTrue(customer.partner_share)
            # the creation note, as Odoo's batch of log notes makes it
            (note,) = site.message_ids
            self.assertEqual(
                (note.author_id, note.create_uid), (self.manager.partner_id, self.manager)
            )
            self.assertEqual(note.subtype_id, self.env.ref("mail.mt_note"))
            self.assertEqual(
                (note.message_type, note.model, note.res_id),
                ("notification", "solar.site", site.id),
            )
            self.assertIn(f"(system {site.vendor_site_ref})", note.body)
            self.assertTrue(note.message_id)

    def test_created_sites_and_devices_read_back_through_the_orm(self):
        self.discover().action_create_sites()
        Site = self.env["solar.site"].with_user(self.manager)
        sites = Site.search([("account_id", "=", self.account.id)])
        self.assertEqual(len(sites), self.SYSTEMS)
        # as left in the cache by the creation
        self.assert_read_back(sites)
        # and as stored: a fresh cache, the rows found by SQL-backed searches
        self.env.invalidate_all()
        self.assert_read_back(sites)
        Device = self.env["solar.device"].with_user(self.manager)
        some = device_serials(self.fleet.sites[self.ref(1)])["micro"][:2]
        found = Device.search([("serial_number", "in", some)])
        self.assertEqual(found.site_id.vendor_site_ref, self.ref(1))
        self.assertEqual(
            Device.search_count(
                [("site_id", "in", sites.ids), ("company_id", "=", self.account.company_id.id)]
            ),
            sum(len(sum(device_serials(s).values(), [])) for s in self.fleet.sites.values()),
        )
        # the chatter reads the notes (the portal-less O&M manager's view)
        self.assertEqual(len(sites[0].with_user(self.manager).message_ids), 1)

    def test_the_set_based_insert_refuses_what_only_create_can_write(self):
        self.discover().action_create_sites()
        site = self.env["solar.site"].search([("account_id", "=", self.account.id)], limit=1)
        values = {"site_id": site.id, "brand": "Enphase", "serial_number": "129999000777"}
        with self.assertRaisesRegex(ValueError, r"solar\.device\.child_ids is not a stored column"):
            insert_rows(self.env["solar.device"], [dict(values, child_ids=[(6, 0, [])])])
        (device,) = insert_rows(self.env["solar.device"], [values])
        self.assertEqual(device.site_id, site)

    def test_a_row_names_the_row_it_hangs_off_in_its_batch_or_an_earlier_one(self):
        self.discover().action_create_sites()
        site = self.env["solar.site"].search([("account_id", "=", self.account.id)], limit=1)
        Device = self.env["solar.device"].with_user(self.manager)

        def device(serial, kind, parent=False):
            return {
                "site_id": site.id,
                "brand": "Enphase",
                "serial_number": serial,
                "device_type": kind,
                "parent_id": parent,
            }

        # two rows a statement: micro 2 names a gateway of the first
        # statement, micro 4 the gateway of the one before its own
        with patch.object(bulk_insert, "BATCH_SIZE", 2):
            rows = insert_rows(
                Device,
                [
                    device("G1", "gateway"),
                    device("M1", "microinverter", Row(0)),
                    device("M2", "microinverter", Row(0)),
                    device("G2", "gateway"),
                    device("M3", "microinverter", Row(3)),
                ],
            )
        self.env.invalidate_all()
        g1, m1, m2, g2, m3 = rows
        self.assertEqual((m1.parent_id, m2.parent_id, m3.parent_id), (g1, g1, g2))
        self.assertEqual((g1.child_ids, g2.child_ids), (m1 | m2, m3))
        self.assertFalse(g1.parent_id | g2.parent_id)
        with self.assertRaisesRegex(ValueError, r"row 0 names row 1, not a row of the model"):
            insert_rows(Device, [device("M9", "microinverter", Row(1)), device("G9", "gateway")])


class TestCreateInOneStatement(BaseCommon):
    """Onboarding's customers and service locations go through their
    create() with its INSERTs in one statement (`in_one_statement`): what
    is stored, the chatter and the followers are what the ORM's create()
    makes of the same values, 100 rows a statement."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env, login="one_statement_manager", groups="solar_om.group_solar_om_manager"
        )
        cls.owner = cls.env["res.partner"].create({"name": "Owner Ltd", "is_company": True})

    def customers(self, count, prefix):
        return [
            {
                "name": f"{prefix} {i}",
                "street": f"Lindenstraße {i}",
                "zip": "80331",
                "city": "Munich",
                "email": f"{prefix.lower()}{i}@example.com",
                "tz": "Europe/Berlin",
                "company_id": self.env.company.id,
            }
            for i in range(count)
        ]

    @classmethod
    def default_env_context(cls):
        # the chatter as a user gets it (BaseCommon's tests disable it)
        return {}

    def test_customers_and_locations_are_what_create_makes_of_them(self):
        Partner = self.env["res.partner"].with_user(self.manager).sudo()
        # more than the ORM's 100 rows a statement
        by_orm = Partner.create(self.customers(130, "Customer"))
        by_one = in_one_statement(Partner).create(self.customers(130, "Customer"))
        self.assertEqual(stored_rows(by_one), stored_rows(by_orm))
        one = stored_rows(by_one)[0]
        # (what is compared: a customer's own commercial partner, its
        # "created" note by the manager, the manager following it)
        self.assertEqual(one["commercial_partner_id"], "self")
        self.assertEqual(len(one["chatter"]), 1)
        self.assertEqual(one["followers"][0][0], self.manager.partner_id.id)

        # a service location and its contact, as the sites make them
        def locations(Contact, Location, customers):
            contacts = Contact.with_context(creating_fsm_location=True).create(
                [
                    {
                        "name": f"{c.name} home",
                        "parent_id": c.id,
                        "type": "fsm_location",
                        "fsm_location": True,
                        "city": "Munich",
                    }
                    for c in customers
                ]
            )
            return Location.with_context(tracking_disable=True).create(
                [{"partner_id": c.id, "owner_id": c.parent_id.id} for c in contacts]
            )

        Location = self.env["fsm.location"].with_user(self.manager).sudo()
        orm_locations = locations(Partner, Location, by_orm)
        one_locations = locations(in_one_statement(Partner), in_one_statement(Location), by_one)
        self.assertEqual(
            stored_rows(one_locations, "partner_id", "owner_id"),
            stored_rows(orm_locations, "partner_id", "owner_id"),
        )
        self.assertEqual(
            stored_rows(one_locations.partner_id, "parent_id", "commercial_partner_id"),
            stored_rows(orm_locations.partner_id, "parent_id", "commercial_partner_id"),
        )
        self.assertEqual(one_locations.owner_id, by_one)
        self.assertEqual(one_locations.partner_id.parent_id, by_one)
        self.assertEqual(one_locations.partner_id.commercial_partner_id, by_one)
        contact = one_locations[0].partner_id
        self.assertEqual(contact.complete_name, "Customer 0, Customer 0 home")
        self.assertEqual(one_locations[0].parent_path, f"{one_locations[0].id}/")


class TestSpreadsheetImport(BaseCommon):
    def test_a_bad_time_zone_row_is_refused_naming_row_and_column_the_others_imported(self):
        manager = new_test_user(
            self.env,
            login="import_manager",
            groups="solar_om.group_solar_om_manager,base.group_partner_manager",
        )
        csv = (
            "name,partner_id,vendor,vendor_site_ref,street,zip,city,country_id,tz,"
            "capacity_dc_kwp,array_ids/dc_kwp,array_ids/tilt,array_ids/azimuth\n"
            "Becker roof,Import Becker,solaredge,9100001,Lindenstraße 1,80331,Munich,Germany,"
            "Europe/Berlin,8.2,4.1,30,90\n"
            ",,,,,,,,,,4.1,30,270\n"
            "Mars roof,Import Mars,solaredge,9100002,Olympus 1,00000,Mars,Germany,"
            "Mars/Olympus,5,,,\n"
            "Keller roof,Import Keller,enphase,9100003,Hauptstraße 2,80333,Munich,Germany,"
            "Europe/Berlin,6.5,,,\n"
        )
        importer = (
            self.env["base_import.import"]
            .with_user(manager)
            .create(
                {
                    "res_model": "solar.site",
                    "file": base64.b64decode(base64.b64encode(csv.encode())),
                    "file_name": "sites.csv",
                    "file_type": "text/csv",
                }
            )
        )
        fields = csv.splitlines()[0].split(",")
        options = {
            "has_headers": True,
            "separator": ",",
            "quoting": '"',
            "encoding": "utf-8",
            "name_create_enabled_fields": {"partner_id": True},
            "import_set_empty_fields": [],
            "import_skip_records": [],
        }
        result = importer.with_context(lang="en_US").execute_import(fields, fields, options)
        errors = [m for m in result["messages"] if m["type"] == "error"]
        self.assertEqual(len(errors), 1, result["messages"])
        (error,) = errors
        # the file's row 4 (header row 1): data row 3
        self.assertEqual(error["rows"]["from"], 2)
        self.assertEqual(error.get("field"), "tz")
        self.assertIn("Mars/Olympus", error["message"])
        sites = self.env["solar.site"].search([("vendor_site_ref", "in", ["9100001", "9100003"])])
        self.assertEqual(len(sites), 2)
        becker = sites.filtered(lambda s: s.vendor_site_ref == "9100001")
        self.assertEqual(len(becker.array_ids), 2)
        # the roof follows the arrays imported: entered for Becker, unknown for Keller
        self.assertEqual(becker.roof_orientation, "arrays")
        keller = sites - becker
        self.assertEqual(keller.roof_orientation, "unknown")
        self.assertEqual(becker.partner_id.name, "Import Becker")
        self.assertFalse(self.env["solar.site"].search([("vendor_site_ref", "=", "9100002")]))

    def test_the_import_template_imports_as_offered(self):
        # the file the import screen offers, as a manager downloads and loads it
        manager = new_test_user(
            self.env,
            login="template_manager",
            groups="solar_om.group_solar_om_manager,base.group_partner_manager",
        )
        (template,) = self.env["solar.site"].get_import_templates()
        path = template["template"].removeprefix("/solar_om_monitoring/")
        from odoo.tools import file_open

        with file_open(f"solar_om_monitoring/{path}", "rb") as handle:
            content = handle.read()
        importer = (
            self.env["base_import.import"]
            .with_user(manager)
            .create(
                {
                    "res_model": "solar.site",
                    "file": content,
                    "file_name": "solar_site_import_template.csv",
                    "file_type": "text/csv",
                }
            )
        )
        fields = content.decode().splitlines()[0].split(",")
        options = {
            "has_headers": True,
            "separator": ",",
            "quoting": '"',
            "encoding": "utf-8",
            "name_create_enabled_fields": {"partner_id": True},
            "import_set_empty_fields": [],
            "import_skip_records": [],
        }
        result = importer.with_context(lang="en_US").execute_import(fields, fields, options)
        self.assertFalse([m for m in result["messages"] if m["type"] == "error"], result)
        sites = self.env["solar.site"].search(
            [("vendor_site_ref", "in", ["AZ12649A3DFF", "AZ12649A3E00"])]
        )
        self.assertEqual(sorted(sites.mapped("name")), ["Becker home", "Navarro home"])
        becker = sites.filtered(lambda s: s.name == "Becker home")
        self.assertEqual(sorted(becker.array_ids.mapped("azimuth")), [90, 270])
        self.assertEqual(becker.roof_orientation, "arrays")
        self.assertEqual((sites - becker).roof_orientation, "unknown")

    def test_the_import_template_is_offered_and_its_columns_are_fields(self):
        (template,) = self.env["solar.site"].get_import_templates()
        path = template["template"].removeprefix("/solar_om_monitoring/")
        from odoo.tools import file_open

        with file_open(f"solar_om_monitoring/{path}") as handle:
            header = handle.readline().strip().split(",")
        fields = self.env["solar.site"]._fields
        for column in header:
            self.assertIn(column.split("/")[0], fields, column)
            # a column the import can set (the roof orientation is computed
            # from the arrays: no column for it)
            self.assertFalse(fields[column.split("/")[0]].readonly, column)
