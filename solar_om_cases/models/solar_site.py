# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timezone

from markupsafe import Markup

from odoo import api, fields, models

from solar_om_engine import cases


class SolarSite(models.Model):
    _inherit = "solar.site"

    handover_approved = fields.Boolean(
        string="Handover Approved (M3)",
        tracking=True,
        help="The installer handed the system over. Before that, service questions "
        "go to the installer's contact.",
    )
    installer_contact_id = fields.Many2one("res.partner")
    suppress_until = fields.Datetime(
        string="Monitoring Suppressed Until",
        tracking=True,
        help="No production ticket is opened before this time: an outage is expected.",
    )
    suppress_reason = fields.Char(string="Suppressed Because")
    sales_user_id = fields.Many2one(
        "res.users",
        string="Sales Representative",
        help="Follows the site's service cases; a finding not caused by us goes to them.",
    )

    def _solar_suppress_for(self, ticket):
        """A case that makes an outage expected (panel move, lease transfer,
        disaster, fire, uninhabitable) holds back the site's production
        tickets for the case type's window, and says so on the ticket."""
        self.ensure_one()
        until = cases.suppression_until(
            fields.Datetime.now(),
            ticket.category_id.solar_suppress_days,
            self.suppress_until or None,
        )
        if until is None:
            return
        self.write({"suppress_until": until, "suppress_reason": ticket.display_name})
        ticket.message_post(
            body=self.env._(
                "Monitoring of %(site)s will open no production ticket until %(until)s: "
                "an outage is expected (%(type)s).",
                site=self.name,
                until=fields.Datetime.to_string(until),
                type=ticket.category_id.name,
            ),
            subtype_xmlid="mail.mt_note",
        )

    def _solar_refer_to_installer(self, ticket, concern):
        """Before the handover the installer answers for the system: the
        disposition on the ticket and a call for whoever holds it."""
        self.ensure_one()
        note = self.env._(
            "%(site)s is not past the installer handover (M3): the installer answers for it. "
            "Disposition: referred to %(installer)s for %(concern)s.",
            site=self.name,
            installer=self.installer_contact_id.display_name
            or self.env._("the installer (no contact set)"),
            concern=concern,
        )
        ticket.message_post(body=note, subtype_xmlid="mail.mt_note")
        # whoever holds the case calls; never the customer who raised it on the portal
        staff = self.env.user if not self.env.user.share else self.env["res.users"]
        holder = ticket.user_id or ticket.team_id.user_id or staff
        if holder:
            ticket.activity_schedule(
                "mail.mail_activity_data_call",
                summary=self.env._("Refer the customer to the installer"),
                note=note,
                user_id=holder.id,
            )

    def _portal_ticket_values(self, description):
        """A problem the homeowner reports is a service concern, routed like
        any other: to its case type's team and owner (the installer first
        while the system is not past the handover)."""
        return dict(super()._portal_ticket_values(description), solar_concern="service")

    @api.model
    def _cron_end_of_lease(self):
        """One End Of Lease case per lease, opened ahead of its end date."""
        lead_days = int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("solar_om_cases.end_of_lease_days", cases.END_OF_LEASE_LEAD_DAYS)
        )
        today = fields.Date.context_today(self)
        first, last = cases.end_of_lease_window(today, lead_days)
        sites = self.sudo().search(
            [
                ("ownership", "in", ("lease", "ppa")),
                ("lease_end_date", ">=", first),
                ("lease_end_date", "<=", last),
            ]
        )
        category = self.env.ref("solar_om_cases.case_type_end_of_lease")
        Ticket = self.env["helpdesk.ticket"].sudo()
        existing = Ticket.search(
            [("category_id", "=", category.id), ("solar_site_id", "in", sites.ids)]
        )
        due = cases.leases_due(
            [(site, site.lease_end_date) for site in sites],
            [(t.solar_site_id, t.solar_lease_end_date) for t in existing],
            today,
            lead_days,
        )
        return Ticket.create(
            [
                {
                    "name": self.env._("End Of Lease: %(site)s", site=site.name),
                    "description": Markup("<p>%s</p>")
                    % self.env._(
                        "The lease of %(site)s ends on %(date)s.",
                        site=site.name,
                        date=site.lease_end_date,
                    ),
                    "partner_id": site.partner_id.id,
                    "solar_site_id": site.id,
                    "category_id": category.id,
                    "solar_lease_end_date": site.lease_end_date,
                    "user_id": False,
                    "company_id": site.company_id.id,
                }
                for site in due
            ]
        )

    @api.model
    def _health_suppressed(self, batch, at):
        """Sites inside a suppression window set by a damage or admin case."""
        moment = at.astimezone(timezone.utc).replace(tzinfo=None)
        sites = self.sudo().search_read(
            [("id", "in", [row["id"] for row in batch]), ("suppress_until", ">", moment)], ["id"]
        )
        return super()._health_suppressed(batch, at) | frozenset(str(s["id"]) for s in sites)
