# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Account-level faults, without a site: a vendor's cloud outage (a whole
account silent at once) and a blind account (nothing of it can be read),
each with one incident ticket, closed when the account is read again."""

from odoo import api, models
from odoo.tools import SQL

from solar_om_engine.faults import OpenFault
from solar_om_engine.kinds import FaultKind

# the partial unique index an account's incident is inserted against
ONE_OPEN_INCIDENT = SQL("(account_id, kind) WHERE state != 'closed' AND site_id IS NULL")


class SolarFaultIncident(models.AbstractModel):
    _name = "solar.fault.incident"
    _description = "Fault: Vendor Incidents"

    @api.model
    def _health_open_incidents(self, accounts):
        """The accounts' vendor incidents still open, as `OpenFault`s."""
        rows = self.sudo().search_read(
            [
                ("site_id", "=", False),
                ("account_id", "in", accounts.ids),
                ("state", "!=", "closed"),
            ],
            ["account_id", "kind", "ok_streak"],
        )
        return [
            OpenFault(f["id"], None, f["kind"], f["ok_streak"], str(f["account_id"][0]))
            for f in rows
        ]

    @api.model
    def _health_open_incidents_for(self, fleet_verdicts, accounts, run):
        """A vendor-outage incident and its ticket for each account gone silent."""
        if not fleet_verdicts:
            return
        by_id = {str(a.id): a for a in accounts}
        rows = [
            (
                None,
                int(fv.account),
                by_id[fv.account].company_id.id,
                FaultKind.VENDOR_OUTAGE.value,
                run.naive_at,
                fv.reason[:500],
            )
            for fv in fleet_verdicts
        ]
        faults = self._health_insert(rows, ONE_OPEN_INCIDENT)
        run.stats["incidents_opened"] += len(faults)
        by_account = {fv.account: fv for fv in fleet_verdicts}
        tickets = (
            self.env["helpdesk.ticket"]
            .sudo()
            .create(
                [
                    self.env["helpdesk.ticket"]._solar_incident_ticket_values(
                        fault, by_account[str(fault.account_id.id)]
                    )
                    for fault in faults
                ]
            )
        )
        run.stats["tickets_opened"] += len(tickets)
        faults._link_tickets(tickets)

    @api.model
    def _health_blind_incident(self, account, run):
        """One open incident, and its ticket, while `account` is blind."""
        rows = [
            (
                None,
                account.id,
                account.company_id.id,
                FaultKind.ACCOUNT_BLIND.value,
                run.naive_at,
                account.blind_reason,
            )
        ]
        faults = self._health_insert(rows, ONE_OPEN_INCIDENT)
        if not faults:
            self.env.cr.execute(
                SQL(
                    "UPDATE solar_fault SET last_seen = %s WHERE account_id = %s"
                    " AND kind = 'account_blind' AND state != 'closed' AND site_id IS NULL",
                    run.naive_at,
                    account.id,
                )
            )
            return
        run.stats["incidents_opened"] += 1
        ticket = (
            self.env["helpdesk.ticket"]
            .sudo()
            .create(self.env["helpdesk.ticket"]._solar_blind_ticket_values(faults, account))
        )
        run.stats["tickets_opened"] += 1
        faults._link_tickets(ticket)

    @api.model
    def _health_close_blind_incident(self, account, run):
        """Polling works again: the incident closes, and its ticket with a note."""
        faults = self.sudo().search(
            [
                ("account_id", "=", account.id),
                ("kind", "=", "account_blind"),
                ("site_id", "=", False),
                ("state", "!=", "closed"),
            ]
        )
        if not faults:
            return
        faults.write({"state": "closed", "closed_at": run.naive_at})
        run.stats["faults_closed"] += len(faults)
        for ticket in faults.ticket_id.filtered(lambda t: not t.closed):
            ticket.message_post(
                body=self.env._(
                    "Polling works again: the sites of %(account)s are watched again. "
                    "Closed automatically.",
                    account=account.name,
                )
            )
            ticket.write({"stage_id": ticket._solar_closed_stage().id})
            run.stats["tickets_closed"] += 1
