# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
from collections import defaultdict
from datetime import datetime, timedelta, timezone

from psycopg2.errors import SerializationFailure

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from solar_om_engine import planner, quota
from solar_om_engine.clients import CLIENTS, SiteRef
from solar_om_engine.readings import ReadingError, parse_reading

from .health_run import naive_utc

_logger = logging.getLogger(__name__)

MANAGERS = "solar_om.group_solar_om_manager"
TIERS = [
    ("free", "SolarEdge: Free (2,000/month)"),
    ("watt", "Enphase: Watt (1,000/month)"),
    ("kilowatt", "Enphase: Kilowatt (50,000/month)"),
    ("megawatt", "Enphase: Megawatt (300,000/month)"),
    ("partner", "Enphase: Partner (1.5 M/month)"),
    ("lv0", "APsystems: Lv0 (1,000/month)"),
    ("lv1", "APsystems: Lv1 (100,000/month)"),
    ("lv2", "APsystems: Lv2 (500,000/month)"),
    ("lv3", "APsystems: Lv3 (1 M/month)"),
    ("unlimited", "Simulator: unlimited"),
]
DEFAULT_TIER = {"solaredge": "free", "enphase": "watt", "apsystems": "lv0"}


class SolarMonitoringAccount(models.Model):
    """A login to one vendor's monitoring cloud, and its quota.

    Credentials are fields of the manager group only: agents and
    technicians can neither read nor write them, and they never reach logs,
    chatter or exception texts (the engine's clients redact them).
    """

    _name = "solar.monitoring.account"
    _description = "Monitoring Account"
    _inherit = ["mail.thread"]
    _order = "vendor, name"

    name = fields.Char(required=True, tracking=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    vendor = fields.Selection(
        [("solaredge", "SolarEdge"), ("enphase", "Enphase"), ("apsystems", "APsystems")],
        required=True,
        tracking=True,
    )
    base_url = fields.Char(
        string="API URL",
        help="Leave empty for the vendor's own API. For the simulator: "
        "http://127.0.0.1:8765/solaredge/v2, /enphase or /apsystems.",
    )
    quota_tier = fields.Selection(TIERS, required=True, tracking=True)
    # --- credentials: managers only
    api_key = fields.Char(
        string="API Key / App Id",
        groups=MANAGERS,
        copy=False,
        help="SolarEdge X-API-Key, Enphase application key, APsystems App Id.",
    )
    account_key = fields.Char(string="SolarEdge Account Key", groups=MANAGERS, copy=False)
    client_id = fields.Char(string="OAuth Client Id", groups=MANAGERS, copy=False)
    client_secret = fields.Char(
        string="OAuth Client Secret / App Secret", groups=MANAGERS, copy=False
    )
    access_token = fields.Char(groups=MANAGERS, copy=False)
    refresh_token = fields.Char(groups=MANAGERS, copy=False)
    token_refreshed_at = fields.Datetime(readonly=True, copy=False)
    apsystems_profile = fields.Selection(
        [("user", "End user"), ("installer", "Installer")], default="installer"
    )
    # --- state the health check keeps
    quota_state = fields.Json(readonly=True, copy=False)
    last_check_at = fields.Datetime(readonly=True, copy=False)
    last_error = fields.Char(readonly=True, copy=False)
    site_ids = fields.One2many("solar.site", "account_id", string="Sites")
    site_count = fields.Integer(compute="_compute_site_count")
    # --- the planner, per account
    calls_this_month = fields.Integer(compute="_compute_plan")
    quota_headroom = fields.Integer(
        compute="_compute_plan", help="Calls left this month before the plan's limit."
    )
    check_interval_minutes = fields.Float(
        compute="_compute_plan", help="How often the whole account can be checked in daylight."
    )
    worst_case_detect_minutes = fields.Float(
        string="Worst-case Time to Detect (min)",
        compute="_compute_plan",
        help="Staleness limit plus one check interval: the longest a comms loss "
        "can go unnoticed in daylight.",
    )
    plan_note = fields.Char(compute="_compute_plan")
    plan_cadence = fields.Char(string="Reporting checks", compute="_compute_plan")
    plan_production = fields.Char(string="Production judgments", compute="_compute_plan")
    plan_detect = fields.Char(string="A silent site is seen", compute="_compute_plan")
    plan_usage = fields.Char(string="Calls this month", compute="_compute_plan")
    # --- a blind account: nothing of it can be read (an incident, not site faults)
    manager_id = fields.Many2one(
        "res.users",
        string="O&M Manager",
        tracking=True,
        help="Gets the incident ticket when this account's sites are not being watched.",
    )
    blind_reason = fields.Selection(
        [(b.value, words) for b, words in planner.BLINDNESS_WORDS.items()],
        string="Not Watched Because",
        readonly=True,
        copy=False,
    )
    blind_since = fields.Datetime(string="Not Watched Since", readonly=True, copy=False)
    last_liveness_at = fields.Datetime(
        string="Last Reporting Check",
        readonly=True,
        copy=False,
        help="When the health check last asked the vendor which sites still report.",
    )
    failing_since = fields.Datetime(
        readonly=True,
        copy=False,
        help="First of the polls in a row that could not reach the vendor.",
    )

    @api.onchange("vendor")
    def _onchange_vendor(self):
        if self.vendor and not self.quota_tier:
            self.quota_tier = DEFAULT_TIER[self.vendor]

    @api.constrains("vendor", "quota_tier")
    def _check_tier(self):
        for account in self:
            try:
                quota.tier_for(account.vendor, account.quota_tier)
            except ValueError as err:
                raise ValidationError(
                    self.env._("Account %(name)s: %(error)s", name=account.name, error=err)
                ) from err

    def _compute_site_count(self):
        counts = dict(
            self.env["solar.site"]._read_group(
                [("account_id", "in", self.ids)], ["account_id"], ["__count"]
            )
        )
        for account in self:
            account.site_count = counts.get(account, 0)

    @api.depends("quota_state", "quota_tier", "site_ids")
    def _compute_plan(self):
        now = datetime.now(timezone.utc)
        plans = self._health_plans(now)
        for account in self:
            ledger = account._ledger()
            plan = plans.get(account.id)
            if plan is None:  # a new account, vendor or plan not chosen yet
                account.calls_this_month = account.quota_headroom = 0
                account.check_interval_minutes = account.worst_case_detect_minutes = 0
                account.plan_note = account.plan_cadence = account.plan_production = False
                account.plan_detect = account.plan_usage = False
                continue
            words = planner.describe(plan)
            account.calls_this_month = ledger.month_used
            account.quota_headroom = ledger.month_remaining()
            account.check_interval_minutes = plan.liveness_every_min
            account.worst_case_detect_minutes = plan.worst_case_comms_detect_min
            account.plan_note = plan.note
            account.plan_cadence = words["cadence"]
            account.plan_production = words["production"]
            account.plan_detect = words["detect"]
            account.plan_usage = words["usage"]

    def _health_plans(self, at, ledgers=None):
        """Each account's polling plan for the rest of `at`'s month, from its
        sites' places (one query for all the accounts) and what its ledger
        has spent."""
        cells = defaultdict(list)
        if self.ids:
            self.env.cr.execute(
                SQL(
                    "SELECT DISTINCT account_id, round(latitude), 2 * round(longitude / 2)"
                    " FROM solar_site WHERE account_id = ANY(%s) AND active"
                    " AND latitude IS NOT NULL AND longitude IS NOT NULL",
                    self.ids,
                )
            )
            for account_id, lat, lon in self.env.cr.fetchall():
                cells[account_id].append((float(lat), float(lon)))
        plans = {}
        for account in self:
            ledger = (ledgers or {}).get(account.id) or account._ledger()
            if not account.vendor or not account.quota_tier:
                continue
            plans[account.id] = planner.make_plan(
                account.vendor,
                account._tier(),
                account.site_count,
                at,
                locations=cells.get(account.id) or None,
                month_used=ledger.month_used if ledger.month == at.strftime("%Y-%m") else 0,
            )
        return plans

    # ------------------------------------------------------------ engine glue
    def _tier(self):
        self.ensure_one()
        return quota.tier_for(self.vendor, self.quota_tier)

    def _ledger(self):
        self.ensure_one()
        return quota.QuotaLedger.from_dict(self.vendor, self._tier(), self.quota_state)

    def _make_client(self, ledger):
        """The engine client with this account's credentials (read as sudo:
        the cron and a manager's "Check now" both need them, nobody sees them)."""
        self.ensure_one()
        secret = self.sudo()
        base_url = self.base_url or None
        if self.vendor == "solaredge":
            return CLIENTS["solaredge"](
                base_url, ledger, api_key=secret.api_key or "", account_key=secret.account_key or ""
            )
        if self.vendor == "enphase":
            return CLIENTS["enphase"](
                base_url,
                ledger,
                api_key=secret.api_key or "",
                client_id=secret.client_id or "",
                client_secret=secret.client_secret or "",
                access_token=secret.access_token or "",
                refresh_token=secret.refresh_token or "",
                on_tokens=self._save_rotated_tokens,
            )
        return CLIENTS["apsystems"](
            base_url,
            ledger,
            app_id=secret.api_key or "",
            app_secret=secret.client_secret or "",
            profile=self.apsystems_profile or "installer",
        )

    def _save_rotated_tokens(self, tokens):
        """Enphase rotates the refresh token on every refresh: the old one is
        dead the moment the new one is issued. Both are written in one
        UPDATE; in the cron, on a cursor of their own that commits at once,
        so neither a crash later in the check nor a rollback can lose the
        only valid refresh token."""
        self.ensure_one()
        values = {
            "access_token": tokens["access_token"],
            "refresh_token": tokens["refresh_token"],
            "token_refreshed_at": fields.Datetime.now(),
        }
        if not self.env.context.get("solar_om_commit"):
            self.sudo().write(values)
        else:
            with self.env.registry.cursor() as cr:
                cr.execute(
                    "SELECT id FROM solar_monitoring_account WHERE id = %s FOR NO KEY UPDATE",
                    [self.id],
                )
                self.env(cr=cr, su=True)[self._name].browse(self.id).write(values)
            self.invalidate_recordset(list(values))
        _logger.info("monitoring account %s: OAuth tokens refreshed", self.id)

    # ------------------------------------------------------------ health check
    def _health_poll(self, rows, run):
        """Readings of the lit sites `rows` (dicts of the site's check
        fields), per-site errors, and the keys of the sites left for the
        next run because this run's share of the minute quota is spent."""
        by_account = defaultdict(list)
        for row in rows:
            by_account[row["account_id"]].append(row)
        readings, errors, deferred = [], {}, set()
        for account in self:
            todo = by_account.get(account.id, [])
            if not todo:
                continue
            ledger = account._ledger()
            ledger.clock = run.clock  # months and blocks follow the instant judged
            spent_before = ledger.month_used
            share = quota.sites_per_run(ledger.tier, account.vendor)
            for row in todo[share:]:
                deferred.add(str(row["id"]))
            refs = [account._site_ref(row) for row in todo[:share]]
            try:
                client = account._make_client(ledger)
            except ValueError as err:  # a bad base URL
                result_error, result = str(err), None
            else:
                result = client.poll(refs, run.at)
                result_error = result.account_error
            if result_error:
                kind = (result.account_error_kind or "transient") if result else "transient"
            elif refs and not result.readings and len(result.site_errors) == len(refs):
                kind = "transient"  # every site failed on its own: the vendor is unreachable
            else:
                kind = ""
            run.account_errors[account.id] = kind
            account._save_poll_state(ledger, spent_before, result_error, run.at)
            if result is None or result_error:
                _logger.warning("monitoring account %s: %s", account.id, result_error)
                # sites read before the account stopped (a 429 mid-poll) were read
                read = {r.site for r in result.readings} if result else set()
                for ref in refs:
                    if ref.key not in read:
                        errors[ref.key] = f"{account.name}: {result_error}"
                if result is None:
                    continue
            readings.extend(result.readings)
            errors.update(result.site_errors)
            for key, message in result.site_errors.items():
                _logger.warning("site %s: %s", key, message)
            run.stats["api_calls"] += result.calls
            run.stats["sites_polled"] += len(refs)
        run.stats["sites_deferred"] += len(deferred)
        return readings, errors, deferred

    def _health_claim_liveness(self, plan, run):
        """Claim this account's liveness pass: of several workers, the one
        whose UPDATE moves `last_liveness_at` runs it (committed at once in
        the cron, so the others see it)."""
        self.ensure_one()
        due_before = (
            run.at - timedelta(minutes=max(plan.liveness_every_min, 0)) + timedelta(seconds=30)
        )
        claim = SQL(
            "UPDATE solar_monitoring_account SET last_liveness_at = %s WHERE id = %s"
            " AND (last_liveness_at IS NULL OR last_liveness_at <= %s) RETURNING id",
            run.naive_at,
            self.id,
            naive_utc(due_before),
        )
        if not self.env.context.get("solar_om_commit"):
            self.env.cr.execute(claim)
            won = bool(self.env.cr.fetchall())
        else:
            try:
                with self.env.registry.cursor() as cr:
                    cr.execute(claim)
                    won = bool(cr.fetchall())
            except SerializationFailure:
                won = False
        self.invalidate_recordset(["last_liveness_at"])
        return won

    def _health_liveness(self, rows, run):
        """One liveness pass over this account's lit sites `rows`: the
        cheapest call that says when each last reported. Returns readings
        holding freshness and vendor status only, and per-site errors."""
        self.ensure_one()
        ledger = self._ledger()
        ledger.clock = run.clock
        spent_before = ledger.month_used
        refs = [self._site_ref(row) for row in rows]
        key_of = {ref.vendor_ref: ref for ref in refs}
        readings, errors = [], {}
        try:
            client = self._make_client(ledger)
        except ValueError as err:  # a bad base URL
            result, error, kind = None, str(err), "transient"
        else:
            result = client.liveness(refs, run.at)
            error, kind = result.account_error, result.account_error_kind
        if error:
            kind = kind or "transient"
            _logger.warning("monitoring account %s: %s", self.id, error)
            errors = {ref.key: f"{self.name}: {error}" for ref in refs}
        else:
            for vendor_ref, message in result.site_errors.items():
                if vendor_ref in key_of:
                    errors[key_of[vendor_ref].key] = message
            for vendor_ref, seen in result.sites.items():
                ref = key_of.get(vendor_ref)
                if ref is None:
                    continue
                try:
                    readings.append(
                        parse_reading(
                            {
                                "site": ref.key,
                                "account": ref.account,
                                "vendor": self.vendor,
                                "latitude": ref.latitude,
                                "longitude": ref.longitude,
                                "timezone": ref.timezone,
                                "capacity_w": ref.capacity_w,
                                "connection": ref.connection,
                                "meter_expected": ref.meter_expected,
                                "last_report_at": seen.last_report_at.isoformat()
                                if seen.last_report_at
                                else None,
                                "vendor_status": seen.vendor_status,
                            }
                        )
                    )
                except ReadingError as err:
                    errors[ref.key] = str(err)
        run.account_errors[self.id] = kind or ""
        run.stats["liveness_passes"] += 1
        run.stats["liveness_calls"] += result.calls if result else 0
        self._save_poll_state(ledger, spent_before, error, run.at)
        return readings, errors

    def _health_watch(self, run):
        """After a run: an account nothing could be read of (quota spent,
        credentials refused, API retired, vendor unreachable for longer than
        its plan's liveness window) is blind. It gets one incident ticket for
        its O&M manager and its sites show "not watched"; the incident closes
        by itself once a poll works again."""
        faults = self.env["solar.fault"].sudo()
        for account in self:
            ledger = account._ledger()
            ledger.clock = run.clock
            kind = run.account_errors.get(account.id)
            if kind is None:
                # not polled this run (night, nothing due): only a spent month is news
                if ledger.month_remaining() > 0:
                    continue
                kind = "quota_month"
            values = {}
            if kind in ("transient", "quota_minute"):
                if not account.failing_since:
                    values["failing_since"] = run.naive_at
            elif account.failing_since:
                values["failing_since"] = False
            failing_since = values.get("failing_since", account.failing_since)
            since = failing_since and failing_since.replace(tzinfo=timezone.utc)
            plan = run.plans.get(account.id)
            blind = planner.blindness(
                "transient" if kind == "quota_minute" else kind, since or None, run.at, plan
            )
            if blind and account.blind_reason != blind.value:
                values.update(blind_reason=blind.value, blind_since=run.naive_at)
                if not account.blind_reason:
                    run.stats["accounts_blinded"] += 1
            elif not blind and kind == "" and account.blind_reason:
                values.update(blind_reason=False, blind_since=False)
                run.stats["accounts_watched_again"] += 1
            if values:
                account._write_health_state(values)
                if run.commit:
                    # a fresh snapshot: the incident's row refers to the account
                    # row just written on the other cursor
                    self.env["ir.cron"]._commit_progress(0)
            if account.blind_reason:
                faults._health_blind_incident(account, run)
                self.env["solar.site"]._health_mark_not_watched(account, run)
            elif "blind_reason" in values:
                faults._health_close_blind_incident(account, run)

    def _site_ref(self, row):
        """What the engine's client needs of a site."""
        return SiteRef(
            key=str(row["id"]),
            vendor_ref=row["vendor_site_ref"],
            account=str(self.id),
            latitude=row["latitude"],
            longitude=row["longitude"],
            timezone=row["tz"],
            # the inverter's AC limit where known: the physics clips there
            capacity_w=(row["capacity_ac_kw"] or row["capacity_dc_kwp"]) * 1000,
            meter_expected=row["meter_expected"],
            connection=row["connection"] or None,
            arrays=tuple(row.get("arrays", ())),
        )

    def _save_poll_state(self, ledger, spent_before, error, at, extra=None):
        """Record the calls spent and the account's last error (and `extra`
        values). Several workers may poll one account at once: in the cron
        the ledger row is locked and merged (calls added up) in its own short
        transaction, retried when another worker's merge lands first."""
        self.ensure_one()
        values = {"last_check_at": naive_utc(at), "last_error": error or False, **(extra or {})}
        if not self.env.context.get("solar_om_commit"):
            self.sudo().write(dict(values, quota_state=ledger.to_dict()))
            return
        spent = ledger.month_used - spent_before
        for attempt in range(5):
            try:
                with self.env.registry.cursor() as cr:
                    cr.execute(
                        "SELECT quota_state FROM solar_monitoring_account"
                        " WHERE id = %s FOR NO KEY UPDATE",
                        [self.id],
                    )
                    stored = quota.QuotaLedger.from_dict(self.vendor, ledger.tier, cr.fetchone()[0])
                    stored.clock = ledger.clock
                    stored.merge(ledger, spent)
                    self.env(cr=cr, su=True)[self._name].browse(self.id).write(
                        dict(values, quota_state=stored.to_dict())
                    )
                break
            except SerializationFailure:
                if attempt == 4:
                    raise
        self.invalidate_recordset(["quota_state", "last_check_at", "last_error", *(extra or {})])

    def _write_health_state(self, values):
        """Write what the check keeps on the account. In the cron, on a short
        cursor of its own, like the ledger: the run's transaction must not
        update the row other workers' ledger merges update."""
        self.ensure_one()
        if not self.env.context.get("solar_om_commit"):
            self.sudo().write(values)
            return
        for attempt in range(5):
            try:
                with self.env.registry.cursor() as cr:
                    cr.execute(
                        "SELECT id FROM solar_monitoring_account WHERE id = %s FOR NO KEY UPDATE",
                        [self.id],
                    )
                    self.env(cr=cr, su=True)[self._name].browse(self.id).write(values)
                break
            except SerializationFailure:
                if attempt == 4:
                    raise
        self.invalidate_recordset(list(values))

    def action_check_now(self):
        self.env["solar.health.check"].run(accounts=self, force=True)
        return True

    def action_view_sites(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("solar_om.solar_site_action")
        action["domain"] = [("account_id", "=", self.id)]
        action["context"] = {"default_account_id": self.id, "default_vendor": self.vendor}
        return action
