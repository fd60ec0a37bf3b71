# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.tools import SQL

from solar_om_engine.faults import OpenFault
from solar_om_engine.kinds import fault_kind_choices

from .health_run import naive_utc, sql_values

# the engine's closed set: a test fails if the selection drifts from it
FAULT_KINDS = fault_kind_choices()


class SolarFault(models.Model):
    """A problem the monitoring saw, from first to last sighting.

    At most one fault per (site, kind) is open at a time, enforced by a
    partial unique index so that two health checks running at once still
    make one fault, and so one ticket. A vendor outage is an account-level
    fault without a site.
    """

    _name = "solar.fault"
    _description = "Solar Fault"
    # a vendor outage's incident: solar_fault_incident.py
    _inherit = ["mail.thread", "solar.fault.incident"]
    _order = "state, first_seen desc, id desc"
    # no name of its own: found by its site's or account's name, or what was seen
    _rec_names_search = ["site_id", "account_id", "reason"]

    site_id = fields.Many2one("solar.site", index=True, ondelete="cascade", readonly=True)
    account_id = fields.Many2one(
        "solar.monitoring.account", index=True, ondelete="cascade", readonly=True
    )
    partner_id = fields.Many2one(related="site_id.partner_id", string="Customer")
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    kind = fields.Selection(FAULT_KINDS, required=True, readonly=True)
    state = fields.Selection(
        [("open", "Open"), ("recovering", "Recovering"), ("closed", "Closed")],
        default="open",
        required=True,
        index=True,
        readonly=True,
        tracking=True,
    )
    first_seen = fields.Datetime(required=True, readonly=True)
    last_seen = fields.Datetime(required=True, readonly=True)
    closed_at = fields.Datetime(readonly=True)
    ok_streak = fields.Integer(
        string="Normal Checks", readonly=True, help="Consecutive normal daylight checks."
    )
    reason = fields.Char(readonly=True, help="What the check saw when it opened the fault.")
    ticket_id = fields.Many2one("helpdesk.ticket", index=True, readonly=True, ondelete="set null")

    _one_open_per_site_kind = models.UniqueIndex(
        "(site_id, kind) WHERE state != 'closed' AND site_id IS NOT NULL",
        "This site already has an open fault of this kind.",
    )
    _one_open_incident_per_account = models.UniqueIndex(
        "(account_id, kind) WHERE state != 'closed' AND site_id IS NULL",
        "This account already has an open incident of this kind.",
    )

    def _compute_display_name(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for fault in self:
            where = fault.site_id.name or fault.account_id.name or ""
            fault.display_name = f"{kinds.get(fault.kind, '')} – {where}"

    # ------------------------------------------------------------ health check
    @api.model
    def _health_open_of_sites(self, site_ids):
        """The sites' faults still open, as the engine's `OpenFault`s, each
        with its ticket while that ticket is open (one query)."""
        self.flush_model(["site_id", "kind", "state", "ok_streak", "ticket_id"])
        self.env["helpdesk.ticket"].flush_model(["active", "stage_id"])
        self.env["helpdesk.ticket.stage"].flush_model(["closed"])
        rows = self.env.execute_query(
            SQL(
                """
                SELECT f.id, f.site_id, f.kind, f.ok_streak,
                       CASE WHEN t.active AND NOT COALESCE(st.closed, FALSE) THEN t.id END
                FROM solar_fault f
                LEFT JOIN helpdesk_ticket t ON t.id = f.ticket_id
                LEFT JOIN helpdesk_ticket_stage st ON st.id = t.stage_id
                WHERE f.site_id = ANY(%s) AND f.state != 'closed'
                ORDER BY f.state, f.first_seen DESC, f.id DESC
                """,
                list(site_ids),
            )
        )
        return [
            OpenFault(fault_id, str(site_id), kind, ok_streak or 0, ticket=ticket_id)
            for fault_id, site_id, kind, ok_streak, ticket_id in rows
        ]

    @api.model
    def _health_insert(self, rows, conflict):
        """INSERT ... ON CONFLICT DO NOTHING: of two workers racing on the
        same fault, the second waits for the first and inserts nothing.
        `rows`: (site id, account id, company id, kind, seen, reason)."""
        uid = self.env.uid
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO solar_fault
                    (site_id, account_id, company_id, kind, state, first_seen, last_seen,
                     ok_streak, reason, create_uid, write_uid, create_date, write_date)
                SELECT v.site_id::int, v.account_id::int, v.company_id::int, v.kind, 'open',
                       v.seen::timestamp, v.seen::timestamp, 0, v.reason, %s, %s,
                       v.seen::timestamp, v.seen::timestamp
                FROM (VALUES %s) AS v(site_id, account_id, company_id, kind, seen, reason)
                ON CONFLICT %s DO NOTHING
                RETURNING id
                """,
                uid,
                uid,
                sql_values(rows),
                conflict,
            )
        )
        return self.sudo().browse([r[0] for r in self.env.cr.fetchall()])

    @api.model
    def _health_open_for_sites(self, verdicts, batch, evidence, run, actions=None):
        """A fault for each new site verdict, and its ticket: a new one, or
        the site's open monitoring ticket (`actions.attach`), whose case type
        moves to a more severe kind (`actions.escalate`)."""
        if not verdicts:
            return
        company = {str(row["id"]): row["company_id"] for row in batch}
        # a site fault names no account: with a foreign key to the account
        # row, every insert would lock it, and another worker's quota write
        # on that row would break this transaction (repeatable read)
        rows = [
            (int(v.site), None, company[v.site], v.kind, run.naive_at, v.reason[:500])
            for v in verdicts
        ]
        faults = self._health_insert(
            rows, SQL("(site_id, kind) WHERE state != 'closed' AND site_id IS NOT NULL")
        )
        run.stats["faults_opened"] += len(faults)
        by_site_kind = {(str(v.site), v.kind): v for v in verdicts}
        attach = actions.attach if actions else {}
        joining = faults.filtered(lambda f: str(f.site_id.id) in attach)
        if joining:
            joined = (
                self.env["helpdesk.ticket"]
                .sudo()
                .browse([attach[str(f.site_id.id)] for f in joining])
            )
            joining._link_tickets(joined)
            for fault, ticket in zip(joining, joined, strict=True):
                verdict = by_site_kind[(str(fault.site_id.id), fault.kind)]
                ticket._solar_add_fault(fault, verdict, actions.escalate.get(ticket.id))
            run.stats["tickets_joined"] += len(joining)
        faults -= joining
        categories = {}  # (kind, company) -> case type: one search per pair
        tickets = (
            self.env["helpdesk.ticket"]
            .sudo()
            .create(
                [
                    self.env["helpdesk.ticket"]._solar_fault_ticket_values(
                        fault,
                        by_site_kind[(str(fault.site_id.id), fault.kind)],
                        evidence.readings.get(str(fault.site_id.id)),
                        run.at,
                        categories,
                    )
                    for fault in faults
                ]
            )
        )
        run.stats["tickets_opened"] += len(tickets)
        faults._link_tickets(tickets)

    def _link_tickets(self, tickets):
        """Each fault of `self` to its ticket, in the same order, in one UPDATE."""
        if not self:
            return
        self.env.cr.execute(
            SQL(
                "UPDATE solar_fault AS f SET ticket_id = v.ticket_id::int"
                " FROM (VALUES %s) AS v(fault_id, ticket_id) WHERE f.id = v.fault_id::int",
                sql_values(list(zip(self.ids, tickets.ids, strict=True))),
            )
        )
        self.invalidate_recordset(["ticket_id"])

    @api.model
    def _health_touch(self, present_ids, recovering, at):
        """Faults seen again (streak back to 0) and faults recovering
        (`recovering`: fault id -> consecutive normal checks)."""
        if present_ids:
            self.env.cr.execute(
                SQL(
                    "UPDATE solar_fault SET last_seen = %s, ok_streak = 0, state = 'open'"
                    " WHERE id = ANY(%s)",
                    naive_utc(at),
                    present_ids,
                )
            )
        if recovering:
            self.env.cr.execute(
                SQL(
                    "UPDATE solar_fault AS f SET ok_streak = v.streak::int, state = 'recovering'"
                    " FROM (VALUES %s) AS v(id, streak) WHERE f.id = v.id::int",
                    sql_values(list(recovering.items())),
                )
            )

    @api.model
    def _health_close(self, fault_ids, run):
        """Close the faults gone away; a ticket left with no open fault is
        closed, or noted, by the ticket's own rule."""
        if not fault_ids:
            return
        faults = self.sudo().browse(fault_ids)
        faults.write(
            {"state": "closed", "closed_at": run.naive_at, "ok_streak": run.recovery_checks}
        )
        run.stats["faults_closed"] += len(faults)
        for ticket in faults.ticket_id:
            if ticket._solar_open_faults():
                continue
            run.stats["tickets_closed"] += ticket._solar_close_recovered(run.recovery_checks)

    def _reopen_signed_off(self, verdicts):
        """A ticket waiting in Verifying whose fault is seen again was signed
        off too early: it goes back to the team with what the check saw.
        Returns how many were reopened."""
        if not self:
            return 0
        # the stage's id as ir.model.data caches it (env.ref would check that
        # it exists: a query each check), and the faults whose ticket waits
        # there with what reopening needs, in one query
        verifying = self.env["ir.model.data"]._xmlid_to_res_id(
            "solar_om_monitoring.helpdesk_ticket_stage_verifying", raise_if_not_found=True
        )
        self.flush_recordset(["site_id", "ticket_id", "reason"])
        self.env["helpdesk.ticket"].flush_model(["stage_id"])
        waiting = {
            fault_id: (site_id, ticket_id, reason)
            for fault_id, site_id, ticket_id, reason in self.env.execute_query(
                SQL(
                    "SELECT f.id, f.site_id, f.ticket_id, f.reason FROM solar_fault f"
                    " JOIN helpdesk_ticket t ON t.id = f.ticket_id"
                    " WHERE f.id = ANY(%s) AND t.stage_id = %s",
                    self.ids,
                    verifying,
                )
            )
        }
        tickets = self.env["helpdesk.ticket"].sudo()
        reopened = 0
        for fault_id in self.ids:  # in the order given, as before
            if fault_id not in waiting:
                continue
            site_id, ticket_id, reason = waiting[fault_id]
            verdict = verdicts.get(str(site_id))
            tickets.browse(ticket_id)._solar_reopen(verdict.reason if verdict else reason)
            reopened += 1
        return reopened
