# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""One system a monitoring account's vendor lists, as the last discovery saw
it: the account's *Not Monitored Yet* list, the systems already monitored
and those the vendor deactivated. Rules (sorting, matching) live in
`solar_om_engine.onboarding`; discovery and site creation in
solar_monitoring_account_discovery.py."""

from odoo import fields, models

from solar_om_engine import onboarding
from solar_om_engine.onboarding import MATCH_LABELS, MatchRule, SystemState

MATCH_RANK = {rule.value: rank for rank, rule in enumerate(MatchRule)}
STATES = [
    (SystemState.NEW.value, "Not Monitored Yet"),
    ("queued", "Waiting for Quota"),
    (SystemState.KNOWN.value, "Monitored"),
    (SystemState.DEACTIVATED.value, "Deactivated by Vendor"),
    ("ignored", "Ignored"),
]


class SolarVendorSystem(models.Model):
    _name = "solar.vendor.system"
    _description = "System Listed by a Monitoring Vendor"
    _order = "account_id, state, name, id"
    _rec_name = "name"

    account_id = fields.Many2one(
        "solar.monitoring.account", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="account_id.company_id", store=True, index=True)
    vendor = fields.Selection(related="account_id.vendor", store=True)
    vendor_ref = fields.Char(string="Vendor Site ID", required=True, index=True)
    name = fields.Char(string="System")
    state = fields.Selection(
        STATES, string="Status", required=True, default=SystemState.NEW.value, index=True
    )
    site_id = fields.Many2one("solar.site", index=True, ondelete="set null")
    # what the vendor says
    capacity_kwp = fields.Float(string="Size (kWp)", digits=(16, 3))
    tz = fields.Char(string="Time Zone")
    street = fields.Char()
    street2 = fields.Char()
    zip = fields.Char()
    city = fields.Char()
    state_name = fields.Char(string="Region")
    country_code = fields.Char(string="Country")
    address = fields.Char(compute="_compute_address")
    installation_date = fields.Date()
    vendor_status = fields.Char()
    vendor_reference = fields.Char(
        string="Installer Reference", help="The installer's own id for the system (Enphase)."
    )
    vendor_email = fields.Char(string="E-mail in Name/Note")
    connection = fields.Char()
    latitude = fields.Float(digits=(10, 7))
    longitude = fields.Float(digits=(10, 7))
    first_seen_at = fields.Datetime(readonly=True)
    last_seen_at = fields.Datetime(readonly=True)
    # the customer: the engine's suggestion and the back office's choice
    suggested_partner_id = fields.Many2one("res.partner", string="Suggested Customer")
    match_rule = fields.Selection(
        [(rule.value, label) for rule, label in MATCH_LABELS.items()],
        string="Matched By",
        default=MatchRule.NONE.value,
    )
    match_reason = fields.Char(string="Why")
    # the wizard lists the surest matches first (MATCH_RANK), then the rest
    match_rank = fields.Integer(default=len(MATCH_RANK), readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer")
    create_partner = fields.Boolean(
        string="New Customer", help="Create a customer named after the system."
    )
    problem = fields.Char(readonly=True, help="Why the site could not be created yet.")

    _account_ref_uniq = models.Constraint(
        "unique(account_id, vendor_ref)", "A vendor system is listed once per account."
    )

    def _compute_address(self):
        for system in self:
            parts = [
                system.street,
                " ".join(p for p in (system.zip, system.city) if p),
                system.state_name,
                system.country_code,
            ]
            system.address = ", ".join(p for p in parts if p)

    def action_ignore(self):
        self.write({"state": "ignored"})

    def action_restore(self):
        self.filtered(lambda s: s.state == "ignored").write({"state": SystemState.NEW.value})

    def action_create_sites(self):
        """Create the sites of these systems in one go (from the list)."""
        return self.account_id._onboard_create(self)

    def _engine_system(self):
        self.ensure_one()
        return onboarding.VendorSystem(
            vendor=self.vendor,
            vendor_ref=self.vendor_ref,
            name=self.name or self.vendor_ref,
            capacity_kwp=self.capacity_kwp or None,
            timezone=self.tz or None,
            street=self.street or "",
            street2=self.street2 or "",
            zip=self.zip or "",
            city=self.city or "",
            state=self.state_name or "",
            country=self.country_code or "",
            installation_date=self.installation_date or None,
            status=self.vendor_status or "",
            deactivated=self.state == SystemState.DEACTIVATED.value,
            reference=self.vendor_reference or "",
            email=self.vendor_email or "",
            latitude=self.latitude or None,
            longitude=self.longitude or None,
            connection=self.connection or None,
        )
