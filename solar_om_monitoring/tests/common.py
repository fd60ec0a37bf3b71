# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import datetime, timedelta, timezone

from odoo import Command
from odoo.tests import new_test_user

from odoo.addons.base.tests.common import BaseCommon

from solar_om_engine.readings import Array
from solar_om_engine.simulator import Simulator
from solar_om_engine.simulator.fleet import Fleet, SimSite, make_account

# Munich, 21 June 2026, 12:00 local: high sun
NOON = datetime(2026, 6, 21, 10, 0, tzinfo=timezone.utc)
MIDNIGHT = datetime(2026, 6, 21, 22, 0, tzinfo=timezone.utc)
STEP = timedelta(minutes=20)


def stored_rows(records, *apart):
    """Every stored column (and of a mail.thread, the chatter and the
    followers) of `records`, read back from the database (what two ways of
    creating the same records are compared on); a record naming itself
    written "self"; the fields `apart`
    (naming other records made for the comparison) and the moments of
    creation (the ORM's and the database's now) left out."""
    records.env.flush_all()
    records.env.invalidate_all()
    names = [
        f.name
        for f in records._fields.values()
        if f.store
        and f.name not in ("id", "message_ids", *apart)
        and f.type not in ("one2many", "binary", "datetime")
    ]
    rows = []
    for record in records:
        row = {}
        for name in names:
            value = record[name]
            if getattr(value, "_name", None) == record._name and value == record:
                value = "self"
            elif name == "parent_path":
                value = value.replace(str(record.id), "self")
            row[name] = value
        if "message_ids" in record._fields:
            row["chatter"] = [
                (m.message_type, m.subtype_id, m.author_id, str(m.body), m.create_uid)
                for m in record.message_ids
            ]
            row["followers"] = sorted(
                (f.partner_id.id, tuple(sorted(f.subtype_ids.ids)))
                for f in record.message_follower_ids
            )
        rows.append(row)
    return rows


