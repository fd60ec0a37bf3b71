# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict

from odoo import api, fields, models
from odoo.tools import SQL

from solar_om_engine import devices as device_rules

from .health_run import naive_utc, sql_values

# what a row says of the device that day; `missing` is the addon's own: a
# device of the site the vendor's answer did not name at all
DEVICE_STATES = [
    ("measured", "Measured"),
    ("silent", "Did Not Report"),
    ("no_baseline", "No Baseline Yet"),
    ("missing", "Not in the Vendor's Answer"),
]


class SolarDeviceEnergy(models.Model):
    """One device's energy of one local day, written in one upsert per
    close (`_solar_upsert`) from the vendor's per-device call
    (`solar_om_engine.clients.device_energy`). A device replaced keeps its
    rows; the one that takes its place starts its own."""

    _name = "solar.device.energy"
    _description = "Daily Energy of a Solar Device"
    _order = "day desc, site_id, position, id"
    _rec_name = "device_id"

    device_id = fields.Many2one(
        "solar.device", required=True, index=True, ondelete="cascade", readonly=True
    )
    site_id = fields.Many2one(
        "solar.site", required=True, index=True, ondelete="cascade", readonly=True
    )
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    day = fields.Date(required=True, readonly=True, help="The site's local date.")
    position = fields.Integer(
        readonly=True, help="The device's place among the site's devices that day (from 0)."
    )
    state = fields.Selection(DEVICE_STATES, required=True, readonly=True)
    energy_wh = fields.Float(string="Energy (Wh)", digits=(16, 1), readonly=True)
    energy_kwh = fields.Float(
        string="Energy (kWh)", digits=(16, 2), compute="_compute_energy_kwh", aggregator="sum"
    )
    lifetime_wh = fields.Float(
        string="Lifetime (Wh)",
        digits=(16, 0),
        readonly=True,
        help="The vendor's lifetime counter at the day's close (Enphase): the next day's "
        "energy is the difference.",
    )
    vendor_status = fields.Char(readonly=True)
    share = fields.Float(
        compute="_compute_share",
        help="The device's share of what the site's reporting devices made that day.",
    )
    summary = fields.Char(
        compute="_compute_share", help="The day's figures in one line (the card on a phone)."
    )
    usual_share = fields.Float(
        readonly=True,
        help="Its share on the site's recent good days, as the daily close learnt it "
        "(empty until it has).",
    )
    down = fields.Boolean(
        readonly=True, help="The day's verdict named this device down (String/MLPE Fault)."
    )
    device_type = fields.Selection(related="device_id.device_type")
    model_name = fields.Char(related="device_id.model_name")
    serial_number = fields.Char(related="device_id.serial_number")

    _device_day_uniq = models.Constraint(
        "unique(device_id, day)", "One energy row per device and day."
    )

    @api.depends("energy_wh", "state")
    def _compute_energy_kwh(self):
        for row in self:
            measured = row.state == "measured"
            row.energy_kwh = row.energy_wh / 1000 if measured else 0.0

    def _compute_share(self):
        """Each row's share among its site's rows of that day, as the engine
        computes it (`devices.shares`): one read for all the site-days."""
        keys = {(row.site_id.id, row.day) for row in self}
        if not keys:
            return
        siblings = self.search(
            [
                ("site_id", "in", list({k[0] for k in keys})),
                ("day", "in", list({k[1] for k in keys})),
            ]
        )
        groups = defaultdict(list)
        for row in siblings:
            if (row.site_id.id, row.day) in keys:
                groups[(row.site_id.id, row.day)].append(row)
        share_of = {}
        for rows in groups.values():
            energies = [r.energy_wh if r.state == "measured" else None for r in rows]
            for row, share in zip(rows, device_rules.shares(energies), strict=True):
                share_of[row.id] = share
        states = dict(self._fields["state"]._description_selection(self.env))
        for row in self:
            row.share = share_of.get(row.id) or 0.0
            if row.state != "measured":
                row.summary = states.get(row.state, "")
            elif row.usual_share:
                row.summary = self.env._(
                    "%(kwh).2f kWh, %(share)s%% of the site, usually %(usual)s%%",
                    kwh=row.energy_wh / 1000,
                    share=_percent(row.share),
                    usual=_percent(row.usual_share),
                )
            else:
                row.summary = self.env._(
                    "%(kwh).2f kWh, %(share)s%% of the site",
                    kwh=row.energy_wh / 1000,
                    share=_percent(row.share),
                )

    @api.model
    def _solar_upsert(self, rows, at):
        """Insert or update the day's rows in one statement. `rows`: (device
        id, site id, company id, day, state, energy Wh, lifetime Wh, vendor
        status, position). The verdict's marks (down, usual share) stay."""
        if not rows:
            return
        uid, now = self.env.uid, naive_utc(at)
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO solar_device_energy
                    (device_id, site_id, company_id, day, state, energy_wh, lifetime_wh,
                     vendor_status, position, down, create_uid, write_uid, create_date,
                     write_date)
                SELECT v.device_id::int, v.site_id::int, v.company_id::int, v.day::date,
                       v.state::varchar, v.energy::float8, v.lifetime::float8,
                       v.status::varchar, v.position::int, false, %s, %s, %s, %s
                FROM (VALUES %s)
                    AS v(device_id, site_id, company_id, day, state, energy, lifetime,
                         status, position)
                ON CONFLICT (device_id, day) DO UPDATE SET
                    site_id = EXCLUDED.site_id,
                    state = EXCLUDED.state,
                    energy_wh = EXCLUDED.energy_wh,
                    lifetime_wh = COALESCE(EXCLUDED.lifetime_wh, solar_device_energy.lifetime_wh),
                    vendor_status = EXCLUDED.vendor_status,
                    position = EXCLUDED.position,
                    write_date = EXCLUDED.write_date
                """,
                uid,
                uid,
                now,
                now,
                sql_values(rows),
            )
        )
        self.invalidate_model()


def _percent(share):
    """A share as the list's percentage widget shows it: 5.28, 5.1, 5."""
    return f"{share * 100:.2f}".rstrip("0").rstrip(".")
