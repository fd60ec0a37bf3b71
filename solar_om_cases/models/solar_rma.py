# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

from solar_om_engine import cases


class SolarRma(models.Model):
    """A component going back to its manufacturer, from the ticket that found it."""

    _name = "solar.rma"
    _description = "Manufacturer RMA"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"

    name = fields.Char(
        string="Reference",
        required=True,
        readonly=True,
        copy=False,
        default=lambda s: s.env._("New"),
    )
    ticket_id = fields.Many2one("helpdesk.ticket", required=True, index=True, ondelete="cascade")
    site_id = fields.Many2one(related="ticket_id.solar_site_id", store=True)
    company_id = fields.Many2one(related="ticket_id.company_id", store=True)
    device_id = fields.Many2one(
        "solar.device",
        string="Failed Device",
        required=True,
        domain="[('site_id', '=', site_id)]",
        tracking=True,
    )
    brand = fields.Char(related="device_id.brand")
    serial_number = fields.Char(related="device_id.serial_number")
    replacement_id = fields.Many2one(related="device_id.replaced_by_id", string="Replacement")
    evidence = fields.Html(help="Voltage and current readings, what was seen on site.")
    attachment_ids = fields.Many2many("ir.attachment", string="Photos and Videos")
    manufacturer_ref = fields.Char(string="Manufacturer Case / RMA No.", tracking=True)
    tracking_ref = fields.Char(string="Shipment Tracking", tracking=True)
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("submitted", "Submitted"),
            ("shipped", "Part Shipped"),
            ("arrived", "Part Arrived"),
            ("done", "Done"),
        ],
        default="draft",
        required=True,
        tracking=True,
    )
    arrived_on = fields.Date(readonly=True)
    sales_user_id = fields.Many2one("res.users", string="Sales Rep")
    operations_user_id = fields.Many2one("res.users", string="Operations Manager")
    programme_id = fields.Many2one(
        "solar.labour.programme", compute="_compute_labour", string="Labour Programme"
    )
    labour_eligible = fields.Boolean(compute="_compute_labour")
    labour_reason = fields.Char(compute="_compute_labour")
    claim_deadline = fields.Date(compute="_compute_labour")

    @api.depends("device_id.install_date", "device_id.replacement_date", "device_id.brand")
    def _compute_labour(self):
        today = fields.Date.context_today(self)
        Programme = self.env["solar.labour.programme"]
        for rma in self:
            device = rma.device_id
            programme = Programme._for_device(device) if device else Programme
            result = cases.labour_eligibility(
                programme._engine_programme() if programme else None,
                device.install_date or None,
                device.replacement_date or today,
            )
            rma.programme_id = programme
            rma.labour_eligible = result.eligible
            rma.claim_deadline = result.claim_deadline or False
            if result.no_programme:
                rma.labour_reason = self.env._("No labour programme for this brand and device.")
            elif result.age_limit_reached_on:
                rma.labour_reason = self.env._(
                    "Installed %(date)s: older than the programme's %(years)s years.",
                    date=device.install_date,
                    years=f"{programme.max_device_age_years:g}",
                )
            else:
                rma.labour_reason = programme.name

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", self.env._("New")) == self.env._("New"):
                vals["name"] = self.env["ir.sequence"].next_by_code("solar.rma") or "/"
            # the site's sales representative and the project's operations manager
            ticket = self.env["helpdesk.ticket"].browse(vals.get("ticket_id"))
            vals.setdefault("sales_user_id", ticket.solar_sales_user_id.id)
            vals.setdefault("operations_user_id", ticket.solar_operations_manager_id.id)
        return super().create(vals_list)

    def action_submit(self):
        self.write({"state": "submitted"})
        for rma in self.filtered(lambda r: r.labour_eligible and r.claim_deadline):
            rma.activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=rma.claim_deadline,
                summary=self.env._("Claim the manufacturer's labour reimbursement"),
                user_id=self.env.user.id,
            )

    def action_shipped(self):
        self.write({"state": "shipped"})

    def action_arrived(self):
        """The part is at the warehouse: sales and operations hear of it, to
        schedule the visit with the homeowner."""
        self.write({"state": "arrived", "arrived_on": fields.Date.context_today(self)})
        for rma in self:
            rma.ticket_id._solar_milestone(
                self.env._(
                    "RMA part arrived: %(rma)s for %(serial)s is at the warehouse.",
                    rma=rma.name,
                    serial=rma.serial_number,
                )
            )
            for user in (rma.sales_user_id | rma.operations_user_id) or self.env.user:
                rma.activity_schedule(
                    "mail.mail_activity_data_call",
                    summary=self.env._("Part arrived: schedule the visit with the homeowner"),
                    note=self.env._(
                        "%(rma)s for %(serial)s is at the warehouse.",
                        rma=rma.name,
                        serial=rma.serial_number,
                    ),
                    user_id=user.id,
                )

    def action_done(self):
        self.write({"state": "done"})
