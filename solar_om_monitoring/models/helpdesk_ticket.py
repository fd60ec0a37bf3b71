# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import UserError

from solar_om_engine import tickets as ticket_rules
from solar_om_engine.classify import CASE_TYPES
from solar_om_engine.geo import zone
from solar_om_engine.kinds import FaultKind

from .health_run import naive_utc
from .solar_fault import FAULT_KINDS


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

    @api.onchange("solar_site_id")
    def _onchange_solar_site_id(self):
        site = self.solar_site_id
        if site:
            self.partner_id = site.partner_id
            if site.project_id:
                self.project_id = site.project_id

    def _solar_open_faults(self):
        return self.solar_fault_ids.filtered(lambda f: f.state != "closed")

    # ------------------------------------------------------------ opened by the health check
    @api.model
    def _solar_case_category(self, kind, company):
        """The case type the engine files a fault kind under, in `company`."""
        code = CASE_TYPES.get(kind)
        if not code:
            return self.env["helpdesk.ticket.category"]
        return (
            self.env["helpdesk.ticket.category"]
            .sudo()
            .search(
                [("solar_case_code", "=", code), ("company_id", "in", [company.id, False])], limit=1
            )
        )

    @api.model
    def _solar_fault_ticket_values(self, fault, verdict, reading, at):
        """The ticket for a site fault: what was seen, when, the last readings."""
        site = fault.site_id
        kind = dict(FAULT_KINDS)[fault.kind]
        category = self._solar_case_category(fault.kind, site.company_id)
        team = category.solar_team_id or self.env.ref(
            "solar_om_monitoring.helpdesk_team_solar_service", raise_if_not_found=False
        )
        tz = zone(site.tz)

        def local(moment):
            return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M %Z") if moment else "never"

        lines = [
            ("What was seen", verdict.reason),
            ("Since", local(at)),
            ("Last heard from", local(reading.last_report_at if reading else None)),
            (
                "Power now",
                f"{reading.power_w:.0f} W"
                if reading and reading.power_w is not None
                else "unknown",
            ),
            (
                "Energy today",
                f"{reading.energy_today_wh / 1000:.1f} kWh"
                if reading and reading.energy_today_wh is not None
                else "unknown",
            ),
            ("Capacity", f"{site.capacity_dc_kwp:g} kWp"),
            ("Vendor", f"{site.vendor or ''} site {site.vendor_site_ref or ''}"),
        ]
        description = Markup("<p>%s</p><ul>%s</ul>") % (
            escape(f"The monitoring saw a {kind} at {site.name}."),
            Markup("").join(
                Markup("<li><strong>%s:</strong> %s</li>") % (label, value)
                for label, value in lines
            ),
        )
        return {
            "name": f"{site.name}: {kind}",
            "description": description,
            "partner_id": site.partner_id.id,
            "partner_name": site.partner_id.name,
            "partner_email": site.partner_id.email,
            "project_id": site.project_id.id,
            "solar_site_id": site.id,
            "solar_monitoring": True,
            "category_id": category.id,
            "team_id": team.id if team else False,
            "user_id": False,
            "company_id": site.company_id.id,
            "channel_id": self.env.ref("solar_om_monitoring.helpdesk_ticket_channel_monitoring").id,
            "priority": str(int(ticket_rules.priority(fault.kind))),
        }

    @api.model
    def _solar_incident_ticket_values(self, fault, fleet_verdict):
        """The ticket for a vendor-outage incident, addressed to the company."""
        account = fault.account_id
        return {
            "name": self.env._(
                "%(vendor)s cloud outage: %(n)s sites silent (%(account)s)",
                vendor=dict(account._fields["vendor"].selection)[account.vendor],
                n=len(fleet_verdict.sites),
                account=account.name,
            ),
            "description": Markup("<p>%s</p>") % fleet_verdict.reason,
            "partner_id": fault.company_id.partner_id.id,
            "team_id": self.env.ref("solar_om_monitoring.helpdesk_team_solar_service").id,
            "user_id": False,
            "company_id": fault.company_id.id,
            "solar_monitoring": True,
            "channel_id": self.env.ref("solar_om_monitoring.helpdesk_ticket_channel_monitoring").id,
            "priority": str(int(ticket_rules.priority(FaultKind.VENDOR_OUTAGE))),
        }

    def _solar_add_fault(self, fault, verdict, escalate_to=None):
        """One open ticket per site problem: a new fault kind on the site
        joins this ticket with a line in the chatter; a more severe kind
        moves the ticket's case type (and its title) to that kind."""
        self.ensure_one()
        kinds = dict(FAULT_KINDS)
        self.message_post(
            body=self.env._(
                "The monitoring now also sees at this site: %(kind)s. %(reason)s",
                kind=kinds[fault.kind],
                reason=verdict.reason,
            ),
            subtype_xmlid="mail.mt_note",
        )
        if not escalate_to:
            return
        category = self._solar_case_category(escalate_to, fault.site_id.company_id)
        if not category or category == self.category_id:
            return
        before = self.category_id.name or ""
        self.write(
            {
                "category_id": category.id,
                "name": f"{fault.site_id.name}: {kinds[escalate_to]}",
            }
        )
        self.message_post(
            body=self.env._(
                "Case type moved from %(before)s to %(after)s: the more severe problem now.",
                before=before,
                after=category.name,
            ),
            subtype_xmlid="mail.mt_note",
        )

    @api.model
    def _solar_blind_ticket_values(self, fault, account):
        """The incident ticket of a blind account, for its O&M manager."""
        sites = account.with_context(active_test=True).site_count
        since = fault.first_seen.strftime("%Y-%m-%d %H:%M UTC")
        why = dict(account._fields["blind_reason"].selection)[account.blind_reason]
        return {
            "name": self.env._(
                "%(account)s: %(n)s sites are not being watched",
                account=account.name,
                n=sites,
            ),
            "description": Markup("<p>%s</p><p>%s</p>")
            % (
                self.env._(
                    "These %(n)s sites of the %(vendor)s account %(account)s are not being "
                    "watched since %(since)s: %(why)s. No fault of theirs can be seen "
                    "until polling works again.",
                    n=sites,
                    vendor=dict(account._fields["vendor"].selection)[account.vendor],
                    account=account.name,
                    since=since,
                    why=why,
                ),
                self.env._("This ticket closes by itself when the account is read again."),
            ),
            "partner_id": fault.company_id.partner_id.id,
            "team_id": self.env.ref("solar_om_monitoring.helpdesk_team_solar_service").id,
            "user_id": account.manager_id.id or False,
            "company_id": fault.company_id.id,
            "solar_monitoring": True,
            "channel_id": self.env.ref("solar_om_monitoring.helpdesk_ticket_channel_monitoring").id,
            "priority": "2",
        }

    def _solar_close_recovered(self, recovery_checks):
        """Close a ticket whose faults all went away, and say why; returns 1
        if it closed. A ticket a person has taken in hand, or with work
        orders still open, gets the note only: the person decides."""
        self.ensure_one()
        if self.closed:
            return 0
        owner = self.user_id
        decision = ticket_rules.on_recovery(
            signed_off=self.stage_id
            == self.env.ref("solar_om_monitoring.helpdesk_ticket_stage_verifying"),
            taken_in_hand=bool(owner) and not owner._is_superuser(),
            orders_open=bool(self.fsm_order_ids.filtered(lambda o: not o.is_closed)),
        )
        note = self.env._(
            "The monitoring saw this site report normally for %(n)s consecutive "
            "daylight checks: the fault is over.",
            n=recovery_checks,
        )
        if decision != ticket_rules.Recovery.CLOSE:
            why = (
                self.env._("%(user)s has this ticket in hand, so it stays open.", user=owner.name)
                if decision == ticket_rules.Recovery.NOTE_IN_HAND
                else self.env._("Work orders are still open, so it stays open.")
            )
            self.message_post(
                body=self.env._("%(note)s %(why)s", note=note, why=why),
                subtype_xmlid="mail.mt_note",
            )
            return 0
        self.write({"stage_id": self._solar_closed_stage().id})
        self.message_post(body=note + " " + self.env._("Closed automatically."))
        return 1

    @api.model
    def _solar_auto_dispatch(self, run):
        """Monitoring tickets of a type set to dispatch, still open and without
        a work order after its grace period, get one."""
        tickets = self.sudo().search(
            [
                ("solar_monitoring", "=", True),
                ("solar_site_id", "!=", False),
                ("closed", "=", False),
                ("fsm_order_ids", "=", False),
                ("category_id.solar_dispatch_after_hours", ">", 0),
            ]
        )
        now = naive_utc(run.at)
        due = tickets.filtered(
            lambda t: ticket_rules.dispatch_due(
                t.create_date, now, t.category_id.solar_dispatch_after_hours
            )
        )
        if due:
            due._solar_create_orders()
            run.stats["orders_dispatched"] += len(due)

    # ------------------------------------------------------------ work orders
    def _solar_local(self, moment):
        """A stored UTC time as the reading user sees it: their time zone,
        to the minute, zone named."""
        if not moment:
            return ""
        return fields.Datetime.context_timestamp(self, moment).strftime("%Y-%m-%d %H:%M %Z")

    def _solar_order_values(self):
        self.ensure_one()
        site = self.solar_site_id
        order_model = self.env["fsm.order"]
        faults = self._solar_open_faults()
        equipment = site.device_ids.filtered(lambda d: d.state == "in_service")
        description = Markup("<p><strong>%s</strong></p>") % self.name
        if faults:
            description += Markup("<ul>%s</ul>") % Markup("").join(
                Markup("<li>%s: %s (since %s)</li>")
                % (
                    dict(f._fields["kind"].selection)[f.kind],
                    f.reason or "",
                    self._solar_local(f.first_seen),
                )
                for f in faults
            )
        description += Markup("<p>%s</p>") % self.env._(
            "Last heard from %(seen)s; power %(power).0f W; energy today %(energy).1f kWh.",
            seen=self._solar_local(site.last_report_at) or self.env._("never"),
            power=site.last_power_w,
            energy=site.last_energy_today_kwh,
        )
        description += Markup("<p><strong>%s</strong></p><ul>%s</ul>") % (
            self.env._("Equipment"),
            Markup("").join(Markup("<li>%s</li>") % device.display_name for device in equipment),
        )
        # team: fieldservice takes it from the location, which mirrors the site
        return {
            "location_id": site.fsm_location_id.id,
            "person_id": site._fsm_assignee().id,
            "ticket_id": self.id,
            "solar_site_id": site.id,
            "priority": order_model._solar_priority(self.priority),
            "description": description,
            "todo": self.env["solar.brand.checklist"]._instructions_for(equipment.mapped("brand")),
            "company_id": self.company_id.id,
        }

    def action_create_solar_order(self):
        """One click from the ticket: a work order at the site's location with
        the fault, the last readings, the equipment and the brand's checklist."""
        self.ensure_one()
        self.check_access("write")
        if not self.solar_site_id:
            raise UserError(self.env._("Link the ticket to a solar site first."))
        order = self._solar_create_orders()
        return {
            "type": "ir.actions.act_window",
            "res_model": "fsm.order",
            "res_id": order.id,
            "view_mode": "form",
        }

    def _solar_create_orders(self):
        # agents work tickets; creating the order for them is the point of the button
        self.solar_site_id.sudo()._sync_fsm_location()
        orders = self.env["fsm.order"].sudo().create([t._solar_order_values() for t in self])
        self._solar_start_work()
        for ticket, order in zip(self, orders, strict=True):
            ticket.message_post(
                body=Markup("%s") % self.env._("Work order %(order)s created.", order=order.name),
                subtype_xmlid="mail.mt_note",
            )
            ticket._solar_follow_up("solar_om_monitoring.activity_plan_visit_booked")
        return orders

    def _solar_start_work(self):
        """A visit sent or a path chosen: the case is being worked, out of *New*."""
        new = self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_new", raise_if_not_found=False)
        in_progress = self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_in_progress")
        self.filtered(lambda t: new and t.stage_id == new).sudo().stage_id = in_progress

    def _solar_follow_up(self, plan_xmlid):
        """Launch a customer follow-up plan (welcome call and day-of-visit text
        when a visit is booked, satisfaction call once it is done) on the
        tickets, for whoever holds each one. The plans are data the back
        office edits; a plan it archived or emptied schedules nothing."""
        plan = self.env.ref(plan_xmlid, raise_if_not_found=False)
        if not plan or not plan.active:
            return
        today = fields.Date.context_today(self)
        for ticket in self:
            holder = ticket.user_id or ticket.team_id.user_id or self.env.user
            for template in plan.template_ids:
                responsible = (
                    holder
                    if template.responsible_type == "on_demand"
                    else template._determine_responsible(holder, ticket)["responsible"]
                )
                ticket.sudo().activity_schedule(
                    activity_type_id=template.activity_type_id.id,
                    date_deadline=template._get_date_deadline(today),
                    summary=template.summary,
                    note=template.note,
                    user_id=responsible.id,
                )

    def _solar_to_verifying(self):
        self._solar_follow_up("solar_om_monitoring.activity_plan_visit_done")
        for ticket in self:
            ticket.stage_id = self.env.ref("solar_om_monitoring.helpdesk_ticket_stage_verifying")
            ticket.message_post(
                body=self.env._(
                    "All work orders are done: the ticket waits for the monitoring to see "
                    "the site healthy before it closes."
                ),
                subtype_xmlid="mail.mt_note",
            )

    def _solar_closed_stage(self):
        """The team's *Done* stage, else its first closed one."""
        self.ensure_one()
        done = self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done", raise_if_not_found=False)
        stages = (
            self.team_id._get_applicable_stages()
            if self.team_id
            else self.env["helpdesk.ticket.stage"].search([("closed", "=", True)])
        )
        if done and done in stages:
            return done
        return stages.filtered("closed")[:1]

    def _solar_reopen(self, evidence):
        """Signed off, yet the monitoring still sees the fault: back to the team."""
        for ticket in self:
            ticket.stage_id = self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_in_progress")
            ticket.message_post(
                body=self.env._(
                    "Reopened: the work order was signed off but the site is still faulty. "
                    "The monitoring saw: %(evidence)s",
                    evidence=evidence,
                ),
                subtype_xmlid="mail.mt_comment",
            )
