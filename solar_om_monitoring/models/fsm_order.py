# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict
from datetime import datetime, timedelta, timezone

from odoo import api, fields, models

from solar_om_engine.geo import zone

# the days the order's Production button sums up
RECENT_DAYS = 7


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

    solar_production_ratio = fields.Float(
        string="Of Expected",
        compute="_compute_solar_production_ratio",
        help="What the site made in the last 7 days against what it should have made.",
    )

    def _compute_solar_production_ratio(self):
        # production days are the site's local dates: the week ends at the
        # site's today, whatever the reader's time zone
        now = datetime.now(timezone.utc)
        sites = self.solar_site_id
        today = {site: now.astimezone(zone(site.tz or "UTC")).date() for site in sites}
        days = self.env["solar.production.daily"]._read_group(
            [
                ("site_id", "in", sites.ids),
                (
                    "day",
                    ">=",
                    min(today.values(), default=now.date()) - timedelta(days=RECENT_DAYS),
                ),
                ("expected_kwh", ">", 0),
            ],
            ["site_id", "day:day"],
            ["energy_kwh:sum", "expected_kwh:sum"],
        )
        made, expected = defaultdict(float), defaultdict(float)
        for site, day, energy, due in days:
            if day >= today[site] - timedelta(days=RECENT_DAYS):
                made[site] += energy
                expected[site] += due
        for order in self:
            site = order.solar_site_id
            order.solar_production_ratio = made[site] / expected[site] if expected[site] else 0.0

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
        """The site's days, made against expected, newest first: on a phone
        the drop reads as red rows, not as a chart to pinch."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "solar_om_monitoring.solar_production_day_action"
        )
        action["domain"] = [("site_id", "=", self.solar_site_id.id)]
        action["display_name"] = self.env._(
            "Production of %(site)s", site=self.solar_site_id.display_name
        )
        return action

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
