# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import SQL

from .solar_fault import FAULT_KINDS

HEALTH = [
    ("unknown", "Not Checked"),
    ("night", "Night"),
    ("ok", "OK"),
    ("indeterminate", "Indeterminate"),
    *FAULT_KINDS,
]


# What is wrong right now comes first: faults, then silence, then the sites
# nobody can judge, then the healthy ones. Colours are the kanban palette
# (1 red, 2 orange, 3 yellow, 4 light blue, 10 green, 0 none).
HEALTH_RANK_COLOR = {
    "inverter_fault": (10, 1),
    "string_mlpe_fault": (11, 1),
    "meter_fault": (12, 1),
    "underperformance": (13, 1),
    "configuration_issue": (14, 1),
    "vendor_outage": (15, 2),
    "comms_loss": (20, 2),
    "not_watched": (30, 3),
    "indeterminate": (40, 4),
    "unknown": (50, 0),
    "ok": (60, 10),
    "night": (70, 0),
}
PROBLEM_STATES = tuple(k for k, (rank, _color) in HEALTH_RANK_COLOR.items() if rank < 30)

LOCATION_FIELDS = {
    "name",
    "partner_id",
    "street",
    "street2",
    "zip",
    "city",
    "state_id",
    "country_id",
    "latitude",
    "longitude",
    "fsm_team_id",
    "territory_id",
}


