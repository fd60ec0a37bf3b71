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
from solar_om_engine.faults import OpenFault
from solar_om_engine.orientation import inferred_roof
from solar_om_engine.replay import close_day
from solar_om_engine.series import SeriesError, parse_site

from .health_run import Evidence, sql_values

_logger = logging.getLogger(__name__)

# normal days before a day-judged fault closes (two normal days close it)
RECOVERY_DAYS = 2
# sites closed in one transaction (a linked neighbourhood stays whole)
PART_SIZE = 2000
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
        self.env.flush_all()
        self.env.cr.execute(SQL("SELECT pg_try_advisory_lock(%s)", lock))
        if not self.env.cr.fetchone()[0]:
            return 0
        try:
            places = {
                site_id: (lat, lon)
                for site_id, lat, lon in self.env.execute_query(
                    SQL(
                        """
                        SELECT s.id, s.latitude, s.longitude FROM solar_site s
                        WHERE %s AND s.tz = ANY(%s) AND NOT EXISTS (
                            SELECT 1 FROM solar_production_daily d
                            WHERE d.site_id = s.id AND d.day = %s AND d.day_closed_at IS NOT NULL)
                        """,
                        self._monitored_sql(accounts),
                        list(tzs),
                        day,
                    )
                )
            }
            if not places:
                return 0
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
        rows, stored, histories = self._read_part(site_ids, day)
        captures, unjudged, fetched = self._captures(rows, stored, day, run)
        specs, series = {}, {}
        energies, device_sites = self._device_energies(rows, day, run)
        for site_id, row in rows.items():
            if site_id in unjudged:
                continue
            key = str(site_id)
            try:
                spec = parse_site(self._spec_data(row, row["arrays"]))
                series[key] = to_day_series(spec, captures[site_id], energies.get(site_id))
                specs[key] = spec
            except (SeriesError, EngineError, ValueError, TypeError) as err:
                unjudged[site_id] = self.env._("not judged: %(why)s", why=str(err))
                _logger.warning("day close %s: site %s (%s): %s", day, site_id, row["name"], err)
        open_faults, signed_off = self._open_faults(site_ids)
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
        self._apply(rows, closed, open_faults, signed_off, day_rows, run)
        self._write_sites(specs, closed)
        # the devices' rows of the day: only sites that have some (one UPDATE
        # that would touch no row, and the read before it, are left out)
        Site.browse(sorted(device_sites))._solar_record_device_verdicts(
            day,
            {k: v for k, v in closed.verdicts.items() if int(k) in device_sites},
            {
                k: h.usual_shares()
                for k, h in closed.histories.items()
                if h.usual_shares() and int(k) in device_sites
            },
        )
        # the shown state of the sites with an open fault: none in a part
        # that had no open fault before the day and opened none (the read
        # would find no site to show)
        if open_faults or closed.actions.to_open:
            Site.browse(site_ids)._health_show_open_faults()
        run.stats["days_closed"] += count
        run.stats["days_unjudged"] += len(unjudged)
        for verdict in closed.verdicts.values():
            run.stats[f"day_{verdict.kind}"] += 1
        return count

    @api.model
    def _read_part(self, site_ids, day):
        """The part's sites (dicts of the check's fields, the vendor and the
        entered arrays), their stored series of `day` (site id -> (json,
        captured at)) and their histories (site id -> SiteHistory), in one
        query."""
        rows, stored, histories = {}, {}, {}
        for record in self.env.execute_query_dict(
            SQL(
                """
                SELECT s.id, s.name, s.vendor_site_ref, s.account_id, s.company_id, s.latitude,
                       s.longitude, s.tz, s.capacity_dc_kwp, s.capacity_ac_kw, s.connection,
                       s.meter_expected, s.vendor, s.day_history,
                       d.series_json, d.series_at,
                       EXISTS (SELECT 1 FROM solar_device_energy e
                               WHERE e.site_id = s.id AND e.day = %s) AS device_rows,
                       CASE WHEN s.roof_orientation = 'arrays' THEN (
                           SELECT json_agg(json_build_object(
                               'dc_kwp', a.dc_kwp, 'tilt', a.tilt, 'azimuth', a.azimuth)
                               ORDER BY a.sequence, a.id)
                           FROM solar_site_array a WHERE a.site_id = s.id) END AS arrays
                FROM solar_site s
                LEFT JOIN solar_production_daily d ON d.site_id = s.id AND d.day = %s
                WHERE s.id = ANY(%s)
                """,
                day,
                day,
                list(site_ids),
            )
        ):
            site_id = record["id"]
            at = record.pop("series_at")
            stored[site_id] = (
                record.pop("series_json"),
                at.replace(tzinfo=timezone.utc) if at else None,
            )
            data = record.pop("day_history")
            try:
                histories[site_id] = SiteHistory.from_json(data)
            except (ValueError, TypeError, KeyError, IndexError) as err:
                # a history of another shape starts afresh rather than stop the site
                _logger.warning("day close: site %s: history not read (%s): afresh", site_id, err)
                histories[site_id] = SiteHistory()
            record["capacity_ac_kw"] = record["capacity_ac_kw"] or 0.0
            record["arrays"] = record["arrays"] or []
            rows[site_id] = record
        return rows, stored, histories

    @api.model
    def _open_faults(self, site_ids):
        """The part's faults still open, as the engine's `OpenFault`s (the
        ticket where it is still open), and the ids of those whose ticket
        waits in Verifying: one query."""
        # the stage's id as ir.model.data caches it (env.ref would check that
        # it exists: a query a part)
        verifying = self.env["ir.model.data"]._xmlid_to_res_id(
            "solar_om_monitoring.helpdesk_ticket_stage_verifying", raise_if_not_found=True
        )
        faults, signed_off = [], set()
        for fault_id, site_id, kind, streak, ticket, closed, stage in self.env.execute_query(
            SQL(
                """
                SELECT f.id, f.site_id, f.kind, f.ok_streak, f.ticket_id, st.closed, t.stage_id
                FROM solar_fault f
                LEFT JOIN helpdesk_ticket t ON t.id = f.ticket_id
                LEFT JOIN helpdesk_ticket_stage st ON st.id = t.stage_id
                WHERE f.site_id = ANY(%s) AND f.state != 'closed'
                """,
                list(site_ids),
            )
        ):
            open_ticket = ticket if ticket and not closed else None
            faults.append(OpenFault(fault_id, str(site_id), kind, streak or 0, ticket=open_ticket))
            if open_ticket and stage == verifying:
                signed_off.add(fault_id)
        return faults, signed_off

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
    def _device_energies(self, rows, day, run):
        """Each site's devices' energy of the day (Wh, in the site's fixed
        device order), read now from the vendor for the accounts whose plan
        pays the daily device pass (`plan.devices_daily`), and the ids of
        the sites that may have device rows of the day (stored before the
        close, or read now): no query when no site has any."""
        sites = self.env["solar.site"].sudo().browse(list(rows))
        paid = [
            row["id"]
            for row in rows.values()
            if (plan := run.plans.get(row["account_id"])) is not None and plan.devices_daily
        ]
        for site_id, why in sites.browse(paid)._solar_fetch_device_energies(day, run.at).items():
            _logger.warning("day close %s: site %s: devices not read: %s", day, site_id, why)
        # a site without a device row of the day has no energies to compare
        with_rows = {row["id"] for row in rows.values() if row["device_rows"]} | set(paid)
        return sites.browse(sorted(with_rows))._solar_device_day_energies(day) or {}, with_rows

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
    def _apply(self, rows, closed, open_faults, signed_off, day_rows, run):
        """The day's fault and ticket actions, through the check's own code,
        and the day in the chatter of the sites' open monitoring tickets."""
        actions = closed.actions
        verdicts = {v.site: v for v in closed.acted}
        batch = [{"id": site_id, "company_id": row["company_id"]} for site_id, row in rows.items()]
        day_run = replace(run, recovery_checks=RECOVERY_DAYS)
        faults = self.env["solar.fault"].with_context(solar_day_close=True)
        evidence = Evidence(verdicts=verdicts, readings={}, errors={})
        faults._health_open_for_sites(actions.to_open, batch, evidence, day_run, actions)
        faults._health_touch(actions.still_present, actions.recovering, run.at)
        reopen = [f for f in actions.still_present if f in signed_off]
        run.stats["tickets_reopened"] += faults.browse(reopen)._reopen_signed_off(verdicts)
        # the open tickets: those of the faults open before the day (a
        # closing fault's ticket gets its last day too), and those just opened
        ongoing = {f.ticket: int(f.site) for f in open_faults if f.ticket}
        opened = {}
        if actions.to_open:
            for ticket, site in self.env.execute_query(
                SQL(
                    "SELECT ticket_id, site_id FROM solar_fault WHERE site_id = ANY(%s)"
                    " AND state != 'closed' AND ticket_id IS NOT NULL",
                    sorted({int(v.site) for v in actions.to_open}),
                )
            ):
                if ticket not in ongoing:
                    opened[ticket] = site
        today = {r["site_id"]: r for r in day_rows}
        self.env["helpdesk.ticket"]._solar_post_days(
            closed_day(day_rows), opened, ongoing, today, run.memo
        )
        closing = [f for f in open_faults if f.id in set(actions.to_close)]
        faults._health_close(actions.to_close, day_run)
        self._show_day_after_close([(int(f.site), f.kind) for f in closing], closed)
        run.stats["day_tickets_noted"] += len(opened) + len(ongoing)
        self.env["solar.fault"].invalidate_model()

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


def closed_day(day_rows):
    """The date of a part's day rows."""
    return day_rows[0]["day"] if day_rows else None


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
