# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The daily close: each site's local day judged once the sun has left it.

One pass of the health check's cron (`run(close_days=True)`) finds the
local dates that are over (`dayclosing`: the sites sharing a UTC offset on
a date close together, once the sun has set at every one of them) and
closes each such group, part by part (`dayclosing.parts`: a part never
separates two sites the day judge could compare), each part in one
transaction:

1. the part's sites, roofs, histories and stored day series: one query
   each; a series that does not hold the evening (a mid-afternoon reading)
   or was never in hand (Enphase) is asked once from the vendor
   (`client.day_series`, the calls the planner budgets);
2. the engine's `replay.close_day`, the one function the `days` command
   replays too: verdicts, the verdicts to act on, the fault and ticket
   actions, the histories after the day;
3. the actions applied through the check's own fault and ticket code
   (`solar.fault`, `helpdesk.ticket`), the day posted in the chatter of the
   sites' open monitoring tickets;
4. the day rows (verdict, made, due, share, hours) in one upsert that
   never closes a day twice, the histories and inferred roofs in one
   UPDATE, the sites' shown state (an open fault stays on screen).

A site whose data cannot be read (a bad series, a bad site) is named in the
log and on its day row, and the others are judged without it.
"""

import json
import logging
import zlib
from collections import defaultdict
from dataclasses import replace
from datetime import datetime, timezone

from odoo import api, models
from odoo.tools import SQL

from solar_om_engine import dayclosing
from solar_om_engine.capture import from_json, to_day_series
from solar_om_engine.dayhistory import SiteHistory
from solar_om_engine.errors import EngineError
from solar_om_engine.orientation import inferred_roof
from solar_om_engine.replay import close_day
from solar_om_engine.series import SeriesError, parse_site

from .health_run import Evidence, sql_values
from .solar_site_polling import CHECK_FIELDS

_logger = logging.getLogger(__name__)

# normal days before a day-judged fault closes (two normal days close it)
RECOVERY_DAYS = 2
# sites closed in one transaction (a linked neighbourhood stays whole)
PART_SIZE = 2000
# what the close reads of a site besides the check's fields
DAY_FIELDS = [*CHECK_FIELDS, "vendor", "roof_orientation"]
# the advisory locks of the daily close: this, plus a checksum of the group
LOCK_SPACE = 0x534F4C44 << 32


class SolarDayClose(models.AbstractModel):
    _name = "solar.day.close"
    _description = "Daily Close of the Sites' Days"

    # ------------------------------------------------------------ schedule
    @api.model
    def _close_due(self, accounts, run):
        """Close every local day of `accounts`' sites that is over at
        `run.at` and not closed yet, oldest first. Returns the days closed."""
        closed = 0
        for (day, _offset), tzs in self._due_groups(accounts, run.at):
            closed += self._close_group(accounts, day, tzs, run)
        return closed

    @api.model
    def _due_groups(self, accounts, at, days=None):
        """[((date, UTC offset), zones)] of the groups whose day is over at
        `at`, oldest first: of the days each zone may still have open, or
        of `days` (one query: the zones and 1-degree places of the sites)."""
        rows = self.env.execute_query(
            SQL(
                "SELECT tz, round(latitude::numeric)::float8, round(longitude::numeric)::float8"
                " FROM solar_site s WHERE %s GROUP BY 1, 2, 3",
                self._monitored_sql(accounts),
            )
        )
        places, zones = defaultdict(list), defaultdict(set)
        for tz, lat, lon in rows:
            for day in days if days is not None else dayclosing.days_to_close(tz, at):
                key = dayclosing.group_key(tz, day)
                places[key].append((lat, lon, tz))
                zones[key].add(tz)
        ready = [k for k in sorted(places) if dayclosing.group_ready(places[k], k[0], at)]
        return [(k, sorted(zones[k])) for k in ready]

    @api.model
    def _monitored_sql(self, accounts):
        """The sites (alias `s`) the monitoring watches among `accounts`':
        active, with a vendor id and coordinates."""
        return SQL(
            "s.active AND s.vendor_site_ref IS NOT NULL AND s.account_id = ANY(%s)"
            " AND s.latitude IS NOT NULL AND s.longitude IS NOT NULL"
            " AND NOT (s.latitude = 0 AND s.longitude = 0)",
            accounts.ids,
        )

    @api.model
    def _close_group(self, accounts, day, tzs, run):
        """Close `day` for the sites of `accounts` in zones `tzs` that have it
        open, part by part; another worker closing the same group is left
        to it (an advisory lock). Returns how many site-days were closed."""
        lock = LOCK_SPACE + zlib.crc32(f"{day}|{','.join(tzs)}".encode())
        self.env.cr.execute(SQL("SELECT pg_try_advisory_lock(%s)", lock))
        if not self.env.cr.fetchone()[0]:
            return 0
        try:
            ids = [
                r[0]
                for r in self.env.execute_query(
                    SQL(
                        """
                        SELECT s.id FROM solar_site s
                        WHERE %s AND s.tz = ANY(%s) AND NOT EXISTS (
                            SELECT 1 FROM solar_production_daily d
                            WHERE d.site_id = s.id AND d.day = %s AND d.day_closed_at IS NOT NULL)
                        ORDER BY s.id
                        """,
                        self._monitored_sql(accounts),
                        list(tzs),
                        day,
                    )
                )
            ]
            if not ids:
                return 0
            places = {
                r[0]: (r[1], r[2])
                for r in self.env.execute_query(
                    SQL("SELECT id, latitude, longitude FROM solar_site WHERE id = ANY(%s)", ids)
                )
            }
            closed = 0
            for part in dayclosing.parts(places, PART_SIZE):
                closed += self._close_part(part, day, run)
                if run.commit and self.env["ir.cron"]._commit_progress(len(part)) < 60:
                    break  # the cron is near its time limit: the next pass goes on
            return closed
        finally:
            self.env.cr.execute(SQL("SELECT pg_advisory_unlock(%s)", lock))

    # ------------------------------------------------------------ one part
    @api.model
    def _close_part(self, site_ids, day, run):
        """Judge `day` for the sites `site_ids` (one linked part of a group)
        and act on it. Returns how many site-days were closed."""
        Site = self.env["solar.site"].sudo()
        rows = {r["id"]: r for r in Site.browse(site_ids).read(DAY_FIELDS)}
        for row in rows.values():
            row["account_id"] = row["account_id"][0]
            row["company_id"] = row["company_id"][0]
        arrays = Site._health_arrays(site_ids)
        stored, histories = self._stored(site_ids, day)
        captures, unjudged, fetched = self._captures(rows, stored, day, run)
        specs, series = {}, {}
        energies = self._device_energies(site_ids, day)
        for site_id, row in rows.items():
            if site_id in unjudged:
                continue
            key = str(site_id)
            try:
                spec = parse_site(self._spec_data(row, arrays.get(site_id)))
                series[key] = to_day_series(spec, captures[site_id], energies.get(site_id))
                specs[key] = spec
            except (SeriesError, EngineError, ValueError, TypeError) as err:
                unjudged[site_id] = self.env._("not judged: %(why)s", why=str(err))
                _logger.warning("day close %s: site %s (%s): %s", day, site_id, row["name"], err)
        faults = self.env["solar.fault"]
        open_faults = faults._health_open_of_sites(site_ids)
        before = {f.ticket for f in open_faults if f.ticket}
        try:
            closed = close_day(
                specs,
                series,
                {k: histories.get(int(k), SiteHistory()) for k in specs},
                open_faults,
                recovery_days=RECOVERY_DAYS,
            )
        except Exception:  # noqa: BLE001 - one part must not stop the others
            _logger.exception(
                "day close %s: the day judge failed on %s sites (ids %s..%s); left open",
                day,
                len(specs),
                min(site_ids),
                max(site_ids),
            )
            run.stats["day_close_failed_parts"] += 1
            return 0
        day_rows = self._day_rows(rows, day, closed, unjudged, {i: captures[i] for i in fetched})
        count = self.env["solar.production.daily"]._day_write(day_rows, run.at)
        self._apply(rows, closed, before, day, run)
        self._write_sites(specs, closed)
        Site.browse(site_ids)._health_show_open_faults()
        run.stats["days_closed"] += count
        run.stats["days_unjudged"] += len(unjudged)
        for verdict in closed.verdicts.values():
            run.stats[f"day_{verdict.kind}"] += 1
        return count

    @api.model
    def _stored(self, site_ids, day):
        """The part's stored series of `day` (site id -> (json, captured at))
        and histories (site id -> SiteHistory): one query each."""
        stored = {
            site_id: (data, at.replace(tzinfo=timezone.utc) if at else None)
            for site_id, data, at in self.env.execute_query(
                SQL(
                    "SELECT site_id, series_json, series_at FROM solar_production_daily"
                    " WHERE site_id = ANY(%s) AND day = %s",
                    list(site_ids),
                    day,
                )
            )
        }
        histories = {}
        for site_id, data in self.env.execute_query(
            SQL("SELECT id, day_history FROM solar_site WHERE id = ANY(%s)", list(site_ids))
        ):
            try:
                histories[site_id] = SiteHistory.from_json(data)
            except (ValueError, TypeError, KeyError, IndexError) as err:
                # a history of another shape starts afresh rather than stop the site
                _logger.warning("day close: site %s: history not read (%s): afresh", site_id, err)
                histories[site_id] = SiteHistory()
        return stored, histories

    @api.model
    def _captures(self, rows, stored, day, run):
        """Each site's series of `day`: the stored one where it holds the
        evening, else asked once from the vendor. Returns (site id ->
        DayCapture, site id -> why not judged, site ids whose series was
        asked now)."""
        captures, unjudged, wanted = {}, {}, defaultdict(list)
        for site_id, row in rows.items():
            data, at = stored.get(site_id, (None, None))
            capture = from_json(str(site_id), day, data, at) if data else None
            covers = capture is not None and dayclosing.covers_day(
                at, row["latitude"], row["longitude"], row["tz"], day
            )
            if covers:
                captures[site_id] = capture
            else:
                wanted[row["account_id"]].append(row)
        fetched = set()
        accounts = self.env["solar.monitoring.account"].sudo().browse(list(wanted))
        for account in accounts:
            todo = wanted[account.id]
            plan = run.plans.get(account.id)
            pays = plan is not None and (
                plan.day_series_per_site_per_day or plan.liveness_reads_production
            )
            if not pays:
                why = self.env._(
                    "not judged: no series holding the evening, and the account's polling "
                    "plan pays for no day series (Solar O&M > Monitoring Accounts)"
                )
                unjudged.update(dict.fromkeys((r["id"] for r in todo), why))
                continue
            got, errors = self._fetch(account, todo, day, run)
            for row in todo:
                if row["id"] in got:
                    captures[row["id"]] = got[row["id"]]
                    fetched.add(row["id"])
                else:
                    why = errors.get(str(row["id"])) or self.env._("no series")
                    unjudged[row["id"]] = self.env._("not judged: %(why)s", why=why)
        return captures, unjudged, fetched

    @api.model
    def _fetch(self, account, rows, day, run):
        """The day's series of `rows` (sites of `account`) from the vendor,
        its calls spent from the account's quota ledger. Returns (site id ->
        DayCapture, site key -> why not)."""
        ledger = account._ledger()
        ledger.clock = run.clock
        spent_before = ledger.month_used
        refs = [account._site_ref(row) for row in rows]
        try:
            client = account._make_client(ledger)
        except ValueError as err:  # a bad base URL
            return {}, dict.fromkeys((ref.key for ref in refs), str(err))
        result = client.day_series(refs, day, run.at)
        account._save_poll_state(ledger, spent_before, result.account_error, run.at)
        run.stats["day_series_calls"] += result.calls
        errors = dict(result.site_errors)
        if result.account_error:
            _logger.warning("day close %s: account %s: %s", day, account.id, result.account_error)
            for ref in refs:
                if ref.key not in result.series:
                    errors.setdefault(ref.key, f"{account.name}: {result.account_error}")
        for key, message in result.site_errors.items():
            _logger.warning("day close %s: site %s: %s", day, key, message)
        return {int(k): c for k, c in result.series.items()}, errors

    @api.model
    def _device_energies(self, site_ids, day):
        """Each site's devices' energy of the day (Wh, a fixed order), where
        the devices' model gives them (solar.site._solar_device_day_energies)."""
        sites = self.env["solar.site"].sudo().browse(site_ids)
        if not hasattr(sites, "_solar_device_day_energies"):
            return {}
        return sites._solar_device_day_energies(day) or {}

    @api.model
    def _spec_data(self, row, arrays):
        """The site as the day judge's `parse_site` reads it."""
        return {
            "site": str(row["id"]),
            "account": str(row["account_id"]),
            "vendor": row["vendor"],
            "latitude": row["latitude"],
            "longitude": row["longitude"],
            "timezone": row["tz"],
            "capacity_w": (sum(a["dc_kwp"] for a in arrays) if arrays else row["capacity_dc_kwp"])
            * 1000,
            "arrays": arrays or None,
            "connection": row["connection"] or None,
        }

    # ------------------------------------------------------------ writing
    @api.model
    def _day_rows(self, rows, day, closed, unjudged, fetched):
        """The day rows to write: each judged site's verdict and figures,
        each unjudged site's reason, and the series asked at the close
        (`fetched`: site id -> DayCapture)."""
        out = []
        for site_id, row in rows.items():
            data = {"site_id": site_id, "company_id": row["company_id"], "day": day}
            if site_id in fetched:
                data["series"] = fetched[site_id].to_json()
                data["series_at"] = fetched[site_id].captured_at
            verdict = closed.verdicts.get(str(site_id))
            if verdict is None:
                data["reason"] = unjudged.get(site_id)
                out.append(data)
                continue
            facts = closed.facts[str(site_id)]
            ev = verdict.evidence
            level = ev.get("level") or 1.0
            made, due, share = _figures(ev)
            data.update(
                kind=verdict.kind,
                reason=verdict.reason,
                rule=ev.get("rule"),
                made_kwh=made / 1000,
                due_kwh=due / 1000 if due else None,
                share=share,
                model_ratio=ev.get("model_ratio"),
                level=level,
                hourly={
                    "made": [None if v is None else round(v) for v in facts.made_wh],
                    "due": [None if v is None else round(v * level) for v in facts.due_wh],
                },
            )
            out.append(data)
        return out

    @api.model
    def _apply(self, rows, closed, before, day, run):
        """The day's fault and ticket actions, through the check's own code,
        and the day in the chatter of the sites' open monitoring tickets."""
        actions = closed.actions
        verdicts = {v.site: v for v in closed.acted}
        batch = [{"id": site_id, "company_id": row["company_id"]} for site_id, row in rows.items()]
        day_run = replace(run, recovery_checks=RECOVERY_DAYS)
        faults = self.env["solar.fault"].with_context(
            solar_day_close=True, solar_devices_down=self._devices_down(closed.acted)
        )
        evidence = Evidence(verdicts=verdicts, readings={}, errors={})
        faults._health_open_for_sites(actions.to_open, batch, evidence, day_run, actions)
        faults._health_touch(actions.still_present, actions.recovering, run.at)
        run.stats["tickets_reopened"] += faults.browse(actions.still_present)._reopen_signed_off(
            verdicts
        )
        site_ids = [site_id for site_id in rows]
        now_open = (
            self.env["solar.fault"]
            .sudo()
            .search_read(
                [
                    ("site_id", "in", site_ids),
                    ("state", "!=", "closed"),
                    ("ticket_id", "!=", False),
                ],
                ["site_id", "ticket_id"],
            )
        )
        opened, ongoing = {}, {}
        for fault in now_open:
            ticket, site = fault["ticket_id"][0], fault["site_id"][0]
            (ongoing if ticket in before else opened)[ticket] = site
        self.env["helpdesk.ticket"]._solar_post_days(day, opened, ongoing)
        closing = self.env["solar.fault"].sudo().browse(actions.to_close)
        shown = [(f.site_id.id, f.kind) for f in closing if f.site_id]
        faults._health_close(actions.to_close, day_run)
        self._show_day_after_close(shown, closed)
        faults.invalidate_model()

    @api.model
    def _devices_down(self, verdicts):
        """Site id -> the names of the devices a String/MLPE day verdict
        found down, where the devices' order is known."""
        down = {
            int(v.site): v.evidence["devices_down"]
            for v in verdicts
            if v.evidence.get("devices_down")
        }
        sites = self.env["solar.site"].sudo().browse(list(down))
        if not down or not hasattr(sites, "_solar_devices_in_order"):
            return {}
        ordered = sites._solar_devices_in_order() or {}
        names = {}
        for site_id, indices in down.items():
            devices = ordered.get(site_id)
            if devices is None:
                continue
            names[site_id] = ", ".join(
                (devices[i].display_name or "")
                + (f" ({devices[i].serial})" if getattr(devices[i], "serial", False) else "")
                for i in indices
                if i < len(devices)
            )
        return names

    @api.model
    def _show_day_after_close(self, shown, closed):
        """A site that showed a fault the day judge just closed shows the
        day's verdict until the next check (one UPDATE)."""
        values = []
        for site_id, kind in shown:
            verdict = closed.verdicts.get(str(site_id))
            if verdict is not None:
                values.append((site_id, kind, verdict.kind, verdict.reason[:500]))
        if not values:
            return
        self.env.cr.execute(
            SQL(
                "UPDATE solar_site AS s SET health_state = v.state, health_reason = v.reason"
                " FROM (VALUES %s) AS v(id, closed_kind, state, reason)"
                " WHERE s.id = v.id AND s.health_state = v.closed_kind",
                sql_values(values),
            )
        )
        self.env["solar.site"].browse([v[0] for v in values])._health_written(
            ["health_state", "health_reason"]
        )

    @api.model
    def _write_sites(self, specs, closed):
        """Each judged site's history after the day and the roof inferred
        from it (where none was entered), in one UPDATE."""
        values = []
        for key, history in closed.histories.items():
            spec = specs[key]
            roof = () if spec.arrays else inferred_roof(history.roof, spec)
            best = history.roof.best() if roof else None
            values.append(
                (
                    int(key),
                    json.dumps(history.to_json()),
                    json.dumps(
                        [{"dc_kwp": a.dc_kwp, "tilt": a.tilt, "azimuth": a.azimuth} for a in roof]
                    )
                    if roof
                    else None,
                    best.describe() if best else None,
                    history.roof.clear_days,
                )
            )
        if not values:
            return
        self.env.cr.execute(
            SQL(
                "UPDATE solar_site AS s SET day_history = v.history::jsonb,"
                " roof_inferred = v.roof::jsonb, roof_inferred_text = v.text,"
                " roof_clear_days = v.clear::int"
                " FROM (VALUES %s) AS v(id, history, roof, text, clear) WHERE s.id = v.id",
                sql_values(values),
            )
        )
        self.env["solar.site"].browse([v[0] for v in values]).invalidate_recordset(
            ["day_history", "roof_inferred", "roof_inferred_text", "roof_clear_days"]
        )

    # ------------------------------------------------------------ the demo and tests
    @api.model
    def _replay_days(self, days, accounts=None, at=None, commit=False):
        """Close past local `days` (dates) for every site of `accounts`
        whose day is over at `at`, asking each site's day series from its
        vendor: how the demo seeds the days before its first check. Days
        closed already are left as they are. Returns the run's figures."""
        at = at or datetime.now(timezone.utc)
        accounts = accounts or self.env["solar.monitoring.account"].search([("active", "=", True)])
        run = self.env["solar.health.check"]._run_context(accounts, at, commit=commit)
        for (day, _offset), tzs in self._due_groups(accounts, at, sorted(days)):
            self._close_group(accounts, day, tzs, run)
        return dict(run.stats)


def _figures(evidence):
    """(made Wh, due Wh or None, share or None) of a day verdict, as the
    judge decided on them: where it compared energy, over the hours it
    compared (made is the share of due); else the day's energy."""
    due = evidence.get("due_wh")
    if evidence.get("ratio") is not None and due:
        return evidence["ratio"] * due, due, evidence["ratio"]
    made = evidence.get("made_wh") or 0.0
    if due:
        return made, due, made / due
    return made, None, None
