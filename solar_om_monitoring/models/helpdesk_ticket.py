# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A helpdesk ticket's monitoring side: its site, faults and lost energy.
The tickets the health check opens: helpdesk_ticket_monitoring.py; closing
on recovery and auto-dispatch: helpdesk_ticket_recovery.py; work orders and
follow-ups: helpdesk_ticket_work_order.py."""

from odoo import api, fields, models


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    solar_site_id = fields.Many2one("solar.site", index=True, tracking=True, check_company=True)
    solar_fault_ids = fields.One2many("solar.fault", "ticket_id", string="Monitoring Faults")
    solar_monitoring = fields.Boolean(
        string="Opened by Monitoring", readonly=True, help="Opened by the health check."
    )
    solar_currency_id = fields.Many2one(related="company_id.currency_id", string="Currency")
    solar_lost_energy_kwh = fields.Float(
        string="Lost Energy (kWh)",
        compute="_compute_solar_lost_energy",
        digits=(16, 1),
        help="Expected minus actual energy on the days its faults were open; comms loss "
        "excluded (a silent site may be producing).",
    )
    solar_lost_value = fields.Monetary(
        string="Lost Value",
        compute="_compute_solar_lost_energy",
        currency_field="solar_currency_id",
        help="The lost energy at the site's energy rate (tariff or PPA price).",
    )

    def _compute_solar_lost_energy(self):
        lost = {
            ticket.id: (kwh, value)
            for ticket, kwh, value in self.env["solar.lost.energy.report"]
            .sudo()
            ._read_group(
                [("ticket_id", "in", self.ids)],
                ["ticket_id"],
                ["lost_kwh:sum", "lost_value:sum"],
            )
        }
        for ticket in self:
            ticket.solar_lost_energy_kwh, ticket.solar_lost_value = lost.get(ticket.id, (0.0, 0.0))

    @api.model_create_multi
    def create(self, vals_list):
        """A ticket on a site is linked to what the site belongs to: its
        customer, installation project and service location (what the
        creator gave wins), however it was made (monitoring, portal, code);
        and it knows its customer's name to address them by."""
        site_ids = {vals["solar_site_id"] for vals in vals_list if vals.get("solar_site_id")}
        sites = self.env["solar.site"].sudo().browse(site_ids)
        # a site made before this addon (or by import) gets its service location now
        sites.filtered(lambda s: not s.fsm_location_id)._sync_fsm_location()
        by_id = {site.id: site for site in sites}
        partners = (
            self.env["res.partner"]
            .sudo()
            .browse({vals["partner_id"] for vals in vals_list if vals.get("partner_id")})
        )
        for vals in vals_list:
            site = by_id.get(vals.get("solar_site_id"))
            if site and not vals.get("partner_id"):
                vals["partner_id"] = site.partner_id.id
            # the name the customer is addressed by, however the ticket was made
            partner = partners.browse(vals.get("partner_id") or []) or site and site.partner_id
            if partner and not vals.get("partner_name"):
                vals["partner_name"] = partner.name
                vals.setdefault("partner_email", partner.email)
            if not site:
                continue
            for fname, value in (
                ("project_id", site.project_id.id),
                ("fsm_location_id", site.fsm_location_id.id),
            ):
                if not vals.get(fname) and value:
                    vals[fname] = value
        return super().create(vals_list)

    @api.onchange("solar_site_id")
    def _onchange_solar_site_id(self):
        site = self.solar_site_id
        if site:
            self.partner_id = site.partner_id
            if site.project_id:
                self.project_id = site.project_id
            if site.fsm_location_id:
                self.fsm_location_id = site.fsm_location_id

    def _solar_open_faults(self):
        return self.solar_fault_ids.filtered(lambda f: f.state != "closed")
