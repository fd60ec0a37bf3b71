# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict
from datetime import datetime, timedelta, timezone
from urllib.parse import quote, urlencode

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import html2plaintext

from solar_om_engine import jobs
from solar_om_engine.geo import zone

# the days the order's Production button sums up
RECENT_DAYS = 7
# who goes where for which case: set by the dispatcher, read by the crew
DISPATCH_FIELDS = frozenset(
    {"ticket_id", "location_id", "person_id", "person_ids", "team_id", "template_id"}
)
# directions from wherever the phone is (Google Maps URLs open the maps app
# on Android and iOS: https://developers.google.com/maps/documentation/urls/get-started)
DIRECTIONS_URL = "https://www.google.com/maps/dir/?"


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

    # the visit card at the top of the order: whom to call, where to drive
    solar_customer_id = fields.Many2one(
        related="solar_site_id.partner_id", string="Customer", readonly=True
    )
    solar_customer_phone = fields.Char(
        related="solar_site_id.partner_id.phone", string="Customer Phone", readonly=True
    )
    solar_site_address = fields.Char(
        string="Address", compute="_compute_solar_site_address", help="The site's address."
    )
    solar_directions_url = fields.Char(
        string="Directions",
        compute="_compute_solar_site_address",
        help="Directions to the roof (its coordinates, else its address) in the phone's maps app.",
    )
    solar_can_dispatch = fields.Boolean(
        string="Dispatches Orders",
        compute="_compute_solar_can_dispatch",
        help="The reader dispatches orders: ticket, location and assignee are theirs to change.",
    )

    solar_production_ratio = fields.Float(
        string="Of Expected",
        compute="_compute_solar_production_ratio",
        help="What the site made in the last 7 days against what it should have made.",
    )

    @api.depends(
        "solar_site_id.street",
        "solar_site_id.street2",
        "solar_site_id.zip",
        "solar_site_id.city",
        "solar_site_id.country_id",
        "solar_site_id.latitude",
        "solar_site_id.longitude",
        "solar_site_id.partner_id",
    )
    def _compute_solar_site_address(self):
        for order in self:
            site = order.solar_site_id.sudo()
            # the site's own address, else the customer's (a site typed in
            # before its address was known)
            holder = site if (site.street or site.city) else site.partner_id
            town = " ".join(part for part in (holder.zip, holder.city) if part)
            parts = (holder.street, holder.street2, town, holder.country_id.name)
            address = ", ".join(part for part in parts if part)
            order.solar_site_address = address or False
            if site.latitude or site.longitude:
                destination = f"{site.latitude:.6f},{site.longitude:.6f}"
            else:
                destination = address
            order.solar_directions_url = (
                DIRECTIONS_URL + urlencode({"api": 1, "destination": destination}, quote_via=quote)
                if destination
                else False
            )

    @api.depends_context("uid")
    def _compute_solar_can_dispatch(self):
        can = self.env.user.has_group("fieldservice.group_fsm_dispatcher")
        for order in self:
            order.solar_can_dispatch = can

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
        self._solar_check_dispatch_fields(vals)
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

    def _solar_photo_count(self):
        """The photos taken on site: the order's Photos, and the images and
        videos attached in its chatter."""
        self.ensure_one()
        order = self.sudo()
        chatter = (
            self.env["ir.attachment"]
            .sudo()
            .search_count(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "=", self.id),
                    ("id", "not in", order.solar_photo_ids.ids),
                    "|",
                    ("mimetype", "=like", "image/%"),
                    ("mimetype", "=like", "video/%"),
                ]
            )
        )
        return len(order.solar_photo_ids) + chatter

    def _solar_check_dispatch_fields(self, vals):
        """The crew works the order it was sent on; which case, which place
        and who goes are the dispatcher's (the form shows them read-only)."""
        changed = DISPATCH_FIELDS & set(vals)
        if (
            not changed
            or self.env.su
            or self.env.user.has_group("fieldservice.group_fsm_dispatcher")
        ):
            return
        labels = ", ".join(
            sorted(self._fields[name].get_description(self.env)["string"] for name in changed)
        )
        raise AccessError(
            self.env._(
                "%(orders)s: %(fields)s are set by the dispatcher; ask the back office to "
                "change them.",
                orders=", ".join(self.mapped("name")),
                fields=labels,
            )
        )

    def _solar_check_sign_off(self):
        # a solar site's work order only: the installer's other field
        # service keeps fieldservice's own completion
        for order in self.filtered("solar_site_id"):
            missing = jobs.sign_off_missing(html2plaintext(order.resolution or ""))
            if "resolution" in missing:
                raise UserError(
                    self.env._(
                        "%(order)s cannot be completed without its resolution: write what you "
                        "found and what you did in Resolution, then complete it.",
                        order=order.name,
                    )
                )

    def action_complete(self):
        """A sign-off on a solar site needs the resolution and records when
        it was made (Actual End, unless the crew entered it).

        A solar ticket is not closed by a sign-off: when its last order is
        done it waits in *Verifying* until the monitoring sees the site
        healthy (the health check closes it, or reopens it with evidence)."""
        self._solar_check_sign_off()
        result = super().action_complete()
        self.filtered(lambda o: not o.date_end).date_end = fields.Datetime.now()
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
