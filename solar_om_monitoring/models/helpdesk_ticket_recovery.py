# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A monitoring ticket after the fault: closed (or noted) when the site
recovers, back to the team when a signed-off fault is seen again, and a
work order sent by itself when its case type says so."""

from odoo import api, models

from solar_om_engine import service
from solar_om_engine import tickets as ticket_rules

from .health_run import naive_utc


class SolarTicketRecovery(models.AbstractModel):
    _name = "solar.ticket.recovery"
    _description = "Solar Ticket: Recovery"

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
        if self.env.context.get("solar_day_close"):
            note = self.env._(
                "The day judge found this site's production normal for %(n)s consecutive "
                "days: the fault is over.",
                n=recovery_checks,
            )
        else:
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
        # what remains of the case is settled in one place (the engine's rule)
        settlement = service.settle_on_recovery(**self._solar_recovery_case())
        if not settlement.close:
            self.message_post(
                body=self.env._(
                    "%(note)s It stays open until these are done: %(steps)s.",
                    note=note,
                    steps=", ".join(self._solar_settled_labels(settlement)),
                ),
                subtype_xmlid="mail.mt_note",
            )
            return 0
        self._solar_apply_settlement(settlement)
        self.write({"stage_id": self._solar_closed_stage().id})
        self.message_post(
            body=note + " " + self.env._("Closed automatically."), subtype_xmlid="mail.mt_note"
        )
        return 1

    def _solar_recovery_case(self):
        """What the engine's settlement reads of this case: its visits done
        (work orders closed, not cancelled) and the phases of its open
        customer follow-ups. solar_om_cases adds the path, outcome and steps."""
        self.ensure_one()
        cancelled = self.env.ref("fieldservice.fsm_stage_cancelled")
        done = self.fsm_order_ids.filtered(lambda o: o.is_closed and o.stage_id != cancelled)
        return {
            "path": None,
            "outcome": None,
            "open_steps": (),
            "done_visits": len(done),
            "follow_ups": tuple(self._solar_open_follow_ups().mapped("solar_follow_up")),
        }

    def _solar_open_follow_ups(self):
        return self.sudo().activity_ids.filtered("solar_follow_up")

    def _solar_settled_labels(self, settlement):
        """The steps the case still waits for, in words (solar_om_cases has steps)."""
        return []

    def _solar_apply_settlement(self, settlement):
        """Cancel the follow-ups that no longer apply, saying which and why
        (the satisfaction call after a visit stays)."""
        self.ensure_one()
        cancelled = self._solar_open_follow_ups().filtered(
            lambda a: a.solar_follow_up in settlement.cancel_follow_ups
        )
        if not cancelled:
            return
        why = (
            self.env._("the visit is over")
            if settlement.reason == service.Settled.AFTER_VISIT
            else self.env._("the site recovered before a visit was needed")
        )
        self.message_post(
            body=self.env._(
                "Planned follow-ups cancelled, %(why)s: %(activities)s.",
                why=why,
                activities=", ".join(a.summary or a.activity_type_id.name for a in cancelled),
            ),
            subtype_xmlid="mail.mt_note",
        )
        cancelled.action_cancel()

    @api.model
    def _solar_auto_dispatch(self, run):
        """Monitoring tickets of a type set to dispatch, still open and without
        a work order after its grace period, get one."""
        domain = [
            ("solar_monitoring", "=", True),
            ("solar_site_id", "!=", False),
            ("closed", "=", False),
            ("fsm_order_ids", "=", False),
            ("category_id.solar_dispatch_after_hours", ">", 0),
        ]
        # each waiting ticket with its type's grace period in one query (a
        # read grouped by ticket joins the type), every check
        now = naive_utc(run.at)
        due_ids = [
            ticket.id
            for ticket, grace_hours, opened_at in self.sudo()._read_group(
                domain,
                ["id", "category_id.solar_dispatch_after_hours"],
                ["create_date:max"],
            )
            if ticket_rules.dispatch_due(opened_at, now, grace_hours)
        ]
        if due_ids:
            # in the tickets' own order, as the work orders are numbered
            due = self.sudo().search([("id", "in", due_ids)])
            due._solar_create_orders()
            run.stats["orders_dispatched"] += len(due)

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
