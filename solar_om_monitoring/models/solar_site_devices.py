# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A site's devices against each other (issue 26, item 2): each device's
energy of the day fetched at the day's close, stored per device, laid out in
the site's fixed device order for the day judge, and the devices a verdict
names down shown on the site form and in the ticket.

The daily close calls, for the sites whose local day `day` has ended:

1. ``sites._solar_fetch_device_energies(day, at)``: one call a site (two at
   APsystems), within the account's plan; stores the rows;
2. ``sites._solar_device_day_energies(day)``: site id -> Wh or None per
   device, in the order of ``sites._solar_devices_in_order()``, for
   ``DaySeries.device_energy_wh``;
3. after judging, ``sites._solar_record_device_verdicts(day, verdicts,
   usual_shares)``: marks the devices down and their usual share;
4. for a ticket, ``site._solar_devices_down_text(indices, day)`` names them
   (the monitoring ticket does it by itself, helpdesk_ticket_devices.py).
"""

import logging
import time
from collections import defaultdict
from datetime import date, datetime, timedelta, timezone

from odoo import fields, models
from odoo.tools import SQL

from solar_om_engine import devices as device_rules
from solar_om_engine import onboarding
from solar_om_engine.clients import costs as vendor_costs

from .health_run import sql_values

_logger = logging.getLogger(__name__)

# the devices whose energies are compared: those that make it
PRODUCING = ("inverter", "microinverter")
# what a device the vendor reports and the site lacks is recorded as
ADOPTED = {
    "enphase": ("microinverter", "Enphase"),
    "apsystems": ("microinverter", "APsystems"),
    "solaredge": ("inverter", "SolarEdge"),
}


class SolarSiteDevices(models.AbstractModel):
    _name = "solar.site.devices"
    _description = "Solar Site: Devices"

    solar_device_day = fields.Date(
        string="Devices' Day",
        compute="_compute_solar_device_energies",
        help="The last local day whose device energies were read.",
    )
    solar_device_energy_ids = fields.Many2many(
        "solar.device.energy",
        string="Devices That Day",
        compute="_compute_solar_device_energies",
    )
    solar_devices_down_count = fields.Integer(
        string="Devices Down", compute="_compute_solar_device_energies"
    )

    def _compute_solar_device_energies(self):
        """The rows of each site's last day with device energies: two
        queries for all the sites."""
        Energy = self.env["solar.device.energy"]
        last = {}
        if self.ids:
            self.env["solar.device.energy"].flush_model(["site_id", "day"])
            last = dict(
                self.env.execute_query(
                    SQL(
                        "SELECT site_id, max(day) FROM solar_device_energy"
                        " WHERE site_id = ANY(%s) GROUP BY site_id",
                        self.ids,
                    )
                )
            )
        rows = (
            Energy.search([("site_id", "in", list(last)), ("day", "in", list(set(last.values())))])
            if last
            else Energy
        )
        by_site = defaultdict(lambda: Energy)
        for row in rows:
            if last.get(row.site_id.id) == row.day:
                by_site[row.site_id.id] |= row
        for site in self:
            mine = by_site[site.id] if site.id in by_site else Energy
            site.solar_device_day = last.get(site.id, False)
            # the devices down first, then the site's order
            site.solar_device_energy_ids = mine.sorted(lambda r: (not r.down, r.position))
            site.solar_devices_down_count = len(mine.filtered("down"))

    # ------------------------------------------------ the order, the energies
    def _solar_devices_in_order(self):
        """Site id -> its producing devices in service that the vendor has
        named, in the fixed order the day judge compares them in (by serial,
        a replacement in the place of the device it replaced): one query
        for all the sites."""
        return self._solar_devices_ordered(named_only=True)

    def _solar_devices_ordered(self, named_only):
        ids = defaultdict(list)
        if self.ids:
            self._solar_flush_devices()
            for site_id, device_id in self.env.execute_query(
                SQL(
                    """
                    SELECT d.site_id, d.id FROM solar_device d
                    WHERE d.site_id = ANY(%s) AND d.state = 'in_service'
                        AND d.device_type IN %s AND (d.solar_vendor_named OR NOT %s)
                    ORDER BY d.site_id, d.solar_order_serial, d.id
                    """,
                    self.ids,
                    PRODUCING,
                    named_only,
                )
            ):
                ids[site_id].append(device_id)
        # one prefetch for all the sites' devices: reading them costs no query per site
        everyone = tuple(i for site_ids in ids.values() for i in site_ids)
        Device = self.env["solar.device"]
        return {site.id: Device.browse(ids[site.id]).with_prefetch(everyone) for site in self}

    def _solar_flush_devices(self):
        """Pending writes to the devices and their rows, before raw SQL."""
        self.env["solar.device"].flush_model(
            [
                "site_id",
                "state",
                "device_type",
                "serial_number",
                "solar_order_serial",
                "solar_vendor_named",
            ]
        )
        self.env["solar.device.energy"].flush_model()

    def _solar_device_day_energies(self, day):
        """Site id -> the Wh of each device on the site's local `day` (None:
        it did not report), in the order of `_solar_devices_in_order`, in
        one query. Sites whose devices cannot be compared that day (nothing
        read, or a device without a baseline yet) are left out."""
        if not self.ids:
            return {}
        self._solar_flush_devices()
        rows = self.env.execute_query(
            SQL(
                """
                SELECT d.site_id, e.state, e.energy_wh
                FROM solar_device d
                LEFT JOIN solar_device_energy e ON e.device_id = d.id AND e.day = %s
                WHERE d.site_id = ANY(%s) AND d.state = 'in_service'
                    AND d.device_type IN %s AND d.solar_vendor_named
                ORDER BY d.site_id, d.solar_order_serial, d.id
                """,
                day,
                self.ids,
                PRODUCING,
            )
        )
        entries = defaultdict(list)
        for site_id, state, energy in rows:
            entries[site_id].append(_entry(state, energy))
        out = {}
        for site_id, site_entries in entries.items():
            energies = device_rules.day_energies(site_entries)
            if energies is not None:
                out[site_id] = list(energies)
        return out

    def _solar_devices_down_text(self, indices, day=None):
        """The devices a verdict names down (`evidence["devices_down"]`:
        indices into `_solar_devices_in_order`), in words for a ticket: each
        one's kind, model and serial, and its energy of `day` when given."""
        self.ensure_one()
        ordered = self._solar_devices_in_order().get(self.id, self.env["solar.device"])
        if isinstance(day, str):
            day = date.fromisoformat(day)
        rows = {}
        if day:
            rows = {
                r.device_id.id: r
                for r in self.env["solar.device.energy"]
                .sudo()
                .search([("site_id", "=", self.id), ("day", "=", day)])
            }
        types = dict(ordered._fields["device_type"]._description_selection(self.env))
        names = []
        for index in indices:
            if not 0 <= index < len(ordered):
                continue
            device = ordered[index]
            label = (
                " ".join(p for p in (types.get(device.device_type), device.model_name) if p)
                + f" {device.serial_number}"
            )
            row = rows.get(device.id)
            if row and row.state == "measured":
                label += self.env._(" (%(kwh).2f kWh)", kwh=row.energy_wh / 1000)
            elif row:
                label += self.env._(" (did not report)")
            names.append(label)
        if not names:
            return ""
        return self.env._("Devices down: %(devices)s.", devices="; ".join(names))

    def _solar_record_device_verdicts(self, day, verdicts, usual_shares=None):
        """Mark, on the rows of `day`, the devices each site's verdict names
        down (`verdicts`: site id, or its str -> Verdict, or its evidence),
        and, where
        the close knows them (`usual_shares`: site id -> a share per device
        in order), the devices' usual shares: two UPDATEs in all."""
        # the engine keys sites by str(id)
        verdicts = {int(k): v for k, v in verdicts.items()}
        usual_shares = {int(k): v for k, v in (usual_shares or {}).items()}
        named = [
            site_id
            for site_id, verdict in verdicts.items()
            if (getattr(verdict, "evidence", verdict) or {}).get("devices_down")
        ]
        # the devices in order only where a verdict names some down or a
        # share is known (a day closed without devices reads none)
        ordered = (
            self.browse(named + list(usual_shares))._solar_devices_in_order()
            if named or usual_shares
            else {}
        )
        down_ids, usual = [], []
        for site_id, verdict in verdicts.items():
            evidence = getattr(verdict, "evidence", verdict) or {}
            devices = ordered.get(site_id, ())
            for index in evidence.get("devices_down") or ():
                if 0 <= index < len(devices):
                    down_ids.append(devices[index].id)
        for site_id, shares in usual_shares.items():
            devices = ordered.get(site_id, ())
            if shares and len(shares) == len(devices):
                usual += [(d.id, float(s)) for d, s in zip(devices, shares, strict=True)]
        sites = list(verdicts)
        if sites:
            self.env.cr.execute(
                SQL(
                    "UPDATE solar_device_energy SET down = (device_id = ANY(%s::int[]))"
                    " WHERE site_id = ANY(%s::int[]) AND day = %s",
                    down_ids,
                    sites,
                    day,
                )
            )
        if usual:
            self.env.cr.execute(
                SQL(
                    "UPDATE solar_device_energy AS e SET usual_share = v.share::float8"
                    " FROM (VALUES %s) AS v(device_id, share)"
                    " WHERE e.device_id = v.device_id::int AND e.day = %s",
                    sql_values(usual),
                    day,
                )
            )
        self.env["solar.device.energy"].invalidate_model(["down", "usual_share"])

    def _solar_plan_rows(self, account_ids):
        """What the accounts' polling plans are made of, in one query: rows
        (account id, rounded latitude, rounded longitude, vendor, devices
        compared up to 10, sites) of their watched sites (active, monitoring
        not stopped: a site the vendor deactivated is neither polled nor
        read), each site counted once."""
        if not account_ids:
            return []
        self._solar_flush_devices()
        self.flush_model(
            ["account_id", "vendor", "active", "latitude", "longitude", "monitoring_stopped"]
        )
        return self.env.execute_query(
            SQL(
                """
                SELECT account_id, lat, lon, vendor, LEAST(n, 10), count(*) FROM (
                    SELECT s.account_id, round(s.latitude) AS lat,
                        2 * round(s.longitude / 2) AS lon, s.vendor, count(d.id) AS n
                    FROM solar_site s
                    LEFT JOIN solar_device d ON d.site_id = s.id AND d.state = 'in_service'
                        AND d.device_type IN %s
                    WHERE s.account_id = ANY(%s) AND s.active
                        AND s.monitoring_stopped IS NOT TRUE
                    GROUP BY s.id
                ) AS t GROUP BY 1, 2, 3, 4, 5
                """,
                PRODUCING,
                list(account_ids),
            )
        )

    def _solar_device_pass_sites(self, account_ids, rows=None):
        """Account id -> how many of its watched sites are worth a daily
        device pass (`costs.device_pass_wanted`), for its plan, from
        `_solar_plan_rows` (read here when not given)."""
        out = defaultdict(int)
        for account_id, _lat, _lon, vendor, known, sites in (
            self._solar_plan_rows(account_ids) if rows is None else rows
        ):
            if vendor in vendor_costs.COSTS and vendor_costs.device_pass_wanted(vendor, known):
                out[account_id] += sites
        return out

    # ------------------------------------------------ fetching at the close
    def _solar_fetch_device_energies(self, day, at=None):
        """Each device's energy of the local `day`, read from the vendors at
        the day's close and stored: one call a site (APsystems: one more per
        extra ECU), per account, only for the sites worth it
        (`costs.device_pass_wanted`); a site whose monitoring was stopped is
        not read. Returns site id -> what went wrong for that site (one bad
        site never stops the others)."""
        at = at or datetime.now(timezone.utc)
        sites = self.sudo().filtered(
            lambda s: (
                s.account_id.active
                and not s.monitoring_stopped
                and s.vendor
                and s.vendor_site_ref
                and s.account_id.vendor == s.vendor
            )
        )
        known = sites._solar_devices_ordered(named_only=False)
        wanted = sites.filtered(
            lambda s: vendor_costs.device_pass_wanted(s.vendor, len(known[s.id]))
        )
        baselines = wanted._solar_device_baselines(day)
        errors, results = {}, {}
        for account in wanted.account_id:
            mine = wanted.filtered(lambda s, a=account: s.account_id == a)
            ledger = account._ledger()
            ledger.clock = _clock_from(at)
            spent_before = ledger.month_used
            refs = [account._site_ref(site._solar_device_row()) for site in mine]
            try:
                client = account._make_client(ledger)
            except ValueError as err:  # a bad base URL
                errors.update(dict.fromkeys(mine.ids, str(err)))
                continue
            result = client.device_day_energies(
                refs, day, at, {str(s.id): baselines.get(s.id, {}) for s in mine}
            )
            account._save_poll_state(ledger, spent_before, result.account_error, at)
            if result.account_error:
                _logger.warning("monitoring account %s: %s", account.id, result.account_error)
                errors.update(dict.fromkeys(mine.ids, f"{account.name}: {result.account_error}"))
            for key, message in result.site_errors.items():
                _logger.warning("site %s: %s", key, message)
                errors[int(key)] = message
            results.update({int(key): got for key, got in result.sites.items()})
        self.browse(list(results))._solar_store_device_days(day, results, at)
        return errors

    def _solar_device_row(self):
        """What `account._site_ref` reads of a site."""
        self.ensure_one()
        return {
            "id": self.id,
            "vendor_site_ref": self.vendor_site_ref,
            "latitude": self.latitude,
            "longitude": self.longitude,
            "tz": self.tz,
            "capacity_ac_kw": self.capacity_ac_kw,
            "capacity_dc_kwp": self.capacity_dc_kwp,
            "meter_expected": self.meter_expected,
            "connection": self.connection,
        }

    def _solar_device_baselines(self, day):
        """Site id -> serial -> each device's lifetime energy read at the
        previous day's close (what Enphase's day is the difference with)."""
        if not self.ids:
            return {}
        self._solar_flush_devices()
        rows = self.env.execute_query(
            SQL(
                """
                SELECT e.site_id, d.serial_number, e.lifetime_wh
                FROM solar_device_energy e JOIN solar_device d ON d.id = e.device_id
                WHERE e.site_id = ANY(%s) AND e.day = %s AND e.lifetime_wh IS NOT NULL
                """,
                self.ids,
                day - timedelta(days=1),
            )
        )
        out = defaultdict(dict)
        for site_id, serial, lifetime in rows:
            out[site_id][serial] = lifetime
        return out

    def _solar_store_device_days(self, day, results, at):
        """Lay each site's vendor days (`results`: site id -> SiteDeviceDay)
        on its devices, record a unit swapped in the field and add the
        devices the vendor reports and the site does not list yet, and store
        one row per device in one upsert: the devices the vendor named, and
        those it named before and not today (`missing`). A device it never
        named gets no row and is not compared."""
        ordered = self._solar_devices_ordered(named_only=False)
        adopt, swapped = [], []
        for site in self:
            got = results[site.id]
            devices = ordered[site.id]
            serials = devices.mapped("serial_number")
            kind, brand = ADOPTED[site.vendor]
            by_key = got.by_key()
            new = device_rules.unmatched(serials, by_key, channels=got.per_channel)
            if not new:
                continue
            # a device the vendor named before and not today, and one it names
            # for the first time: a unit swapped in the field, as the vendor's
            # device list tells one (onboarding.device_changes), so the old
            # unit is not read as dead beside its replacement
            laid = device_rules.for_devices(serials, by_key, channels=got.per_channel)
            gone = [
                onboarding.KnownDevice(d.serial_number, d.device_type)
                for d, entry in zip(devices, laid, strict=True)
                if entry is None and d.solar_vendor_named and d.device_type == kind
            ]
            listed = []
            for serial in new:
                info = by_key.get(serial)  # APsystems names a micro by its inputs
                listed.append(
                    onboarding.VendorDevice(kind, serial, brand, info and info.model or "")
                )
            changes = onboarding.device_changes(gone, listed)
            if changes.replaced:
                swapped.append((site, onboarding.DeviceChanges(replaced=changes.replaced)))
            for device in changes.added:
                adopt.append(
                    {
                        "site_id": site.id,
                        "device_type": kind,
                        "brand": brand,
                        "serial_number": device.serial,
                        "model_name": device.model or False,
                    }
                )
        for site, changes in swapped:
            # rare (a swap a site a year or so): the discovery's own path, its note
            site.account_id.sudo()._apply_device_changes(site, changes)
        if adopt:
            self._solar_adopt_devices(adopt)
        if adopt or swapped:
            ordered = self._solar_devices_ordered(named_only=False)
        rows, named = [], self.env["solar.device"]
        for site in self:
            got = results[site.id]
            devices = ordered[site.id]
            laid = device_rules.for_devices(
                devices.mapped("serial_number"), got.by_key(), channels=got.per_channel
            )
            kept = [(d, e) for d, e in zip(devices, laid, strict=True) if e or d.solar_vendor_named]
            for position, (device, entry) in enumerate(kept):
                rows.append(
                    (
                        device.id,
                        site.id,
                        site.company_id.id,
                        day,
                        entry.state.value if entry else "missing",
                        entry.energy_wh if entry else None,
                        entry.lifetime_wh if entry else None,
                        entry.vendor_status if entry else None,
                        position,
                    )
                )
                if entry:
                    named |= device
        named.filtered(lambda d: not d.solar_vendor_named).sudo().write(
            {"solar_vendor_named": True}
        )
        self.env["solar.device.energy"]._solar_upsert(rows, at)

    def _solar_adopt_devices(self, values):
        """Record the devices a vendor reports that their site does not list
        (one create). A serial already recorded for the brand elsewhere is
        left alone: a device moved between sites is a person's call."""
        Device = self.env["solar.device"].sudo()
        taken = {
            (d["brand"], d["serial_number"])
            for d in Device.with_context(active_test=False).search_read(
                [("serial_number", "in", [v["serial_number"] for v in values])],
                ["brand", "serial_number"],
            )
        }
        fresh = [v for v in values if (v["brand"], v["serial_number"]) not in taken]
        for v in values:
            if (v["brand"], v["serial_number"]) in taken:
                _logger.warning(
                    "site %s: %s %s is recorded at another site: not added",
                    v["site_id"],
                    v["brand"],
                    v["serial_number"],
                )
        if fresh:
            Device._solar_create_listed(fresh)


def _clock_from(at):
    """A quota ledger's clock for a pass at `at`: its months those of `at`,
    its minutes real (as the health check's run)."""
    base, started = at.timestamp(), time.monotonic()
    return lambda: base + time.monotonic() - started


def _entry(state, energy):
    """A stored row as the engine's DeviceDay (None: no row, or a device the
    vendor's answer did not name)."""
    if state is None or state == "missing":
        return None
    return device_rules.DeviceDay("", device_rules.DeviceState(state), energy)
