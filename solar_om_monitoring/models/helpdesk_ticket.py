# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A helpdesk ticket's monitoring side: its site, faults and lost energy,
who owns it, and every override of helpdesk_mgmt's ticket in this addon.

Each larger concern is an abstract model in its own file, inherited here by
name; the `_inherit` list below is the order in which their methods call
each other through super() (a concern extending another's method comes
before it): nothing depends on the order of imports."""

from collections import defaultdict

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.fields import Domain
from odoo.tools import SQL

from solar_om_engine import cases

# the context key under which a batch's create() keeps the subscriptions
# mail.thread asks for (`HelpdeskTicket._solar_auto_subscribe`)
DEFERRED = "solar_deferred_subscriptions"


class HelpdeskTicket(models.Model):
    _name = "helpdesk.ticket"
    _inherit = [
        "helpdesk.ticket",
        # the tickets the health check opens: the devices a verdict names and
        # a day verdict's figures extend the ticket the monitoring opens
        "solar.ticket.devices",
        "solar.ticket.day.notes",
        "solar.ticket.monitoring",
        # the SLA clocks stop and restart as the recovery moves the ticket
        "solar.ticket.sla.clock",
        "solar.ticket.recovery",
        "solar.ticket.work.order",
        "solar.ticket.customer",
        "solar.ticket.priority",
    ]

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
        self._solar_prefill_batch(vals_list)
        if not self._solar_chatter_in_batch(vals_list):
            tickets = super().create(vals_list)
        else:
            # mail.thread's create() makes the rows and subscribes the
            # creator; who else follows, and the "created" note, follow here
            # for the whole batch
            subscriptions = []
            tickets = super(
                HelpdeskTicket,
                self.with_context(mail_create_nolog=True, **{DEFERRED: subscriptions}),
            ).create(vals_list)
            tickets = tickets.with_env(self.env)
            tickets._solar_auto_subscribe(subscriptions)
            tickets._solar_log_creation()
        tickets._solar_assign_owner()
        return tickets

    def _solar_prefill_batch(self, vals_list):
        """What helpdesk_mgmt's create() fills ticket by ticket (a sequence
        search and a nextval for the number, a stage search for the team's
        first stage: three queries a ticket), filled once for a batch of
        new tickets (the health check's, the daily close's), with the same
        values: the numbers drawn in one statement from the sequence
        next_by_code would use, in the order of `vals_list`; the first stage
        of each team searched once. Anything else is left to helpdesk_mgmt."""
        if len(vals_list) < 2:
            return
        # the numbers: one sequence per company the numbers are drawn in
        Sequence = self.env["ir.sequence"]
        todo = defaultdict(list)
        for vals in vals_list:
            if vals.get("number", "/") == "/":
                # helpdesk_mgmt's with_company(), when the values name one
                todo[vals["company_id"] if "company_id" in vals else False].append(vals)
        if todo:
            Sequence.browse().check_access("read")
        for company, group in todo.items():
            if len(group) < 2:
                continue
            # next_by_code's search, in next_by_code's environment
            Drawn = Sequence.with_company(company)
            sequence = Drawn.search_fetch(
                [
                    ("code", "=", "helpdesk.ticket.sequence"),
                    ("company_id", "in", [Drawn.env.company.id, False]),
                ],
                ["implementation", "use_date_range", "prefix", "suffix", "padding"],
                order="company_id",
                limit=1,
            )
            # none, or a date-range or no-gap one: drawn by helpdesk_mgmt as before
            if sequence.implementation != "standard" or sequence.use_date_range:
                continue
            numbers = self.env.execute_query(
                SQL(
                    "SELECT nextval(%s) FROM generate_series(1, %s)",
                    f"ir_sequence_{sequence.id:03d}",
                    len(group),
                )
            )
            for vals, (number,) in zip(group, sorted(numbers), strict=True):
                vals["number"] = sequence.get_next_char(number)
        # the stages: the team's first applicable one, as helpdesk_mgmt picks it
        Team = self.env["helpdesk.ticket.team"]
        first_stage = {}
        for vals in vals_list:
            if vals.get("team_id") and "stage_id" not in vals:
                if vals["team_id"] not in first_stage:
                    team = Team.browse(vals["team_id"])
                    first_stage[vals["team_id"]] = team._get_applicable_stages()[:1].id
                vals["stage_id"] = first_stage[vals["team_id"]]

    # ------------------------------------------------------------ chatter
    # mail.thread's create() follows and notes each new ticket alone: a
    # subscription search, a message_post (its parent search, alias and
    # reply-to reads, INSERT, followers to notify) a ticket, six queries.
    # The monitoring's batches (the check's, the daily close's) get the same
    # followers and the same notes from Odoo's own methods called once a
    # batch: the same values message_post computes, the same notifications.
    def _solar_chatter_in_batch(self, vals_list):
        """Whether create() follows and notes these tickets in one go: a
        batch (one ticket is made by mail.thread as it is) of the
        monitoring's, with the chatter mail.thread would write (not disabled,
        a creation subtype: the "created" note is posted, not logged)."""
        context = self.env.context
        return (
            len(vals_list) > 1
            and all(vals.get("solar_monitoring") for vals in vals_list)
            and not context.get("tracking_disable")
            and not context.get("mail_create_nolog")
            and DEFERRED not in context
            and bool(self._creation_subtype())
        )

    def _message_auto_subscribe(self, updated_values, followers_existing_policy="skip"):
        # inside a batch's create(): what mail.thread's create() asks for
        # each ticket is kept for `_solar_auto_subscribe`
        deferred = self.env.context.get(DEFERRED)
        if deferred is not None and followers_existing_policy == "update" and len(self) == 1:
            deferred.append((self.id, updated_values))
            return True
        return super()._message_auto_subscribe(updated_values, followers_existing_policy)

    def _solar_auto_subscribe(self, subscriptions):
        """mail.thread's auto-subscription of each new ticket, `(id, create
        values)`, made once for the tickets whose values it reads are the
        same: the relations whose followers are followers of the ticket (the
        team's) and the owner."""
        relation = self.env["mail.message.subtype"]._get_auto_subscription_subtypes(self._name)[4]
        fnames = sorted({fname for fnames in relation.values() for fname in fnames} | {"user_id"})
        groups = defaultdict(list)
        for ticket_id, values in subscriptions:
            key = tuple((fname, values.get(fname)) for fname in fnames)
            try:
                groups[key].append(ticket_id)
            except TypeError:  # a value that is no id: the ticket alone
                self.browse(ticket_id)._message_auto_subscribe(values, "update")
        for key, ticket_ids in groups.items():
            self.browse(ticket_ids)._message_auto_subscribe(dict(key), "update")

    def _solar_log_creation(self):
        """The "created" note of each new ticket, as mail.thread's create()
        posts it (message_post in sudo, by the creator, the ticket's
        creation subtype), its values computed once for all: the tickets
        are new, so no earlier message is a parent. Followers of the subtype
        other than the author are notified by Odoo's own _notify_thread."""
        if not self:
            return
        subtype = self._creation_subtype()
        threads = self.sudo()._fallback_lang()
        author_id, email_from = threads._message_compute_author(self.env.user.partner_id.id, None)
        domains = threads._mail_get_alias_domains(default_company=threads.env.company)
        companies = threads._mail_get_companies(default=threads.env.company)
        reply_to = threads._notify_get_reply_to(default=email_from, author_id=author_id)
        values_list = []
        for ticket, thread in zip(self, threads, strict=True):
            body = Markup('<div summary="o_mail_notification"><p>%s</p></div>') % (
                ticket._creation_message()
            )
            values = {
                "email_add_signature": True,
                "author_id": author_id,
                "author_guest_id": False,
                "email_from": email_from,
                "model": self._name,
                "res_id": thread.id,
                "body": escape(body),
                "message_type": "notification",
                "parent_id": False,
                "subject": False,
                "subtype_id": subtype.id,
                "partner_ids": [],
                "incoming_email_to": False,
                "incoming_email_cc": False,
                "outgoing_email_to": False,
                "record_alias_domain_id": domains[thread.id].id,
                "record_company_id": companies[thread.id].id,
                "reply_to": reply_to[thread.id],
            }
            values.update(thread._process_attachments_for_post(None, [], values))
            values_list.append(values)
        messages = threads._message_create(values_list)
        # who follows the subtype, for all the tickets in one query; a note
        # nobody but its author (never notified of their own) or an archived
        # partner would get needs no notification: message_post's would
        # find no recipient either
        followers = self.env["mail.followers"]._get_recipient_data(
            threads, "notification", subtype.id
        )
        context = self.env.context
        skip = (
            False
            if context.get("mail_notify_author") or context.get("mail_notify_author_mention")
            else threads._message_compute_real_author(author_id).id
        )
        for thread, message, values in zip(threads, messages, values_list, strict=True):
            thread._message_post_after_hook(message, values)
            recipients = [
                pid
                for pid, data in followers.get(thread.id, {}).items()
                if pid != skip and data["active"] is not False
            ]
            if recipients:
                thread._notify_thread(message, values)

    def _creation_subtype(self):
        # helpdesk_mgmt's env.ref checks that the subtype exists: a query
        # per ticket created; its id is cached by ir.model.data
        return self.env["mail.message.subtype"].browse(
            self.env["ir.model.data"]._xmlid_to_res_id(
                "helpdesk_mgmt.hlp_tck_created", raise_if_not_found=True
            )
        )

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

    # ------------------------------------------------------------ the owner
    # helpdesk_mgmt's auto-assign gives a new ticket to whoever creates it,
    # which made the homeowner reporting a problem on the portal its assignee
    # (and OdooBot the owner of tickets made by the system). A customer's case
    # is owned as its case type routes it (the engine's `cases.case_owner`):
    # the type's owner, else its team's leader; a portal user never owns a
    # case. Monitoring tickets wait, unowned, for their team: a person taking
    # one in hand decides when it closes.
    @api.model
    def default_get(self, fields):
        defaults = super().default_get(fields)
        user = self.env["res.users"].browse(defaults.get("user_id") or [])
        # the creator is no owner when a customer (portal) or the system
        if user and (user.share or user._is_superuser()):
            defaults.pop("user_id")
        return defaults

    @api.constrains("user_id")
    def _check_owner_not_customer(self):
        for ticket in self:
            if ticket.user_id.share:
                raise ValidationError(
                    self.env._(
                        "%(ticket)s cannot be assigned to %(user)s: a customer (portal user) "
                        "never owns a case. Assign it to a member of the team.",
                        ticket=ticket.display_name,
                        user=ticket.user_id.name,
                    )
                )

    def _solar_assign_owner(self):
        """Give each unowned customer case the owner of its routing."""
        for ticket in self.filtered(lambda t: not t.user_id and not t.solar_monitoring):
            type_owner, lead = ticket.category_id.solar_user_id, ticket.team_id.user_id
            candidates = type_owner | lead
            owner = cases.case_owner(
                type_owner.id, lead.id, portal_users=candidates.filtered("share").ids
            )
            if owner:
                ticket.sudo().user_id = owner

    def _track_template(self, tracking):
        """A monitoring ticket closes without mailing the customer, unless the
        company asked for it: then with the monitoring's own mail."""
        res = super()._track_template(tracking)
        ticket = self[0]
        if "stage_id" not in res or not ticket.solar_monitoring:
            return res
        # the mail says the system works again: only for a ticket closed Done
        # with its faults over (a person cancelling one mails nobody)
        recovered = (
            ticket.stage_id.closed
            and ticket.stage_id == ticket._solar_closed_stage()
            and not ticket.sudo()._solar_open_faults()
        )
        if (
            ticket.company_id.solar_mail_monitoring_customers
            and recovered
            and ticket.solar_site_id
            and ticket._solar_customer().email
        ):
            template = self.env.ref("solar_om_monitoring.mail_template_ticket_closed")
            res["stage_id"] = (template, res["stage_id"][1])
        else:
            del res["stage_id"]
        return res

    def _get_sla_ticket_domain(self):
        # a monitoring clock's target is not an OCA stage deadline
        return Domain(super()._get_sla_ticket_domain()) & Domain("solar_clock", "=", False)