class SolarSite(models.Model):
    _inherit = "solar.site"

    account_id = fields.Many2one(
        "solar.monitoring.account",
        string="Monitoring Account",
        index=True,
        check_company=True,
        tracking=True,
    )
    fsm_location_id = fields.Many2one(
        "fsm.location", string="Service Location", readonly=True, copy=False, index=True
    )
    # who serves the site: field-service concepts (OCA), mirrored on its location
    fsm_team_id = fields.Many2one(
        "fsm.team",
        string="Field Service Team",
        tracking=True,
        help="Work orders for this site go to this team.",
    )
    territory_id = fields.Many2one(
        "res.territory",
        tracking=True,
        help="Work orders for this site go to the territory's primary field worker "
        "unless the service location names its own workers.",
    )
    connection = fields.Selection(
        [("ethernet", "Ethernet"), ("wifi", "Wi-Fi"), ("cellular", "Cellular")],
        help="How the gateway reaches the vendor's cloud: cellular ones report "
        "every 6 hours, so they are called silent much later.",
    )
    meter_expected = fields.Boolean(
        string="Has Production Meter", help="Silence from the meter is then a Meter Fault."
    )
    # written in bulk by the health check
    health_state = fields.Selection(HEALTH, default="unknown", readonly=True, index=True)
    health_reason = fields.Char(readonly=True)
    last_checked_at = fields.Datetime(readonly=True)
    next_check_at = fields.Datetime(readonly=True, index=True)
    last_report_at = fields.Datetime(string="Last Heard From", readonly=True)
    last_power_w = fields.Float(string="Power (W)", readonly=True)
    last_energy_today_kwh = fields.Float(string="Energy Today (kWh)", readonly=True, digits=(16, 2))
    poll_error = fields.Char(readonly=True, help="Why the last check could not read this site.")
    expected_energy_today_kwh = fields.Float(
        string="Expected Today (kWh)",
        readonly=True,
        digits=(16, 2),
        help="What the site should have made so far today, as the last check judged it "
        "(nearby sites, else clear sky).",
    )
    production_ratio = fields.Float(
        string="Of Expected",
        compute="_compute_health_display",
        help="Energy today over the energy expected so far today.",
    )
    health_rank = fields.Integer(
        string="Urgency",
        compute="_compute_health_display",
        help="Faults first, then comms loss, then sites nobody can judge, then healthy ones.",
    )
    health_color = fields.Integer(compute="_compute_health_display")
    production_count = fields.Integer(compute="_compute_monitoring_counts")
    solar_energy_rate = fields.Monetary(
        string="Energy Rate (per kWh)",
        help="What a kWh of this site is worth to the customer: their tariff, or the PPA "
        "price. Values the energy a fault loses.",
    )
    fault_ids = fields.One2many("solar.fault", "site_id")
    open_fault_count = fields.Integer(compute="_compute_monitoring_counts")
    production_ids = fields.One2many("solar.production.daily", "site_id")
    ticket_ids = fields.One2many("helpdesk.ticket", "solar_site_id")
    fsm_order_ids = fields.One2many("fsm.order", "solar_site_id", string="Work Orders")
    ticket_count = fields.Integer(compute="_compute_monitoring_counts")

    @api.depends("health_state", "last_energy_today_kwh", "expected_energy_today_kwh")
    def _compute_health_display(self):
        for site in self:
            rank, color = HEALTH_RANK_COLOR.get(site.health_state, (50, 0))
            site.health_rank, site.health_color = rank, color
            expected = site.expected_energy_today_kwh
            site.production_ratio = site.last_energy_today_kwh / expected if expected else 0.0

    def _field_to_sql(self, alias, field_expr, query=None):
        # the urgency is a CASE over the stored health: sortable and
        # groupable in SQL, so "problems first" costs no query per site
        if field_expr == "health_rank":
            health = super()._field_to_sql(alias, "health_state", query)
            cases = SQL(" ").join(
                SQL("WHEN %s THEN %s", state, rank)
                for state, (rank, _color) in HEALTH_RANK_COLOR.items()
            )
            return SQL("(CASE %s %s ELSE 50 END)", health, cases)
        return super()._field_to_sql(alias, field_expr, query)

    def _compute_monitoring_counts(self):
        faults = dict(
            self.env["solar.fault"]._read_group(
                [("site_id", "in", self.ids), ("state", "!=", "closed")], ["site_id"], ["__count"]
            )
        )
        tickets = dict(
            self.env["helpdesk.ticket"]._read_group(
                [("solar_site_id", "in", self.ids), ("closed", "=", False)],
                ["solar_site_id"],
                ["__count"],
            )
        )
        days = dict(
            self.env["solar.production.daily"]._read_group(
                [("site_id", "in", self.ids)], ["site_id"], ["__count"]
            )
        )
        for site in self:
            site.open_fault_count = faults.get(site, 0)
            site.ticket_count = tickets.get(site, 0)
            site.production_count = days.get(site, 0)

    def action_view_tickets(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "helpdesk_mgmt.helpdesk_ticket_action"
        )
        action["domain"] = [("solar_site_id", "=", self.id)]
        action["context"] = {
            "default_solar_site_id": self.id,
            "default_partner_id": self.partner_id.id,
            "search_default_open": 1,
        }
        return action

    def action_view_production(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "solar_om_monitoring.solar_production_daily_action"
        )
        action["domain"] = [("site_id", "=", self.id)]
        action["context"] = {"search_default_last_30_days": 1}
        return action

    def action_view_faults(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "solar_om_monitoring.solar_fault_action"
        )
        action["domain"] = [("site_id", "=", self.id)]
        return action

    # ------------------------------------------------------------ portal
    def _portal_health(self):
        """The site's health for its owner: (tone, plain words)."""
        self.ensure_one()
        _ = self.env._
        words = {
            "ok": ("success", _("Working normally.")),
            "night": ("secondary", _("Resting for the night.")),
            "unknown": ("secondary", _("Not checked yet.")),
            "indeterminate": (
                "info",
                _("We cannot tell right now: your system reports rarely; we will check again."),
            ),
            "not_watched": ("secondary", _("Not watched by our monitoring.")),
            "comms_loss": (
                "warning",
                _(
                    "We have not heard from your system lately. This is most often the "
                    "internet connection or the gateway; we are looking into it."
                ),
            ),
            "vendor_outage": (
                "warning",
                _("The manufacturer's monitoring service is down; nothing to do on your side."),
            ),
            "inverter_fault": ("danger", _("Your system is not producing. We are on it.")),
            "string_mlpe_fault": (
                "danger",
                _("Part of your system is not producing. We are on it."),
            ),
            "underperformance": (
                "danger",
                _("Your system is producing less than it should. We are on it."),
            ),
            "meter_fault": ("danger", _("Your production meter is not reporting correctly.")),
            "configuration_issue": (
                "danger",
                _("Your system's monitoring needs setting up again. We are on it."),
            ),
        }
        return words.get(self.health_state, words["unknown"])

    def _portal_ticket_values(self, description):
        """A problem the owner reported on the portal: a ticket on this site
        for the service team to triage."""
        self.ensure_one()
        team = self.env.ref(
            "solar_om_monitoring.helpdesk_team_solar_service", raise_if_not_found=False
        )
        channel = self.env.ref(
            "helpdesk_mgmt.helpdesk_ticket_channel_web", raise_if_not_found=False
        )
        return {
            "name": self.env._("Problem reported on %(site)s", site=self.name),
            "description": Markup("<p>%s</p>") % description,
            "partner_id": self.env.user.partner_id.id,
            "solar_site_id": self.id,
            "project_id": self.project_id.id,
            "team_id": team.id if team else False,
            "channel_id": channel.id if channel else False,
            "company_id": self.company_id.id,
        }

    # ------------------------------------------------------------ field service
    def _fsm_location_values(self):
        self.ensure_one()
        return {
            "name": self.name,
            "owner_id": self.partner_id.id,
            "street": self.street,
            "street2": self.street2,
            "zip": self.zip,
            "city": self.city,
            "state_id": self.state_id.id,
            "country_id": self.country_id.id,
            "partner_latitude": self.latitude,
            "partner_longitude": self.longitude,
            "team_id": self.fsm_team_id.id,
            "territory_id": self.territory_id.id,
            "company_id": self.company_id.id,
        }

    def _fsm_assignee(self):
        """The field worker an order for this site goes to: the location's
        first worker, else its territory's primary assignment."""
        self.ensure_one()
        location = self.fsm_location_id
        return location.person_ids[:1].person_id or location.territory_id.person_id

    def _sync_fsm_location(self):
        """Each site has its field-service location (OCA `fsm.location`),
        created here and kept in step with the site's customer and address.
        It is created without `partner_id`: fieldservice would otherwise
        rename the customer's own contact after the site."""
        missing = self.filtered(lambda s: not s.fsm_location_id)
        locations = (
            self.env["fsm.location"]
            .sudo()
            .create([site._fsm_location_values() for site in missing])
        )
        for site, location in zip(missing, locations, strict=True):
            site.fsm_location_id = location
        for site in self - missing:
            site.fsm_location_id.sudo().write(site._fsm_location_values())

    @api.model_create_multi
    def create(self, vals_list):
        sites = super().create(vals_list)
        sites._sync_fsm_location()
        return sites

    def write(self, vals):
        result = super().write(vals)
        if LOCATION_FIELDS & set(vals) and not self.env.context.get("solar_no_sync"):
            self.filtered("fsm_location_id")._sync_fsm_location()
        return result
