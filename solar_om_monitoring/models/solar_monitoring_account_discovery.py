# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Onboarding through an account: list the vendor's systems (the button and
the daily job), sort them against the sites, suggest each new one's
customer, create the accepted ones in one go, and keep them in sync
(deactivated systems stop their site's monitoring, a changed serial is a
replacement). The rules are `solar_om_engine.onboarding`; the budget is
`planner.discovery_plan`; the calls are the clients' discovery sections.

Database work is per account, in batches: one read of the account's sites,
one of the customers, one upsert of the listed systems; the new sites, their
devices and notes in set-based inserts (`bulk_insert.insert_rows`), their
customers and service locations through the ORM's create(); a query per
site happens only for a site that changed (stopped, resumed, a device
replaced)."""

import logging
from collections import Counter, defaultdict
from datetime import datetime, timezone

from markupsafe import Markup, escape

from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from solar_om_engine import onboarding, planner
from solar_om_engine.clients.discovery import discover, read_devices
from solar_om_engine.onboarding import SystemState

from .bulk_insert import Row, in_one_statement, insert_rows
from .health_run import naive_utc, sql_values

_logger = logging.getLogger(__name__)

# the vendor's words for a device kind, in solar.device's
DEVICE_KINDS = {
    "inverter": "inverter",
    "optimizer": "optimizer",
    "microinverter": "microinverter",
    "meter": "meter",
    "gateway": "gateway",
    "battery": "battery",
}
# what a listed system's row holds of the vendor's description
SYSTEM_COLUMNS = [
    "name",
    "capacity_kwp",
    "tz",
    "street",
    "street2",
    "zip",
    "city",
    "state_name",
    "country_code",
    "installation_date",
    "vendor_status",
    "vendor_reference",
    "vendor_email",
    "connection",
]


def _system_values(system):
    return {
        "name": system.name,
        "capacity_kwp": system.capacity_kwp or 0.0,
        "tz": system.timezone or False,
        "street": system.street or False,
        "street2": system.street2 or False,
        "zip": system.zip or False,
        "city": system.city or False,
        "state_name": system.state or False,
        "country_code": system.country or False,
        "installation_date": system.installation_date or False,
        "vendor_status": system.status or False,
        "vendor_reference": system.reference or False,
        "vendor_email": system.email or False,
        "connection": system.connection or False,
    }


# what a row holds of the engine's suggestion of its customer
SUGGESTION = [
    "suggested_partner_id",
    "partner_id",
    "match_rule",
    "match_reason",
    "match_rank",
    "create_partner",
]

# the group that holds an account's credentials and may list its systems
MANAGERS = "solar_om.group_solar_om_manager"


class SolarAccountDiscovery(models.AbstractModel):
    _name = "solar.account.discovery"
    _description = "Monitoring Account: Discovery"

    vendor_system_ids = fields.One2many("solar.vendor.system", "account_id")
    not_monitored_count = fields.Integer(
        string="Not Monitored Yet", compute="_compute_not_monitored_count"
    )
    discovery_enabled = fields.Boolean(
        string="Discover Daily",
        default=True,
        help="The daily job lists the account's systems: new ones go to Not Monitored Yet, "
        "deactivated ones stop their site's monitoring, changed serials become replacements.",
    )
    discovery_ids_text = fields.Text(
        string="System IDs",
        help="APsystems end-user accounts list no systems: paste their system ids here, "
        "one per line or separated by commas.",
    )
    last_discovery_at = fields.Datetime(readonly=True, copy=False)
    last_discovery_note = fields.Char(readonly=True, copy=False)

    @api.depends("vendor_system_ids.state")
    def _compute_not_monitored_count(self):
        counts = dict(
            self.env["solar.vendor.system"]._read_group(
                [("account_id", "in", self.ids), ("state", "in", ("new", "queued"))],
                ["account_id"],
                ["__count"],
            )
        )
        for account in self:
            account.not_monitored_count = counts.get(account, 0)

    # ------------------------------------------------------------ actions
    def action_discover(self):
        """List the account's systems now and show them in the wizard (O&M
        managers: it spends the account's quota with its credentials)."""
        self.ensure_one()
        if not self.env.su and not self.env.user.has_group(MANAGERS):
            raise AccessError(
                self.env._("Only O&M managers discover a monitoring account's sites.")
            )
        if not self._listable() and not self._pasted_ids():
            raise UserError(
                self.env._(
                    "Account %s: APsystems' end-user profile lists no systems. Paste the "
                    "system ids in System IDs (Onboarding), or import the sites from a "
                    "spreadsheet.",
                    self.name,
                )
            )
        summary = self._discover()
        if summary.get("error") and not summary.get("listed"):
            raise UserError(
                self.env._(
                    "Account %(account)s: the vendor's systems could not be listed: %(error)s",
                    account=self.name,
                    error=summary["error"],
                )
            )
        return self.env["solar.site.discover"].action_open(self, summary)

    def action_view_not_monitored(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "solar_om_monitoring.solar_vendor_system_action"
        )
        action["domain"] = [("account_id", "=", self.id)]
        action["context"] = {"search_default_not_monitored": 1, "create": False}
        return action

    @api.model
    def _cron_discover(self):
        """The daily job: every account that discovers daily, one after the
        other, each committed on its own (one account's failure never stops
        the others)."""
        accounts = self.search([("active", "=", True), ("discovery_enabled", "=", True)])
        for account in accounts:
            try:
                with self.env.cr.savepoint():
                    account._discover(daily=True)
            except Exception:  # noqa: BLE001 - the next account still runs
                _logger.exception("discovery of monitoring account %s failed", account.id)
            self.env["ir.cron"]._commit_progress(1)

    # ------------------------------------------------------------ discovery
    def _pasted_ids(self):
        text = (self.discovery_ids_text or "").replace(",", "\n").replace(";", "\n")
        return [line.strip() for line in text.splitlines() if line.strip()]

    def _listable(self):
        return not (self.vendor == "apsystems" and self.apsystems_profile == "user")

    def _discovery_plan_args(self, sites):
        """The daily discovery the health plan keeps calls for: the listing
        of the account's systems (its `sites`, or the pasted ids read one by
        one) and its share of device refreshes, when the account lists daily."""
        if not self.discovery_enabled:
            return {}
        listable = self._listable()
        return {
            "discovery_systems": sites if listable else len(self._pasted_ids()),
            "discovery_listable": listable,
        }

    def _device_pass_reserve(self, at):
        """Calls the health plan's daily device pass needs for the rest of
        the month: a discovery pass leaves them (`discovery_plan(reserved=)`)."""
        plan = self._health_plans(at).get(self.id)
        return plan.device_calls_per_day * plan.days_left if plan else 0

    def _discover(self, daily=False, at=None):
        """List the vendor's systems and bring `solar.vendor.system` up to
        date; with `daily`, also act on what changed (stop, resume, device
        refreshes, queued creations). Returns a summary dict."""
        self.ensure_one()
        # the caller said who may discover (`action_discover`: O&M managers;
        # the daily job: superuser): the account, its systems and its sites
        # are read and written as superuser, as its credentials are
        return self.sudo()._discover_listed(daily, at)

    def _discover_listed(self, daily, at):
        at = at or datetime.now(timezone.utc)
        ledger = self._ledger()
        spent_before = ledger.month_used
        pasted = None if self._listable() else self._pasted_ids()
        try:
            client = self._make_client(ledger)
        except ValueError as err:
            return self._discovery_failed(str(err), at)
        result = discover(client, pasted=pasted)
        self._save_discovery_quota(ledger, spent_before, at)
        if result.account_error:
            return self._discovery_failed(result.account_error, at, calls=result.calls)
        known = self._known_sites({s.vendor_ref for s in result.systems})
        found = onboarding.sort_systems(
            result.systems,
            {ref: row["monitoring_stopped"] for ref, row in known.items()},
            complete=result.complete,
        )
        new_refs = self._upsert_systems(result.systems, found, known, at)
        stopped = self._stop_monitoring(found, known)
        resumed = self._resume_monitoring(found, known)
        summary = {
            "listed": len(result.systems),
            "new": len(found.new),
            "new_since_last": len(new_refs),
            "known": len(found.known),
            "deactivated": len(found.deactivated),
            "stopped": len(stopped),
            "resumed": len(resumed),
            "gone": len(found.gone),
            "problems": result.problems,
            "calls": result.calls,
            "complete": result.complete,
        }
        if daily:
            summary.update(self._daily_sync(at))
            if new_refs:
                self.message_post(
                    body=self.env._(
                        "%(count)s new system(s) on the vendor's side, listed in "
                        "Not Monitored Yet: %(names)s",
                        count=len(new_refs),
                        names=", ".join(sorted(new_refs.values())[:20]),
                    )
                )
        note = self.env._(
            "%(listed)s systems listed (vendor calls: %(calls)s): %(new)s not monitored yet, "
            "%(known)s monitored, %(off)s deactivated",
            listed=summary["listed"],
            calls=summary["calls"],
            new=summary["new"],
            known=summary["known"],
            off=summary["deactivated"],
        )
        self.sudo().write({"last_discovery_at": naive_utc(at), "last_discovery_note": note})
        return summary

    def _discovery_failed(self, error, at, calls=0):
        note = self.env._("Discovery failed: %s", error)
        self.sudo().write({"last_discovery_at": naive_utc(at), "last_discovery_note": note[:250]})
        _logger.warning("monitoring account %s: %s", self.id, error)
        return {"error": error, "listed": 0, "calls": calls}

    def _save_discovery_quota(self, ledger, spent_before, at):
        """The calls spent, in the quota ledger the health check spends from
        (merged the same way: several workers may spend at once)."""
        self._save_poll_state(
            ledger,
            spent_before,
            self.last_error,
            at,
            extra={"last_check_at": self.last_check_at},
        )

    def _known_sites(self, refs):
        """Vendor id -> the site (id, stopped) that has it: this account's
        sites, and the company's sites of the same vendor with a listed id,
        archived ones included (the vendor id is theirs: unarchive the site
        rather than make a second one; one query)."""
        sites = (
            self.env["solar.site"]
            .sudo()
            .with_context(active_test=False)
            .search_read(
                [
                    ("company_id", "=", self.company_id.id),
                    ("vendor", "=", self.vendor),
                    ("vendor_site_ref", "!=", False),
                    "|",
                    ("account_id", "=", self.id),
                    ("vendor_site_ref", "in", list(refs)),
                ],
                ["vendor_site_ref", "monitoring_stopped", "active"],
            )
        )
        return {row["vendor_site_ref"]: row for row in sites}

    def _upsert_systems(self, systems, found, known, at):
        """One row per listed system, created or updated in two statements,
        each not monitored yet and without a chosen customer with the
        engine's suggestion (`_suggest_customers`); returns {vendor id:
        name} of the systems never seen before."""
        Systems = self.env["solar.vendor.system"].sudo()
        existing = {
            row["vendor_ref"]: row
            for row in Systems.search_read(
                [("account_id", "=", self.id)], ["vendor_ref", "state", "site_id", "partner_id"]
            )
        }
        state_of = {s.vendor_ref: SystemState.NEW.value for s in found.new}
        state_of |= {s.vendor_ref: SystemState.KNOWN.value for s in found.known}
        state_of |= {s.vendor_ref: SystemState.DEACTIVATED.value for s in found.deactivated}
        now = naive_utc(at)
        creates, updates, fresh, waiting = [], [], {}, {}
        for system in systems:
            values = _system_values(system)
            state = state_of[system.vendor_ref]
            site = known.get(system.vendor_ref)
            row = existing.get(system.vendor_ref)
            if row is None:
                fresh[system.vendor_ref] = system.name
                creates.append(
                    dict(
                        values,
                        account_id=self.id,
                        vendor_ref=system.vendor_ref,
                        state=state,
                        site_id=site["id"] if site else False,
                        first_seen_at=now,
                        last_seen_at=now,
                    )
                )
                continue
            if state == SystemState.NEW.value and row["state"] in ("queued", "ignored"):
                state = row["state"]  # the back office's decision stands
            if state == SystemState.NEW.value and not row["partner_id"]:
                waiting[row["id"]] = dict(values, account_id=self.id, vendor_ref=system.vendor_ref)
            updates.append(
                (
                    row["id"],
                    state,
                    site["id"] if site else None,
                    now,
                    *[values[c] if values[c] is not False else None for c in SYSTEM_COLUMNS],
                )
            )
        # the suggestions of the new rows in their INSERT, of the rows
        # waiting for a customer in one UPDATE (one read of the customers)
        suggestions = self._suggest_customers(
            [vals for vals in creates if vals["state"] == SystemState.NEW.value]
            + list(waiting.values())
        )
        if creates:
            insert_rows(
                Systems, [dict(vals, **suggestions.get(vals["vendor_ref"], {})) for vals in creates]
            )
        if updates:
            columns = ["id", "state", "site_id", "last_seen_at", *SYSTEM_COLUMNS]
            types = {
                "id": "int",
                "site_id": "int",
                "last_seen_at": "timestamp",
                "capacity_kwp": "numeric",
                "installation_date": "date",
            }
            assignments = SQL(", ").join(
                SQL(
                    "%s = v.%s%s",
                    SQL.identifier(c),
                    SQL.identifier(c),
                    SQL("::" + types[c]) if c in types else SQL(""),
                )
                for c in columns[1:]
            )
            self.env.cr.execute(
                SQL(
                    "UPDATE solar_vendor_system AS t SET %s FROM (VALUES %s) AS v(%s)"
                    " WHERE t.id = v.id::int",
                    assignments,
                    sql_values(updates),
                    SQL(", ").join(SQL.identifier(c) for c in columns),
                )
            )
        if waiting:
            rows = []
            for system_id, vals in waiting.items():
                suggestion = suggestions[vals["vendor_ref"]]
                rows.append(
                    (
                        system_id,
                        suggestion["partner_id"] or None,
                        suggestion["match_rule"],
                        suggestion["match_reason"],
                        suggestion["match_rank"],
                    )
                )
            self.env.cr.execute(
                SQL(
                    "UPDATE solar_vendor_system AS t SET suggested_partner_id = v.partner::int,"
                    " partner_id = v.partner::int, match_rule = v.rule, match_reason = v.reason,"
                    " match_rank = v.rank::int, create_partner = (v.partner IS NULL)"
                    " FROM (VALUES %s) AS v(id, partner, rule, reason, rank) WHERE t.id = v.id",
                    sql_values(rows),
                )
            )
        if updates or waiting:
            Systems.invalidate_model()
        self.invalidate_recordset(["not_monitored_count"])
        return fresh

    def _suggest_customers(self, vals_list):
        """vendor id -> the engine's suggestion of a customer for each
        system of `vals_list` (a listed system's row values), as the row's
        values (SUGGESTION): one read of the customers, one index."""
        if not vals_list:
            return {}
        Systems = self.env["solar.vendor.system"].sudo()
        todo = Systems.concat(*(Systems.new(vals) for vals in vals_list))
        partners = (
            self.env["res.partner"]
            .sudo()
            .search_read(
                # customers, not the service locations' own contacts (OCA
                # fieldservice names them after the site: "Huber home")
                [
                    ("company_id", "in", (False, self.company_id.id)),
                    ("type", "!=", "fsm_location"),
                    ("fsm_location", "=", False),
                ],
                ["name", "ref", "email", "street", "zip", "city"],
            )
        )
        candidates = [
            onboarding.Candidate(
                p["id"],
                p["name"] or "",
                p["ref"] or "",
                p["email"] or "",
                p["street"] or "",
                p["zip"] or "",
                p["city"] or "",
            )
            for p in partners
        ]
        matches = onboarding.match_customers([s._engine_system() for s in todo], candidates)
        rules = list(onboarding.MatchRule)
        return {
            ref: dict(
                zip(
                    SUGGESTION,
                    (
                        match.partner_id or False,
                        match.partner_id or False,
                        match.rule.value,
                        match.reason,
                        rules.index(match.rule),
                        match.partner_id is None,
                    ),
                    strict=True,
                )
            )
            for ref, match in matches.items()
        }

    def _stop_monitoring(self, found, known):
        """Sites whose system the vendor deactivated (or no longer lists):
        monitoring stops, with a note on the site."""
        refs = set(found.to_stop)
        sites = self.env["solar.site"].sudo().browse(known[r]["id"] for r in refs if r in known)
        if not sites:
            return sites
        gone = set(found.gone)
        status = {s.vendor_ref: s.status for s in found.deactivated}
        sites.write({"monitoring_stopped": True})
        for site in sites:
            why = (
                self.env._("the vendor no longer lists it on account %s", self.name)
                if site.vendor_site_ref in gone
                else self.env._(
                    "the vendor deactivated it (status %(status)s on account %(account)s)",
                    status=status.get(site.vendor_site_ref) or "?",
                    account=self.name,
                )
            )
            site.write({"monitoring_stopped_reason": why})
            site.message_post(
                body=self.env._(
                    "Monitoring stopped: %s. It resumes if the vendor lists it again.", why
                )
            )
        return sites

    def _resume_monitoring(self, found, known):
        sites = (
            self.env["solar.site"]
            .sudo()
            .browse(known[r]["id"] for r in found.to_resume if r in known)
        )
        if sites:
            sites.write({"monitoring_stopped": False, "monitoring_stopped_reason": False})
            for site in sites:
                site.message_post(
                    body=self.env._(
                        "Monitoring resumed: the vendor lists the system as active again."
                    )
                )
        return sites

    # ------------------------------------------------------------ daily sync
    def _daily_sync(self, at):
        """Within the plan: create what is waiting for quota, then refresh
        the devices of the sites synced longest ago."""
        queued = (
            self.env["solar.vendor.system"]
            .sudo()
            .search([("account_id", "=", self.id), ("state", "=", "queued")])
        )
        created = self._onboard_create(queued, at=at)["created"] if queued else 0
        sites = (
            self.env["solar.site"]
            .sudo()
            .search(
                [
                    ("account_id", "=", self.id),
                    ("vendor_site_ref", "!=", False),
                    ("monitoring_stopped", "=", False),
                ],
                order="devices_synced_at asc nulls first, id",
            )
        )
        ledger = self._ledger()
        plan = planner.discovery_plan(
            self.vendor,
            ledger.tier,
            0,
            0,
            ledger.month_used,
            days_left=planner.month_daylight(None, at)[2],
            known=len(sites),
            list_done=True,
            reserved=self._device_pass_reserve(at),
        )
        replaced = self._refresh_devices(sites[: plan.refresh_now], at) if plan.refresh_now else 0
        return {"created_from_queue": created, "refreshed": plan.refresh_now, "replaced": replaced}

    def _refresh_devices(self, sites, at):
        """Read these sites' devices and record what changed: a serial
        replaced is a replacement in the device's history (the existing
        `solar.device.replace_with`) with a line on the site; a new device
        is added. Returns the count of replacements."""
        ledger = self._ledger()
        spent_before = ledger.month_used
        client = self._make_client(ledger)
        result = read_devices(client, sites.mapped("vendor_site_ref"))
        self._save_discovery_quota(ledger, spent_before, at)
        by_ref = {s.vendor_site_ref: s for s in sites}
        Device = self.env["solar.device"].sudo()
        in_service = Device.search_read(
            [("site_id", "in", sites.ids), ("state", "=", "in_service")],
            ["site_id", "serial_number", "device_type", "parent_id"],
        )
        serial_of = {d["id"]: d["serial_number"] for d in in_service}
        ours = defaultdict(list)
        for d in in_service:
            parent = d["parent_id"][0] if d["parent_id"] else None
            ours[d["site_id"][0]].append(
                onboarding.KnownDevice(
                    d["serial_number"], d["device_type"], serial_of.get(parent, "")
                )
            )
        count, synced = 0, []
        for ref, devices in result.devices.items():
            site = by_ref[ref]
            synced.append(site.id)
            changes = onboarding.device_changes(ours.get(site.id, []), devices)
            if changes:
                count += self._apply_device_changes(site, changes)
        if synced:
            self.env.cr.execute(
                SQL(
                    "UPDATE solar_site SET devices_synced_at = %s WHERE id = ANY(%s)",
                    naive_utc(at),
                    synced,
                )
            )
            self.env["solar.site"].browse(synced).invalidate_recordset(["devices_synced_at"])
        return count

    def _apply_device_changes(self, site, changes):
        Device = self.env["solar.device"].sudo()
        current = {
            d.serial_number: d
            for d in Device.search([("site_id", "=", site.id), ("state", "=", "in_service")])
        }
        today = fields.Date.context_today(self)
        lines = []
        for old_serial, new in changes.replaced:
            old = current.get(old_serial)
            if not old:
                continue
            old.replace_with(new.serial, model_name=new.model or None, date=today)
            lines.append(
                self.env._(
                    "%(type)s %(old)s replaced by %(new)s (seen on the vendor's device list)",
                    type=dict(Device._fields["device_type"].selection).get(old.device_type),
                    old=old_serial,
                    new=new.serial,
                )
            )
        if changes.added:
            parents = {d.serial_number: d.id for d in current.values()}
            Device._solar_create_listed(
                [self._device_values(site, d, parents) for d in changes.added]
            )
            lines.append(
                self.env._(
                    "New on the vendor's device list: %s",
                    ", ".join(d.serial for d in changes.added),
                )
            )
        if changes.removed:
            lines.append(
                self.env._(
                    "No longer on the vendor's device list (kept in service here): %s",
                    ", ".join(changes.removed),
                )
            )
        if lines:
            site.message_post(body=Markup("<br/>").join(escape(line) for line in lines))
        return len(changes.replaced)

    @api.model
    def _device_values(self, site, device, parents):
        return {
            "site_id": site.id,
            "device_type": DEVICE_KINDS.get(device.kind, "inverter"),
            "brand": device.brand,
            "model_name": device.model or False,
            "serial_number": device.serial,
            "firmware": device.firmware or False,
            "parent_id": parents.get(device.parent_serial, False),
            "install_date": site.install_date or False,
        }

    # ------------------------------------------------------------ creating sites
    def _onboard_create(self, systems, at=None):
        """Create the sites of `systems` (vendor systems with a customer
        chosen or to be created) in one go, within the plan: what the plan
        cannot pay now waits (state Waiting for Quota) for the daily job.
        Returns {created, queued, failed, no_coordinates, sites}."""
        # who may create sites may onboard them (the records below are
        # written as superuser: vendor rows, customers named after systems)
        self.env["solar.site"].check_access("create")
        total = {
            "created": 0,
            "queued": 0,
            "failed": 0,
            "no_coordinates": 0,
        }
        sites = self.env["solar.site"]
        for account in systems.account_id:
            # (checked above: the rest is written as superuser)
            result = account.sudo()._onboard_create_one(
                systems.filtered(lambda s, a=account: s.account_id == a).sudo(), at
            )
            for key in total:
                total[key] += result.get(key, 0)
            sites |= result["sites"].with_env(self.env)
        total["sites"] = sites
        return total

    def _onboard_create_one(self, systems, at=None):
        self.ensure_one()
        at = at or datetime.now(timezone.utc)
        empty = {"created": 0, "queued": 0, "failed": 0, "no_coordinates": 0}
        systems = systems.filtered(
            lambda s: s.state in ("new", "queued") and (s.partner_id or s.create_partner)
        )
        if not systems:
            return dict(empty, sites=self.env["solar.site"])
        # a site may have appeared since the list was read: never twice
        taken = self._known_sites(set(systems.mapped("vendor_ref")))
        systems = systems.filtered(lambda s: s.vendor_ref not in taken)
        ledger = self._ledger()
        plan = planner.discovery_plan(
            self.vendor,
            ledger.tier,
            0,
            len(systems),
            ledger.month_used,
            days_left=planner.month_daylight(None, at)[2],
            list_done=True,
            reserved=self._device_pass_reserve(at),
        )
        now_systems, later = systems[: plan.create_now], systems[plan.create_now :]
        if later:
            later.write({"state": "queued", "problem": plan.note})
        spent_before = ledger.month_used
        client = self._make_client(ledger)
        devices = read_devices(
            client, now_systems.mapped("vendor_ref"), with_size=self.vendor == "enphase"
        )
        self._save_discovery_quota(ledger, spent_before, at)
        if devices.account_error:
            # what was read is created; the rest waits for the next pass
            unread = now_systems.filtered(lambda s: s.vendor_ref not in devices.devices)
            unread.write({"state": "queued", "problem": devices.account_error[:250]})
            now_systems -= unread
        result = self._create_sites(now_systems, devices, at)
        result["queued"] = len(systems) - len(now_systems)
        return result

    def _create_sites(self, systems, devices, at):
        """The sites, their devices, customers, places and chatter, each in
        one batch."""
        Site = self.env["solar.site"]
        result = {"created": 0, "queued": 0, "failed": 0, "no_coordinates": 0, "sites": Site}
        failed = []
        for system in systems.filtered(lambda s: s.vendor_ref in devices.errors):
            failed.append((system.id, devices.errors[system.vendor_ref][:250]))
        systems = systems.filtered(lambda s: s.vendor_ref not in devices.errors)
        countries, states = self._onboard_places(systems)
        # the user and the superuser (whose contact a new customer's "shared"
        # flag is compared with) in one read; the chosen customers, the
        # company's contact and the user's (the author of the notes) in
        # another: their time zones, what their locations' contacts and the
        # notes read of them
        self.env["res.users"].browse([self.env.uid, SUPERUSER_ID]).fetch()
        company_partner = self.company_id.partner_id
        (company_partner | self.env.user.partner_id | systems.partner_id).fetch()
        partners = self._onboard_partners(systems, countries, states)
        company_tz = company_partner.tz or self.env.user.tz or "UTC"
        plans, todo = {}, self.env["solar.vendor.system"]
        for system in systems:
            partner = partners[system.id]
            try:
                plans[system.id] = onboarding.site_plan(
                    system._engine_system(),
                    partner.tz or company_tz,
                    devices.capacity_kwp.get(system.vendor_ref),
                )
            except onboarding.OnboardingError as err:
                failed.append((system.id, str(err)[:250]))
                continue
            todo |= system
        coordinates = self._onboard_geolocate(todo, plans, countries, states)
        places = self._onboard_service(todo, partners, countries, states)
        # the site's default level, read once for the batch (the levels are
        # every company's: no record rule)
        level = self.env["solar.contract.level"].sudo().search([], limit=1)
        vals_list = []
        for system in todo:
            plan = plans[system.id]
            lat, lon = coordinates.get(system.id) or (False, False)
            team, territory, project = places[system.id]
            vals_list.append(
                {
                    "name": plan.name,
                    "partner_id": partners[system.id].id,
                    "company_id": self.company_id.id,
                    "vendor": self.vendor,
                    "vendor_site_ref": system.vendor_ref,
                    "account_id": self.id,
                    "capacity_dc_kwp": plan.capacity_kwp,
                    "tz": plan.timezone,
                    "install_date": plan.installation_date or False,
                    "street": system.street or False,
                    "street2": system.street2 or False,
                    "zip": system.zip or False,
                    "city": system.city or False,
                    "country_id": countries.get(system.id, False),
                    "state_id": states.get(system.id, False),
                    "latitude": lat,
                    "longitude": lon,
                    "connection": system.connection
                    if system.connection in ("ethernet", "wifi", "cellular")
                    else False,
                    "fsm_team_id": team or False,
                    "territory_id": territory or False,
                    "project_id": project or False,
                    "devices_synced_at": naive_utc(at),
                    "contract_level_id": level.id,
                }
            )
        # one set-based insert (a site's create() adds its service location,
        # made first here for the batch, and checks the time zone, checked
        # here; no "created" note or tracking: the note below tells the story)
        for vals in vals_list:
            Site._check_timezone_value(vals)
        # the service locations: OCA fieldservice's create() (its contacts and
        # their chatter are its own), in the no-chatter context of the sites,
        # from the sites' values (`_fsm_location_values` of the site to be)
        quiet = Site.sudo().with_context(
            tracking_disable=True, mail_create_nolog=True, mail_notrack=True
        )
        locations = quiet._solar_create_fsm_locations(
            [quiet.new(vals)._fsm_location_values() for vals in vals_list]
        )
        for vals, location in zip(vals_list, locations, strict=True):
            vals["fsm_location_id"] = location.id
        sites = insert_rows(Site.sudo(), vals_list)
        self._onboard_devices(sites, devices)
        # the notes, worded while the systems are in the cache
        bodies = {
            site.id: self.env._(
                "Created from the %(vendor)s account %(account)s (system %(ref)s); "
                "customer: %(why)s.",
                vendor=dict(self._fields["vendor"].selection)[self.vendor],
                account=self.name,
                ref=system.vendor_ref,
                why=system.match_reason
                if system.partner_id and system.partner_id == system.suggested_partner_id
                else self.env._("chosen by %s", self.env.user.name),
            )
            for site, system in zip(sites, todo, strict=True)
        }
        if todo:
            rows = [(s.id, site.id) for s, site in zip(todo, sites, strict=True)]
            self.env.cr.execute(
                SQL(
                    "UPDATE solar_vendor_system AS t SET state = 'known', site_id = v.site::int,"
                    " problem = NULL, partner_id = v.partner::int, create_partner = FALSE"
                    " FROM (VALUES %s) AS v(id, site, partner) WHERE t.id = v.id",
                    sql_values(
                        [
                            (sid, site_id, sites.browse(site_id).partner_id.id)
                            for sid, site_id in rows
                        ]
                    ),
                )
            )
        if failed:
            self.env.cr.execute(
                SQL(
                    "UPDATE solar_vendor_system AS t SET problem = v.problem"
                    " FROM (VALUES %s) AS v(id, problem) WHERE t.id = v.id",
                    sql_values(failed),
                )
            )
        self.env["solar.vendor.system"].invalidate_model()
        self.invalidate_recordset(["not_monitored_count"])
        if sites:
            # Odoo's batch of log notes, inserted in one statement
            # (solar.site._message_create)
            sites.with_context(solar_set_based_notes=True)._message_log_batch(bodies)
        no_coordinates = len(todo) - len(coordinates)
        result.update(
            created=len(sites), failed=len(failed), no_coordinates=no_coordinates, sites=sites
        )
        return result

    def _onboard_partners(self, systems, countries, states):
        """vendor system id -> its customer: the one chosen, or a new one
        named after the system where the back office asked for it (all
        created in one batch, through the ORM: a customer's chatter and
        followers are its create()'s). `countries` and `states`: the
        systems' places (`_onboard_places`)."""
        Partner = self.env["res.partner"].sudo()
        chosen = {s.id: Partner.browse(s.partner_id.id) for s in systems if s.partner_id}
        new = systems.filtered(lambda s: not s.partner_id)
        # their create() as it is (chatter, follower, contact sync), its
        # INSERTs in one statement each, not one per 100 rows
        created = in_one_statement(Partner).create(
            [
                {
                    "name": s.name,
                    "street": s.street or False,
                    "zip": s.zip or False,
                    "city": s.city or False,
                    "country_id": countries.get(s.id, False),
                    "state_id": states.get(s.id, False),
                    "email": s.vendor_email or False,
                    "tz": s.tz or False,
                    "company_id": self.company_id.id,
                }
                for s in new
            ]
        )
        chosen.update(dict(zip(new.ids, Partner.browse(created.ids), strict=True)))
        return chosen

    def _onboard_places(self, systems):
        """vendor system id -> res.country id and res.country.state id, from
        the vendor's code or name (two queries for any number of systems)."""
        codes = {(s.country_code or "").strip() for s in systems} - {""}
        if not codes:
            return {}, {}
        Country = self.env["res.country"].sudo()
        by_key = {}
        # every country, once (about 250 rows): codes and names the vendors use
        for country in Country.search_fetch([("code", "!=", False)], ["code", "name"]):
            by_key[country.code.upper()] = country.id
            by_key[(country.name or "").upper()] = country.id
        countries = {
            s.id: by_key.get((s.country_code or "").strip().upper())
            for s in systems
            if by_key.get((s.country_code or "").strip().upper())
        }
        states = {}
        names = {(s.state_name or "").strip().upper() for s in systems} - {""}
        if names and countries:
            state_key = {}
            for state in (
                self.env["res.country.state"]
                .sudo()
                .search_fetch(
                    [("country_id", "in", list(set(countries.values())))],
                    ["country_id", "code", "name"],
                )
            ):
                state_key[(state.country_id.id, state.code.upper())] = state.id
                state_key[(state.country_id.id, state.name.upper())] = state.id
            for s in systems:
                key = (countries.get(s.id), (s.state_name or "").strip().upper())
                if key in state_key:
                    states[s.id] = state_key[key]
        return countries, states

    def _onboard_geolocate(self, systems, plans, countries, states):
        """vendor system id -> (latitude, longitude): the vendor's where it
        gave them, else the address through Odoo's geocoder (base_geolocalize,
        its provider set in Settings). A system it cannot place gets none:
        its site is created all the same and listed under No Coordinates."""
        found, todo = {}, []
        country_names = dict(
            (c.id, c.name) for c in self.env["res.country"].browse(set(countries.values()))
        )
        state_names = dict(
            (s.id, s.name) for s in self.env["res.country.state"].browse(set(states.values()))
        )
        for system in systems:
            plan = plans[system.id]
            if plan.latitude is not None:
                found[system.id] = (plan.latitude, plan.longitude)
            elif system.street or system.city or system.zip:
                todo.append(
                    (
                        system.id,
                        {
                            "street": system.street,
                            "zip": system.zip,
                            "city": system.city,
                            "state": state_names.get(states.get(system.id)),
                            "country": country_names.get(countries.get(system.id)),
                        },
                    )
                )
        points = self.env["base.geocoder"]._solar_geocode([address for _id, address in todo])
        for (system_id, _address), point in zip(todo, points, strict=True):
            if point:
                found[system_id] = point
        return found

    def _onboard_service(self, systems, partners, countries, states):
        """vendor system id -> (team, territory, project): the territory
        serving the address, the team most of its sites have, the
        customer's installation project (three queries)."""
        territories = [
            onboarding.Territory(
                t["id"],
                frozenset((z or "").replace(" ", "").upper() for z in (t.get("zip_codes") or [])),
                frozenset(t.get("state_ids") or ()),
                frozenset(t.get("country_ids") or ()),
            )
            for t in self._territory_rows()
        ]
        teams = defaultdict(Counter)
        for row in (
            self.env["solar.site"]
            .sudo()
            ._read_group(
                [("territory_id", "!=", False), ("fsm_team_id", "!=", False)],
                ["territory_id", "fsm_team_id"],
                ["__count"],
            )
        ):
            teams[row[0].id][row[1].id] += row[2]
        partner_ids = list({p.id for p in partners.values()})
        projects = [
            onboarding.ProjectCandidate(p["id"], p["name"], p["partner_id"][0])
            for p in self.env["project.project"]
            .sudo()
            .search_read([("partner_id", "in", partner_ids)], ["name", "partner_id"])
        ]
        places = {}
        for system in systems:
            territory = onboarding.pick_territory(
                system.zip or "", states.get(system.id), countries.get(system.id), territories
            )
            partner = partners[system.id]
            places[system.id] = (
                onboarding.pick_team(territory, teams),
                territory,
                onboarding.pick_project(system._engine_system(), partner.id, projects),
            )
        return places

    def _territory_rows(self):
        """Territories with the postcodes (OCA base_territory's `zip_codes`,
        comma separated) and countries they serve."""
        # every territory (a company has a handful), read once per batch
        rows = (
            self.env["res.territory"]
            .sudo()
            .search_read([("name", "!=", False)], ["zip_codes", "country_ids"])
        )
        for row in rows:
            row["zip_codes"] = [
                z.strip()
                for z in (row["zip_codes"] or "").replace(";", ",").split(",")
                if z.strip()
            ]
        return rows

    def _onboard_devices(self, sites, devices):
        """Each new site's devices, with their serials: gateways and
        inverters first, then what hangs off them (one set-based insert)."""
        Device = self.env["solar.device"].sudo()
        firsts, seconds = [], []
        for site in sites:
            for device in devices.devices.get(site.vendor_site_ref, []):
                (seconds if device.parent_serial else firsts).append((site, device))
        # the parents first, each child naming its parent's row (`Row`)
        position = {(s.id, d.serial): index for index, (s, d) in enumerate(firsts)}
        Device._solar_create_listed(
            [self._device_values(s, d, {}) for s, d in firsts]
            + [
                self._device_values(s, d, {d.parent_serial: Row(position[s.id, d.parent_serial])})
                if (s.id, d.parent_serial) in position
                else self._device_values(s, d, {})
                for s, d in seconds
            ]
        )
