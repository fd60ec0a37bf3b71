# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A login to one vendor's monitoring cloud, its quota and its polling plan.
What the health check does with it: solar_monitoring_account_polling.py
(polls and the quota ledger) and solar_monitoring_account_blind.py (an
account nothing can be read of)."""

import logging
from collections import defaultdict
from datetime import datetime, timezone

from psycopg2.errors import SerializationFailure

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from solar_om_engine import planner, quota
from solar_om_engine.clients import CLIENTS

from .solar_monitoring_account_discovery import MANAGERS

_logger = logging.getLogger(__name__)

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
    # polling, blind accounts and discovery, each in its own file
    _inherit = [
        "mail.thread",
        "solar.account.polling",
        "solar.account.blind",
        "solar.account.discovery",
    ]
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
    last_check_at = fields.Datetime(
        readonly=True,
        copy=False,
        help="When the health check last looked at this account, whether or not any of its "
        "sites was due (at night none is).",
    )
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
            plan = plans.get(account.id)
            if plan is None:  # a new account, vendor or plan not chosen yet
                account.calls_this_month = account.quota_headroom = 0
                account.check_interval_minutes = account.worst_case_detect_minutes = 0
                account.plan_note = account.plan_cadence = account.plan_production = False
                account.plan_detect = account.plan_usage = False
                continue
            words = planner.describe(plan)
            ledger = account._ledger()
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
        sites' places and count and the sites worth a daily device pass (one
        query for all the accounts), the daily discovery where the account
        lists its systems (solar_monitoring_account_discovery.py) and what
        its ledger has spent."""
        cells, counts = defaultdict(dict), defaultdict(int)
        # (a site whose vendor deactivated it is not watched: not in the plan)
        rows = self.env["solar.site"]._solar_plan_rows(self.ids)
        for account_id, lat, lon, _vendor, _known, count in rows:
            counts[account_id] += count
            if lat is not None and lon is not None:
                cells[account_id][float(lat), float(lon)] = True
        # the sites whose devices are compared each day (solar_site_devices.py)
        device_sites = self.env["solar.site"]._solar_device_pass_sites(self.ids, rows)
        plans = {}
        for account in self:
            if not account.vendor or not account.quota_tier:
                continue  # a new account: no ledger without a plan
            ledger = (ledgers or {}).get(account.id) or account._ledger()
            plans[account.id] = planner.make_plan(
                account.vendor,
                account._tier(),
                counts[account.id],
                at,
                locations=list(cells.get(account.id, ())) or None,
                month_used=ledger.month_used if ledger.month == at.strftime("%Y-%m") else 0,
                device_sites=device_sites.get(account.id, 0),
                **account._discovery_plan_args(counts[account.id]),
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
        dead the moment the new one is issued. Both are written at once, in
        the cron on a cursor of their own, so neither a crash later in the
        check nor a rollback can lose the only valid refresh token."""
        self.ensure_one()
        self._write_on_own_cursor(
            {
                "access_token": tokens["access_token"],
                "refresh_token": tokens["refresh_token"],
                "token_refreshed_at": fields.Datetime.now(),
            }
        )
        _logger.info("monitoring account %s: OAuth tokens refreshed", self.id)

    def _write_on_own_cursor(self, values):
        """Write `values` on the account. In the cron, on a short cursor of
        its own that commits at once, the row locked and the write retried
        when another worker's lands first: what is written survives a
        rollback of the run, and the run's transaction never updates the row
        other workers' ledger merges update."""
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
