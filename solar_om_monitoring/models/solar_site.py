# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The monitoring side of a site: its account, service location, team and
links to its faults, tickets, production and work orders. Its health lives
in solar_site_health.py, the health check's reads and writes in
solar_site_polling.py, the homeowner's portal in solar_site_portal.py."""

from odoo import api, fields, models

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
        Location = self.env["fsm.location"].sudo()
        # the default stage once, not once per location
        stage = Location._default_stage_id() if missing else False
        locations = Location.create(
            [dict(site._fsm_location_values(), stage_id=stage.id) for site in missing]
        )
        for site, location in zip(missing, locations, strict=True):
            site.fsm_location_id = location
        for site in self - missing:
            site.fsm_location_id.sudo().write(site._fsm_location_values())

    @api.model_create_multi
    def create(self, vals_list):
        sites = super().create(vals_list)
        if not self.env.context.get("solar_defer_fsm_location"):
            sites._sync_fsm_location()
        return sites

    def write(self, vals):
        result = super().write(vals)
        if LOCATION_FIELDS & set(vals) and not self.env.context.get("solar_no_sync"):
            self.filtered("fsm_location_id")._sync_fsm_location()
        return result
