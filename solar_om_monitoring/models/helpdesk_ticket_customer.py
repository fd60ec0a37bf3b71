# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What the customer reads of a case: the mail when it closes and the
portal's thanks for a reported problem. Addressed by name, in the customer's
language, in plain words (never the internal fault kinds), with times in the
customer's time zone. A ticket the monitoring opened by itself mails the
customer only where the company says so, telling what happened and what was
done; the others keep helpdesk_mgmt's stage mails, worded for the customer."""

from datetime import datetime, timezone

from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import format_datetime

from solar_om_engine import cases
from solar_om_engine.geo import zone

# how a customer reads a date and time: "Monday 7 December, 14:20" (Babel
# pattern, the month and day names in the customer's language)
CUSTOMER_MOMENT = "EEEE d MMMM, HH:mm"


class SolarTicketCustomer(models.AbstractModel):
    _name = "solar.ticket.customer"
    _description = "Solar Ticket: What the Customer Reads"

    # what the closing mail template reads (in the customer's language)
    solar_customer_id = fields.Many2one(
        "res.partner", compute="_compute_solar_customer_message", string="Addressed To"
    )
    solar_customer_subject = fields.Char(compute="_compute_solar_customer_message")
    solar_customer_message = fields.Html(
        compute="_compute_solar_customer_message", string="Closing Message"
    )

    @api.depends_context("lang")
    def _compute_solar_customer_message(self):
        for ticket in self:
            ticket.solar_customer_id = ticket._solar_customer()
            ticket.solar_customer_subject = ticket._solar_customer_subject()
            ticket.solar_customer_message = Markup("").join(
                Markup("<p>%s</p>") % line for line in ticket._solar_customer_close_lines()
            )

    # ------------------------------------------------------------ the customer
    def _solar_customer(self):
        """Who the case is about: its contact, else the site's customer."""
        self.ensure_one()
        return self.partner_id or self.solar_site_id.partner_id

    def _solar_customer_tz(self):
        self.ensure_one()
        return (
            self._solar_customer().tz
            or self.solar_site_id.tz
            or self.company_id.partner_id.tz
            or "UTC"
        )

    def _solar_customer_moment(self, moment):
        """A stored UTC time as the customer reads it, in their zone and language."""
        if not moment:
            return ""
        return format_datetime(
            self.env,
            moment,
            tz=self._solar_customer_tz(),
            dt_format=CUSTOMER_MOMENT,
            lang_code=self.env.lang or self._solar_customer().lang,
        )

    def _solar_greeting(self):
        self.ensure_one()
        name = self._solar_customer().name or self.partner_name
        return self.env._("Dear %(name)s,", name=name) if name else self.env._("Dear customer,")

    def _solar_customer_words(self, kind):
        """What a fault kind was, as the customer reads it (the portal's words)."""
        return {
            "comms_loss": self.env._(
                "your system stopped reporting to us (most often its internet connection "
                "or its gateway)"
            ),
            "inverter_fault": self.env._("your system stopped producing electricity"),
            "string_mlpe_fault": self.env._("part of your system stopped producing electricity"),
            "underperformance": self.env._("your system was producing less than it should"),
            "meter_fault": self.env._("your production meter stopped reporting correctly"),
            "configuration_issue": self.env._("your system's monitoring needed setting up again"),
        }.get(kind, self.env._("your system needed our attention"))

    # ------------------------------------------------------------ closing mail
    def _solar_customer_subject(self):
        self.ensure_one()
        if self.solar_monitoring:
            return self.env._(
                "Your solar system at %(site)s works normally again (%(number)s)",
                site=self.solar_site_id.name,
                number=self.number,
            )
        return self.env._("Your request %(number)s is closed", number=self.number)

    def _solar_customer_close_lines(self):
        """The closing mail's paragraphs, in the rendering language."""
        self.ensure_one()
        lines = [self._solar_greeting()]
        if not self.solar_monitoring:
            lines.append(
                self.env._(
                    "Your request “%(name)s” (%(number)s) is now closed.",
                    name=self.name,
                    number=self.number,
                )
            )
            lines.append(
                self.env._("If it is not solved, reply to this email and we will look at it again.")
            )
            return lines
        faults = self.sudo().solar_fault_ids.sorted("first_seen")
        kinds = list(dict.fromkeys(faults.mapped("kind")))
        lines.append(
            self.env._(
                "On %(when)s our monitoring saw that %(what)s at %(site)s.",
                when=self._solar_customer_moment(faults[:1].first_seen or self.create_date),
                what=self.env._(" and ").join(self._solar_customer_words(k) for k in kinds)
                if kinds
                else self._solar_customer_words(None),
                site=self.solar_site_id.name,
            )
        )
        cancelled = self.env.ref("fieldservice.fsm_stage_cancelled")
        visits = (
            self.sudo()
            .fsm_order_ids.filtered(lambda o: o.is_closed and o.stage_id != cancelled)
            .sorted(lambda o: o.date_end or o.write_date)
        )
        if visits:
            lines.append(
                self.env._(
                    "Our technician visited your system on %(when)s to put it right.",
                    when=self._solar_customer_moment(visits[-1].date_end or visits[-1].write_date),
                )
            )
        else:
            lines.append(self.env._("It came back by itself: no visit to your home was needed."))
        recovered = max(faults.mapped("closed_at") or [self.closed_date or datetime.now()])
        lines.append(
            self.env._(
                "Since %(when)s it has been working normally again, so we have closed "
                "this case (%(number)s). If you notice anything, reply to this email.",
                when=self._solar_customer_moment(recovered),
                number=self.number,
            )
        )
        return lines

    # -------------------------------------------------------- portal: thanks
    def _solar_portal_thanks(self):
        """The homeowner's thanks for a problem they reported: who will call
        and by when (the company's promise in working hours, the engine's
        `cases.call_back_by`, in the homeowner's time zone)."""
        self.ensure_one()
        tz = zone(self._solar_customer_tz())
        reported = self.create_date.replace(tzinfo=timezone.utc).astimezone(tz)
        due = cases.call_back_by(reported, self.company_id.solar_callback_hours)
        due_utc = due.astimezone(timezone.utc).replace(tzinfo=None)
        caller = self.user_id.name or self.env._(
            "Someone of our %(team)s team", team=self.team_id.name
        )
        return {
            "greeting": self.env._(
                "Thank you, %(name)s: we have your report (%(number)s).",
                name=self._solar_customer().name,
                number=self.number,
            ),
            "call": self.env._(
                "%(caller)s will call you by %(when)s (your time).",
                caller=caller,
                when=self._solar_customer_moment(due_utc),
            ),
            "owner": self.user_id.name or "",
        }
