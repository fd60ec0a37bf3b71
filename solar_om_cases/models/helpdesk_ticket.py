# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

from solar_om_engine.cases import REACTIVATION_DAYS, reactivation_advice

RESOLUTION_PATHS = [
    ("manufacturer", "Manufacturer Action Required (RMA)"),
    ("internal", "Resolve Internally"),
    ("visit_audit", "Site Visit: Audit"),
    ("visit_replacement", "Site Visit: Replacement"),
    ("not_required", "Request Not Required"),
]
OUTCOMES = [
    ("resolved", "Resolved"),
    ("not_resolved", "Not Resolved"),
    ("visit_required", "Site Visit Required"),
    ("unable", "Unable to Resolve"),
    ("return_visit", "Return to Site Required"),
]


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    customer_authenticated = fields.Boolean(
        tracking=True,
        help="Tick once the caller proved who they are; account details are "
        "discussed only after that.",
    )
    authenticated_by_id = fields.Many2one("res.users", readonly=True)
    authenticated_at = fields.Datetime(readonly=True)
    resolution_path = fields.Selection(RESOLUTION_PATHS, tracking=True)
    resolution_outcome = fields.Selection(OUTCOMES, tracking=True)
    solar_lease_end_date = fields.Date(
        string="Lease End", readonly=True, help="The lease end an End Of Lease case is for."
    )
    escalated_case_id = fields.Many2one(
        "helpdesk.ticket", string="Complaint About", readonly=True, tracking=True
    )
    payment_date = fields.Date(help="When the customer paid, for a reactivation request.")
    rma_ids = fields.One2many("solar.rma", "ticket_id", string="RMAs")
    rma_count = fields.Integer(compute="_compute_rma_count")
    solar_category_definition = fields.Text(
        related="category_id.solar_definition", string="Case Type Definition"
    )
    solar_handover_approved = fields.Boolean(related="solar_site_id.handover_approved")
    solar_installer_contact_id = fields.Many2one(related="solar_site_id.installer_contact_id")

    def _compute_rma_count(self):
        counts = dict(
            self.env["solar.rma"]._read_group(
                [("ticket_id", "in", self.ids)], ["ticket_id"], ["__count"]
            )
        )
        for ticket in self:
            ticket.rma_count = counts.get(ticket, 0)

    def action_view_rmas(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("solar_om_cases.solar_rma_action")
        action["domain"] = [("ticket_id", "=", self.id)]
        action["context"] = {"default_ticket_id": self.id}
        return action

    @api.onchange("category_id")
    def _onchange_category_route(self):
        if self.category_id.solar_team_id:
            self.team_id = self.category_id.solar_team_id

    @api.model_create_multi
    def create(self, vals_list):
        tickets = super().create(vals_list)
        tickets._apply_suppression()
        return tickets

    def write(self, vals):
        if vals.get("customer_authenticated"):
            vals = dict(
                vals, authenticated_by_id=self.env.uid, authenticated_at=fields.Datetime.now()
            )
        result = super().write(vals)
        if "category_id" in vals or "solar_site_id" in vals:
            self._apply_suppression()
        return result

    def _apply_suppression(self):
        """A case that makes an outage expected (panel move, lease transfer,
        disaster, fire, uninhabitable) holds back the site's production
        tickets for the case type's window, and says so on the ticket."""
        for ticket in self.filtered(
            lambda t: t.solar_site_id and t.category_id.solar_suppress_days
        ):
            until = fields.Datetime.now() + timedelta(days=ticket.category_id.solar_suppress_days)
            site = ticket.solar_site_id.sudo()
            if site.suppress_until and site.suppress_until >= until:
                continue
            site.write({"suppress_until": until, "suppress_reason": ticket.display_name})
            ticket.message_post(
                body=self.env._(
                    "Monitoring of %(site)s will open no production ticket until %(until)s: "
                    "an outage is expected (%(type)s).",
                    site=site.name,
                    until=fields.Datetime.to_string(until),
                    type=ticket.category_id.name,
                ),
                subtype_xmlid="mail.mt_note",
            )

    def action_reactivation_check(self):
        """The 10-business-day rule after a payment for a suspended account."""
        self.ensure_one()
        if not self.payment_date:
            raise UserError(self.env._("Set the payment date first."))
        advice, elapsed = reactivation_advice(self.payment_date, fields.Date.context_today(self))
        if advice == "wait":
            self.message_post(
                body=self.env._(
                    "Payment received %(days)s business days ago: reactivation can take up "
                    "to %(limit)s business days. No action needed yet.",
                    days=elapsed,
                    limit=REACTIVATION_DAYS,
                ),
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )
            return advice
        team = self.env.ref("solar_om_cases.helpdesk_team_account_servicing")
        self.write({"team_id": team.id})
        self.activity_schedule(
            "mail.mail_activity_data_call",
            summary=self.env._("Reactivation overdue: warm transfer"),
            note=self.env._(
                "Paid %(days)s business days ago and still not reactivated.", days=elapsed
            ),
            user_id=(team.user_id or self.env.user).id,
        )
        return advice

    def action_escalate_unanswered(self, open_case):
        """A complaint that an open case went unanswered: linked to it, the
        case's priority goes up and its team lead gets an activity."""
        self.ensure_one()
        if open_case.closed:
            raise UserError(
                self.env._("%(case)s is closed: reopen it first.", case=open_case.display_name)
            )
        self.escalated_case_id = open_case
        open_case.sudo().write({"priority": str(min(int(open_case.priority or 0) + 1, 3))})
        lead = open_case.team_id.user_id or self.env.user
        open_case.sudo().activity_schedule(
            "mail.mail_activity_data_todo",
            summary=self.env._("Customer says this case went unanswered"),
            note=Markup("%s") % self.env._("Complaint %(ref)s", ref=self.display_name),
            user_id=lead.id,
        )
        open_case.message_post(
            body=self.env._("Escalated by complaint %(ref)s.", ref=self.display_name),
            subtype_xmlid="mail.mt_note",
        )

    @api.model
    def _cron_end_of_lease(self):
        """One End Of Lease case per lease, opened ahead of its end date."""
        lead_days = int(
            self.env["ir.config_parameter"].sudo().get_param("solar_om_cases.end_of_lease_days", 90)
        )
        today = fields.Date.context_today(self)
        sites = (
            self.env["solar.site"]
            .sudo()
            .search(
                [
                    ("ownership", "in", ("lease", "ppa")),
                    ("lease_end_date", "!=", False),
                    ("lease_end_date", "<=", today + timedelta(days=lead_days)),
                    ("lease_end_date", ">=", today),
                ]
            )
        )
        category = self.env.ref("solar_om_cases.case_type_end_of_lease")
        existing = self.sudo().search(
            [("category_id", "=", category.id), ("solar_site_id", "in", sites.ids)]
        )
        done = {(t.solar_site_id.id, t.solar_lease_end_date) for t in existing}
        todo = sites.filtered(lambda s: (s.id, s.lease_end_date) not in done)
        return self.sudo().create(
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
                    "team_id": category.solar_team_id.id,
                    "solar_lease_end_date": site.lease_end_date,
                    "user_id": False,
                    "company_id": site.company_id.id,
                }
                for site in todo
            ]
        )
