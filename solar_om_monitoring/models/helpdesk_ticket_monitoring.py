# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The tickets the health check opens: a site fault's, a vendor outage's and
a blind account's, and a new fault joining a site's open ticket."""

from markupsafe import Markup, escape

from odoo import api, models

from solar_om_engine import tickets as ticket_rules
from solar_om_engine.classify import CASE_TYPES
from solar_om_engine.geo import zone
from solar_om_engine.kinds import FaultKind

from .health_run import local_minute
from .solar_fault import FAULT_KINDS


class SolarTicketMonitoring(models.AbstractModel):
    _name = "solar.ticket.monitoring"
    _description = "Solar Ticket: Opened by Monitoring"

    @api.model
    def _solar_monitoring_values(self, company, priority, team=None):
        """What every ticket the monitoring opens has: its channel, no owner
        yet, the service team unless its case type names another."""
        # the module's own records by their cached ids: env.ref would check
        # that each exists, a query per ticket
        xmlid_to_id = self.env["ir.model.data"]._xmlid_to_res_id
        return {
            "solar_monitoring": True,
            "team_id": team.id
            if team
            else xmlid_to_id(
                "solar_om_monitoring.helpdesk_team_solar_service", raise_if_not_found=False
            ),
            "user_id": False,
            "company_id": company.id,
            "channel_id": xmlid_to_id(
                "solar_om_monitoring.helpdesk_ticket_channel_monitoring", raise_if_not_found=False
            ),
            "priority": str(int(priority)),
        }

    @api.model
    def _solar_case_category(self, kind, company):
        """The case type the engine files a fault kind under, in `company`."""
        code = CASE_TYPES.get(kind)
        if not code:
            return self.env["helpdesk.ticket.category"]
        # its team, which the ticket is routed to, in the search's own query
        return (
            self.env["helpdesk.ticket.category"]
            .sudo()
            .search_fetch(
                [("solar_case_code", "=", code), ("company_id", "in", [company.id, False])],
                ["solar_team_id"],
                limit=1,
            )
        )

    @api.model
    def _solar_fault_ticket_values(self, fault, verdict, reading, at, categories=None):
        """The ticket for a site fault: what was seen, when, the last readings.
        `categories`: the case types already looked up, by (kind, company)."""
        site = fault.site_id
        kind = dict(FAULT_KINDS)[fault.kind]
        categories = {} if categories is None else categories
        key = (fault.kind, site.company_id.id)
        if key not in categories:
            categories[key] = self._solar_case_category(fault.kind, site.company_id)
        category = categories[key]
        tz = zone(site.tz)

        def local(moment):
            return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M %Z") if moment else "never"

        lines = [
            ("What was seen", verdict.reason),
            ("Since", local(at)),
            ("Last heard from", local(reading.last_report_at if reading else None)),
            (
                "Power now",
                f"{reading.power_w:.0f} W"
                if reading and reading.power_w is not None
                else "unknown",
            ),
            (
                "Energy today",
                f"{reading.energy_today_wh / 1000:.1f} kWh"
                if reading and reading.energy_today_wh is not None
                else "unknown",
            ),
            ("Capacity", f"{site.capacity_dc_kwp:g} kWp"),
            ("Vendor", f"{site.vendor or ''} site {site.vendor_site_ref or ''}"),
        ]
        description = Markup("<p>%s</p><ul>%s</ul>") % (
            escape(f"The monitoring saw a {kind} at {site.name}."),
            Markup("").join(
                Markup("<li><strong>%s:</strong> %s</li>") % (label, value)
                for label, value in lines
            ),
        )
        return {
            "name": f"{site.name}: {kind}",
            "description": description,
            "partner_id": site.partner_id.id,
            "partner_name": site.partner_id.name,
            "partner_email": site.partner_id.email,
            "project_id": site.project_id.id,
            "fsm_location_id": site.fsm_location_id.id,
            "solar_site_id": site.id,
            "category_id": category.id,
            **self._solar_monitoring_values(
                site.company_id, ticket_rules.priority(fault.kind), category.solar_team_id
            ),
        }

    @api.model
    def _solar_incident_ticket_values(self, fault, fleet_verdict):
        """The ticket for a vendor-outage incident, addressed to the company."""
        account = fault.account_id
        return {
            "name": self.env._(
                "%(vendor)s cloud outage: %(n)s sites silent (%(account)s)",
                vendor=dict(account._fields["vendor"].selection)[account.vendor],
                n=len(fleet_verdict.sites),
                account=account.name,
            ),
            "description": Markup("<p>%s</p>") % fleet_verdict.reason,
            "partner_id": fault.company_id.partner_id.id,
            **self._solar_monitoring_values(
                fault.company_id, ticket_rules.priority(FaultKind.VENDOR_OUTAGE)
            ),
        }

    def _solar_add_fault(self, fault, verdict, escalate_to=None):
        """One open ticket per site problem: a new fault kind on the site
        joins this ticket with a line in the chatter; a more severe kind
        moves the ticket's case type (and its title) to that kind."""
        self.ensure_one()
        kinds = dict(FAULT_KINDS)
        self.message_post(
            body=self.env._(
                "The monitoring now also sees at this site: %(kind)s. %(reason)s",
                kind=kinds[fault.kind],
                reason=verdict.reason,
            ),
            subtype_xmlid="mail.mt_note",
        )
        if not escalate_to:
            return
        category = self._solar_case_category(escalate_to, fault.site_id.company_id)
        if not category or category == self.category_id:
            return
        before = self.category_id.name or ""
        self.write(
            {
                "category_id": category.id,
                "name": f"{fault.site_id.name}: {kinds[escalate_to]}",
            }
        )
        self.message_post(
            body=self.env._(
                "Case type moved from %(before)s to %(after)s: the more severe problem now.",
                before=before,
                after=category.name,
            ),
            subtype_xmlid="mail.mt_note",
        )

    @api.model
    def _solar_blind_ticket_values(self, fault, account):
        """The incident ticket of a blind account, for its O&M manager."""
        sites = account.with_context(active_test=True).site_count
        since = local_minute(fault.first_seen, account._solar_reader_tz())
        why = dict(account._fields["blind_reason"].selection)[account.blind_reason]
        return {
            "name": self.env._(
                "%(account)s: %(n)s sites are not being watched",
                account=account.name,
                n=sites,
            ),
            "description": Markup("<p>%s</p><p>%s</p>")
            % (
                self.env._(
                    "These %(n)s sites of the %(vendor)s account %(account)s are not being "
                    "watched since %(since)s: %(why)s. No fault of theirs can be seen "
                    "until polling works again.",
                    n=sites,
                    vendor=dict(account._fields["vendor"].selection)[account.vendor],
                    account=account.name,
                    since=since,
                    why=why,
                ),
                self.env._("This ticket closes by itself when the account is read again."),
            ),
            "partner_id": fault.company_id.partner_id.id,
            **self._solar_monitoring_values(
                fault.company_id, ticket_rules.priority(FaultKind.ACCOUNT_BLIND)
            ),
            "user_id": account.manager_id.id or False,
        }