class MonitoringCommon(BaseCommon):
    """A real simulator on 127.0.0.1 and Odoo sites that match its fleet:
    six SolarEdge sites around Munich (neighbours for each other) and three
    Enphase sites around Vienna."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        se, en = make_account("solaredge", 1), make_account("enphase", 1)
        sim_sites = [
            SimSite(
                f"SE{i}",
                "solaredge",
                se.key,
                f"Munich {i}",
                48.13 + i * 0.01,
                11.57 + i * 0.01,
                "Europe/Berlin",
                8000 + 500 * i,
                "Munich",
            )
            for i in range(6)
        ] + [
            SimSite(
                f"EN{i}",
                "enphase",
                en.key,
                f"Vienna {i}",
                48.2 + i * 0.01,
                16.37,
                "Europe/Vienna",
                7000,
                "Vienna",
            )
            for i in range(3)
        ]
        # SE2 is an east/west roof and SE3 faces west: healthy all the same
        sim_sites[2].arrays = (Array(4.5, 15.0, 90.0), Array(4.5, 15.0, 270.0))
        sim_sites[3].arrays = (Array(9.5, 35.0, 265.0),)
        cls.fleet = Fleet(sim_sites, [se, en], seed=5)
        cls.fleet.set_clock(NOON)
        cls.sim = Simulator(cls.fleet).start()
        cls.addClassCleanup(cls.sim.stop)

        cls.manager = new_test_user(
            cls.env,
            login="mon_manager",
            groups="solar_om.group_solar_om_manager,helpdesk_mgmt.group_helpdesk_manager",
        )
        cls.agent = new_test_user(
            cls.env,
            login="mon_agent",
            groups="solar_om.group_solar_om_user,helpdesk_mgmt.group_helpdesk_user",
        )
        cls.technician = new_test_user(
            cls.env,
            login="mon_tech",
            groups="solar_om.group_solar_om_technician",
        )
        Account = cls.env["solar.monitoring.account"]
        cls.se_account = Account.create(
            {
                "name": "SE test",
                "vendor": "solaredge",
                "quota_tier": "unlimited",
                "base_url": cls.sim.base_url("solaredge"),
                "api_key": se.api_key,
            }
        )
        cls.en_account = Account.create(
            {
                "name": "EN test",
                "vendor": "enphase",
                "quota_tier": "unlimited",
                "base_url": cls.sim.base_url("enphase"),
                "api_key": en.api_key,
                "client_id": f"{en.key}-client",
                "client_secret": en.secret,
                "access_token": en.access_token,
                "refresh_token": en.refresh_token,
            }
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "Maria Sonnenschein", "email": "maria@example.com"}
        )
        cls.project = cls.env["project.project"].create({"name": "Sonnenschein O&M"})
        accounts = {"solaredge": cls.se_account, "enphase": cls.en_account}
        cls.sites = cls.env["solar.site"].create(
            [
                {
                    "name": s.name,
                    "partner_id": cls.customer.id,
                    "project_id": cls.project.id,
                    "latitude": s.latitude,
                    "longitude": s.longitude,
                    "tz": s.timezone,
                    "capacity_dc_kwp": s.capacity_w / 1000,
                    "vendor": s.vendor,
                    "vendor_site_ref": s.ref,
                    "account_id": accounts[s.vendor].id,
                    "connection": "ethernet",
                    # the roofs the simulator's physics produces from
                    "array_ids": [
                        Command.create({"dc_kwp": a.dc_kwp, "tilt": a.tilt, "azimuth": a.azimuth})
                        for a in Fleet.roofs(s)
                    ],
                }
                for s in sim_sites
            ]
        )
        cls.site = cls.sites.filtered(lambda s: s.vendor_site_ref == "SE0")
        cls.env.ref("solar_om_monitoring.helpdesk_team_solar_service").user_ids |= cls.agent

    def setUp(self):
        super().setUp()
        self.fleet.set_clock(NOON)
        for ref in self.fleet.sites:
            self.fleet.inject(ref, None)
        for account in self.fleet.accounts.values():
            account.outage_since = None
            # the simulator outlives each test's rollback: give it back the
            # tokens the database holds again
            account.access_token = f"{account.key}-access"
            account.refresh_token = f"{account.key}-refresh"
        self.sim.api_faults.clear()

    def check(self, at=NOON, **kwargs):
        self.fleet.set_clock(at)
        kwargs.setdefault("accounts", self.se_account | self.en_account)
        return self.env["solar.health.check"].run(at=at, force=True, **kwargs)

    def faulty_ticket(self):
        """Site SE0 at zero production since before noon: its monitoring ticket."""
        self.fleet.inject("SE0", "zero_production", NOON - STEP)
        self.check(NOON)
        return self.tickets(self.site)

    def attach_photo(self, order, technician, name="array.jpg"):
        """The technician adds a photo to the order's Photos, from the phone."""
        photo = (
            self.env["ir.attachment"]
            .with_user(technician)
            .create(
                {
                    "name": name,
                    "raw": b"\xff\xd8\xff\xe0 a photo",
                    "mimetype": "image/jpeg",
                    "res_model": "fsm.order",
                    "res_id": order.id,
                }
            )
        )
        order.with_user(technician).solar_photo_ids = [Command.link(photo.id)]
        return photo

    def sign_off(self, order, technician, resolution="<p>Inverter restarted; producing.</p>"):
        """The technician completes the order: ticks its required checklist
        first when there is one (solar_om_cases gives site visits one, whose
        photo items need a photo on the order), writes the resolution."""
        order = order.with_user(technician)
        if "order_activity_ids" in order._fields:
            items = order.order_activity_ids.filtered("required")
            if any(items.mapped("solar_needs_photo")) and not order.solar_photo_ids:
                self.attach_photo(order, technician)
            items.action_done()
        order.resolution = resolution
        return order.action_complete()

    def tickets(self, site=None):
        domain = [("solar_monitoring", "=", True)]
        if site:
            domain.append(("solar_site_id", "=", site.id))
        return self.env["helpdesk.ticket"].search(domain)
