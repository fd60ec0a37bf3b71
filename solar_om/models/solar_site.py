# Copyright 2026 Solar O&M
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.base.models.res_partner import _tz_get

from solar_om_engine.geo import GeoError, check_coordinates, check_timezone

VENDORS = [
    ("solaredge", "SolarEdge"),
    ("enphase", "Enphase"),
    ("apsystems", "APsystems"),
]


class SolarSite(models.Model):
    _name = "solar.site"
    _description = "Solar Site"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "name, id"

    name = fields.Char(required=True, tracking=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
    )
    project_id = fields.Many2one("project.project", index=True, check_company=True)
    # Address: kept on the site because the array is not always at the
    # customer's billing address (rented roofs, second homes, leases).
    street = fields.Char()
    street2 = fields.Char()
    zip = fields.Char()
    city = fields.Char()
    state_id = fields.Many2one("res.country.state", domain="[('country_id', '=?', country_id)]")
    country_id = fields.Many2one("res.country")
    latitude = fields.Float(digits=(10, 7))
    longitude = fields.Float(digits=(10, 7))
    tz = fields.Selection(
        _tz_get,
        string="Time Zone",
        required=True,
        default=lambda self: self._default_tz(),
        help="IANA time zone of the array: daylight windows and vendor timestamps are read in it.",
    )
    map_url = fields.Char(compute="_compute_map_url", string="Map")
    capacity_dc_kwp = fields.Float(
        string="DC Capacity (kWp)", digits=(16, 3), required=True, tracking=True
    )
    capacity_ac_kw = fields.Float(string="AC Capacity (kW)", digits=(16, 3))
    # what the roof is known as follows from what was entered: arrays entered
    # are the roof, never "Unknown" beside them
    roof_orientation = fields.Selection(
        [("unknown", "Unknown"), ("arrays", "Entered: the arrays below")],
        compute="_compute_roof_orientation",
        store=True,
        tracking=True,
        help="The health check compares energy with what the roof should produce only when "
        "it knows which way the panels face: enter the roof's arrays (DC kWp, tilt, azimuth) "
        "below. With an unknown roof it still catches zero production, devices down, meter "
        "and data faults, but not underperformance.",
    )
    array_ids = fields.One2many("solar.site.array", "site_id", string="Roof Arrays", copy=True)
    install_date = fields.Date()
    commissioning_date = fields.Date()
    vendor = fields.Selection(VENDORS, string="Monitoring Vendor", tracking=True)
    vendor_site_ref = fields.Char(
        string="Vendor Site ID",
        help="The site's id in the vendor's monitoring cloud "
        "(SolarEdge site id, Enphase system_id, APsystems sid).",
    )
    contract_state = fields.Selection(
        [("none", "No Contract"), ("active", "Active"), ("lapsed", "Lapsed")],
        string="O&M Contract",
        default="none",
        required=True,
        tracking=True,
    )
    contract_level_id = fields.Many2one(
        "solar.contract.level",
        default=lambda self: self.env["solar.contract.level"].search([], limit=1),
        tracking=True,
        help="The service the contract buys: the SLA targets of the site's tickets.",
    )
    ownership = fields.Selection(
        [("customer", "Customer-owned"), ("lease", "Lease"), ("ppa", "PPA")],
        default="customer",
        required=True,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    contract_fee = fields.Monetary(
        string="Annual O&M Fee",
        groups="solar_om.group_solar_om_user",
        help="What the customer pays a year for the O&M contract. Hidden from technicians.",
    )
    lease_end_date = fields.Date(groups="solar_om.group_solar_om_user")
    device_ids = fields.One2many("solar.device", "site_id", string="Equipment")
    device_count = fields.Integer(compute="_compute_device_count")
    color = fields.Integer()

    _vendor_ref_uniq = models.Constraint(
        "unique(company_id, vendor, vendor_site_ref)",
        "This vendor site id is already used by another site of the company.",
    )

    @api.model
    def _default_tz(self):
        partner_id = self.env.context.get("default_partner_id")
        partner = self.env["res.partner"].browse(partner_id) if partner_id else None
        return (
            (partner and partner.tz) or self.env.company.partner_id.tz or self.env.user.tz or "UTC"
        )

    @api.depends("latitude", "longitude")
    def _compute_map_url(self):
        for site in self:
            site.map_url = (
                f"https://www.openstreetmap.org/?mlat={site.latitude}&mlon={site.longitude}#map=18/{site.latitude}/{site.longitude}"
                if site.latitude or site.longitude
                else False
            )

    @api.depends("device_ids")
    def _compute_device_count(self):
        counts = dict(
            self.env["solar.device"]._read_group(
                [("site_id", "in", self.ids), ("state", "=", "in_service")],
                ["site_id"],
                ["__count"],
            )
        )
        for site in self:
            site.device_count = counts.get(site, 0)

    @api.onchange("partner_id")
    def _onchange_partner_id(self):
        partner = self.partner_id
        if not partner:
            return
        if partner.tz:
            self.tz = partner.tz
        if not self.street and not self.city:
            for fname in ("street", "street2", "zip", "city", "state_id", "country_id"):
                self[fname] = partner[fname]

    @api.constrains("latitude", "longitude")
    def _check_coordinates(self):
        for site in self:
            try:
                check_coordinates(site.latitude, site.longitude)
            except GeoError as err:
                raise ValidationError(
                    self.env._("Site %(site)s: %(error)s", site=site.name, error=err)
                ) from err

    @api.depends("array_ids")
    def _compute_roof_orientation(self):
        for site in self:
            site.roof_orientation = "arrays" if site.array_ids else "unknown"

    @api.constrains("capacity_dc_kwp", "capacity_ac_kw")
    def _check_capacity(self):
        for site in self:
            if site.capacity_dc_kwp <= 0:
                raise ValidationError(
                    self.env._(
                        "Site %(site)s: the DC capacity must be greater than 0 kWp "
                        "(got %(value)s).",
                        site=site.name,
                        value=site.capacity_dc_kwp,
                    )
                )
            if site.capacity_ac_kw < 0:
                raise ValidationError(
                    self.env._(
                        "Site %(site)s: the AC capacity cannot be negative.",
                        site=site.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_timezone_value(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._check_timezone_value(vals)
        return super().write(vals)

    @api.model
    def _check_timezone_value(self, vals):
        # The selection would refuse an unknown zone with a bare ValueError;
        # say instead which zone and what is expected.
        if "tz" not in vals:
            return
        try:
            check_timezone(vals["tz"])
        except GeoError as err:
            raise ValidationError(
                self.env._(
                    "Site %(site)s: %(error)s",
                    site=vals.get("name") or ", ".join(self.mapped("name")),
                    error=err,
                )
            ) from err

    def action_view_devices(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("solar_om.solar_device_action")
        action["domain"] = [("site_id", "=", self.id)]
        action["context"] = {"default_site_id": self.id}
        return action
