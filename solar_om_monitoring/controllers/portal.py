# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict

from odoo import fields, http
from odoo.exceptions import AccessError, MissingError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal

from solar_om_engine.geo import zone


class SolarPortal(CustomerPortal):
    """The homeowner's pages: their systems, health in plain words,
    production against expected, their tickets with stage and next visit,
    and a form to report a problem. Sites are read as the portal user (the
    record rule keeps them to their own); the rest is read for those sites
    only."""

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "solar_site_count" in counters:
            Site = request.env["solar.site"]
            values["solar_site_count"] = Site.search_count([]) if Site.has_access("read") else 0
        return values

    def _solar_site_or_redirect(self, site_id):
        try:
            site = request.env["solar.site"].browse(site_id).exists()
            site.check_access("read")
        except (AccessError, MissingError):
            return None
        return site or None

    def _solar_overview(self, sites):
        """Per site: this month's energy and expected energy, the open tickets
        and their next visit, in three batched reads."""
        month_start = fields.Date.context_today(request.env.user).replace(day=1)
        production = dict.fromkeys(sites.ids, (0.0, 0.0))
        for site, energy, expected in (
            request.env["solar.production.daily"]
            .sudo()
            ._read_group(
                [("site_id", "in", sites.ids), ("day", ">=", month_start)],
                ["site_id"],
                ["energy_kwh:sum", "expected_kwh:sum"],
            )
        ):
            production[site.id] = (energy, expected)
        tickets = request.env["helpdesk.ticket"].search(
            [("solar_site_id", "in", sites.ids)], order="create_date desc"
        )
        next_visit = {}
        now = fields.Datetime.now()
        orders = (
            request.env["fsm.order"]
            .sudo()
            .search(
                [
                    ("ticket_id", "in", tickets.ids),
                    ("is_closed", "=", False),
                    ("scheduled_date_start", ">=", now),
                ],
                order="scheduled_date_start",
            )
        )
        for order in orders:
            next_visit.setdefault(order.ticket_id.id, order.scheduled_date_start)
        tickets_by_site = defaultdict(lambda: request.env["helpdesk.ticket"])
        for ticket in tickets:
            tickets_by_site[ticket.solar_site_id.id] |= ticket
        return production, tickets_by_site, next_visit

    def _solar_local(self, site, moment):
        if not moment:
            return ""
        return (
            fields.Datetime.to_datetime(moment)
            .replace(tzinfo=zone("UTC"))
            .astimezone(zone(site.tz))
            .strftime("%d %b %Y, %H:%M")
        )

    def _solar_values(self, sites, **extra):
        production, tickets_by_site, next_visit = self._solar_overview(sites)
        values = self._prepare_portal_layout_values()
        values.update(
            sites=sites,
            production=production,
            tickets_by_site=tickets_by_site,
            next_visit=next_visit,
            local=self._solar_local,
            page_name="solar_site",
            **extra,
        )
        return values

    @http.route(["/my/solar"], type="http", auth="user", website=True)
    def portal_my_solar_sites(self, **kw):
        sites = request.env["solar.site"].search([])
        return request.render(
            "solar_om_monitoring.portal_my_solar_sites", self._solar_values(sites)
        )

    @http.route(["/my/solar/<int:site_id>"], type="http", auth="user", website=True)
    def portal_my_solar_site(self, site_id, **kw):
        site = self._solar_site_or_redirect(site_id)
        if not site:
            return request.redirect("/my/solar")
        return request.render(
            "solar_om_monitoring.portal_my_solar_site",
            self._solar_values(
                site, site=site, thanks=self._solar_thanks(site, kw.get("reported"))
            ),
        )

    def _solar_thanks(self, site, ticket_id):
        """The thanks for the problem this homeowner just reported on this
        site: who will call and by when. Nothing for anyone else's ticket."""
        try:
            ticket = request.env["helpdesk.ticket"].sudo().browse(int(ticket_id or 0)).exists()
        except ValueError:
            return None
        if (
            not ticket
            or ticket.solar_site_id != site
            or ticket.partner_id != request.env.user.partner_id
        ):
            return None
        return dict(
            ticket.with_context(lang=request.env.lang)._solar_portal_thanks(), ticket=ticket
        )

    @http.route(
        ["/my/solar/<int:site_id>/report"],
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def portal_solar_report_problem(self, site_id, description="", **kw):
        """The homeowner reports a problem: a ticket on the site, routed and
        owned like any other case (never by the homeowner), followed on the
        portal like any other."""
        site = self._solar_site_or_redirect(site_id)
        if not site:
            return request.redirect("/my/solar")
        description = (description or "").strip()
        if not description:
            return request.redirect(f"/my/solar/{site.id}?error=empty")
        ticket = (
            request.env["helpdesk.ticket"].sudo().create(site._portal_ticket_values(description))
        )
        # back to the system's page: the thanks, who will call and by when
        return request.redirect(f"/my/solar/{site.id}?reported={ticket.id}")
