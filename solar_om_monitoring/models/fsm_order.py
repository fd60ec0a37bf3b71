# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class FsmOrder(models.Model):
    _inherit = "fsm.order"

    solar_site_id = fields.Many2one("solar.site", index=True, readonly=True, copy=False)
    solar_device_ids = fields.One2many(related="solar_site_id.device_ids", string="Site Equipment")
    solar_map_url = fields.Char(related="solar_site_id.map_url", string="Map")
    solar_photo_ids = fields.Many2many(
        "ir.attachment",
        "fsm_order_solar_photo_rel",
        "order_id",
        "attachment_id",
        string="Photos",
        help="Photos and videos taken on site: readings, labels, damage, the repair.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        orders = super().create(vals_list)
        orders._solar_stop_dispatch_clock()
        return orders

    def write(self, vals):
        result = super().write(vals)
        if vals.get("person_id") or vals.get("scheduled_date_start"):
            self._solar_stop_dispatch_clock()
        return result

    def _solar_stop_dispatch_clock(self):
        """An order with a technician or a date is dispatched: its ticket's
        dispatch clock stops (the first time)."""
        self.filtered(
            lambda o: o.ticket_id and (o.person_id or o.scheduled_date_start)
        ).ticket_id._solar_mark_dispatched()

    def action_complete(self):
        """A solar ticket is not closed by a sign-off: when its last order is
        done it waits in *Verifying* until the monitoring sees the site
        healthy (the health check closes it, or reopens it with evidence)."""
        result = super().action_complete()
        solar = self.ticket_id.filtered("solar_site_id")
        for ticket in solar:
            if ticket.fsm_order_ids and all(ticket.fsm_order_ids.mapped("is_closed")):
                ticket.sudo()._solar_to_verifying()
        if (
            solar
            and isinstance(result, dict)
            and result.get("res_model") == "fsm.order.close.wizard"
        ):
            return True
        return result

    def action_view_solar_production(self):
        """The site's last 30 days against expected: the technician sees the drop."""
        self.ensure_one()
        return self.solar_site_id.action_view_production()

    def action_solar_replace_device(self):
        """The technician swaps a device from the order: the old one stays on
        the site as history, the new serial is added, the order says so."""
        self.ensure_one()
        return self.env["solar.device.replace"].action_open(
            {"solar_fsm_order_id": self.id, "solar_site_id": self.solar_site_id.id}
        )

    @api.model
    def _solar_priority(self, helpdesk_priority):
        # helpdesk: 0 low, 1 medium, 2 high, 3 very high
        # fieldservice: 1 low, 0 normal, 2 high, 3 urgent
        return {"0": "1", "1": "0", "2": "2", "3": "3"}.get(helpdesk_priority, "0")
