# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""From a ticket to a work order at the site (fault, last readings,
equipment, the brand's checklist), and the customer follow-ups around the visit."""

from markupsafe import Markup

from odoo import fields, models
from odoo.exceptions import UserError

# when the activities each follow-up plan launches are useful
# (solar_om_engine.service.FOLLOW_UP_PHASES)
FOLLOW_UP_PLANS = {
    "solar_om_monitoring.activity_plan_visit_booked": "before_visit",
    "solar_om_monitoring.activity_plan_visit_done": "after_visit",
}


class SolarTicketWorkOrder(models.AbstractModel):
    _name = "solar.ticket.work.order"
    _description = "Solar Ticket: Work Orders"

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
                # the follow-up reads in the language of whoever does it
                wording = template.with_context(lang=responsible.lang or self.env.lang)
                ticket.sudo().activity_schedule(
                    activity_type_id=template.activity_type_id.id,
                    date_deadline=template._get_date_deadline(today),
                    summary=wording.summary,
                    note=wording.note,
                    user_id=responsible.id,
                    solar_follow_up=FOLLOW_UP_PLANS.get(plan_xmlid),
                )
