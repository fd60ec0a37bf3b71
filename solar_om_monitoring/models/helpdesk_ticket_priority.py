# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from dataclasses import fields as dataclass_fields

from odoo import api, models

from solar_om_engine import tickets as ticket_rules


class SolarTicketPriority(models.AbstractModel):
    """A monitoring ticket's priority follows what its fault has cost so far:
    the engine's rule (`tickets.priority_for_loss`), thresholds on the
    settings page."""

    _name = "solar.ticket.priority"
    _description = "Solar Ticket: Priority by Loss"

    @api.model
    def _solar_loss_thresholds(self):
        get = self.env["solar.health.check"]._health_params().get
        defaults = ticket_rules.LossThresholds()
        return ticket_rules.LossThresholds(
            **{
                f.name: float(
                    get(f"solar_om_monitoring.priority_{f.name}") or getattr(defaults, f.name)
                )
                for f in dataclass_fields(defaults)
            }
        )

    @api.model
    def _solar_follow_loss(self, site_ids):
        """Raise the open monitoring tickets of the sites `site_ids` (a batch
        of the health check) whose faults now cost more than a threshold: one
        search and one grouped read of the loss for the whole batch, a write
        per ticket raised (and its open orders)."""
        if not site_ids:
            return self.browse()
        # the fields the rule reads come with the search, in its own query
        tickets = self.sudo().search_fetch(
            [
                ("solar_site_id", "in", list(site_ids)),
                ("solar_monitoring", "=", True),
                ("stage_id.closed", "=", False),
            ],
            ["priority", "solar_fault_kind"],
        )
        # the batch's energy was just upserted in SQL: read the loss afresh
        tickets.invalidate_recordset(["solar_lost_energy_kwh", "solar_lost_value"])
        thresholds = self._solar_loss_thresholds()
        raised = self.browse()
        for ticket in tickets:  # the loss is read once for all (prefetch)
            priority = ticket_rules.raised_priority(
                int(ticket.priority or 0),
                ticket.solar_fault_kind,
                ticket.solar_lost_energy_kwh,
                ticket.solar_lost_value,
                thresholds,
            )
            if priority is None:
                continue
            ticket.priority = str(int(priority))
            ticket.fsm_order_ids.filtered(lambda o: not o.is_closed).priority = self.env[
                "fsm.order"
            ]._solar_priority(ticket.priority)
            ticket.message_post(
                body=self.env._(
                    "Priority raised to %(priority)s: the fault has cost %(kwh).0f kWh "
                    "(%(value)s) so far.",
                    priority=dict(ticket._fields["priority"]._description_selection(self.env))[
                        ticket.priority
                    ],
                    kwh=ticket.solar_lost_energy_kwh,
                    value=ticket.solar_currency_id.format(ticket.solar_lost_value),
                ),
                subtype_xmlid="mail.mt_note",
            )
            raised |= ticket
        return raised
