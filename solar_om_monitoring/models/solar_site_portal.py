# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What the homeowner's portal asks of a site: its health in plain words,
and the ticket for a problem they report."""

from markupsafe import Markup

from odoo import models


class SolarSitePortal(models.AbstractModel):
    _name = "solar.site.portal"
    _description = "Solar Site: Customer Portal"

    def _portal_health(self):
        """The site's health for its owner: (tone, plain words)."""
        self.ensure_one()
        words = {
            "ok": ("success", self.env._("Working normally.")),
            "night": ("secondary", self.env._("Resting for the night.")),
            "unknown": ("secondary", self.env._("Not checked yet.")),
            "indeterminate": (
                "info",
                self.env._(
                    "We cannot tell right now: your system reports rarely; we will check again."
                ),
            ),
            "not_watched": ("secondary", self.env._("Not watched by our monitoring.")),
            "reporting": (
                "info",
                self.env._("Reporting to us; its production is checked later today."),
            ),
            "comms_loss": (
                "warning",
                self.env._(
                    "We have not heard from your system lately. This is most often the "
                    "internet connection or the gateway; we are looking into it."
                ),
            ),
            "vendor_outage": (
                "warning",
                self.env._(
                    "The manufacturer's monitoring service is down; nothing to do on your side."
                ),
            ),
            "inverter_fault": ("danger", self.env._("Your system is not producing. We are on it.")),
            "string_mlpe_fault": (
                "danger",
                self.env._("Part of your system is not producing. We are on it."),
            ),
            "underperformance": (
                "danger",
                self.env._("Your system is producing less than it should. We are on it."),
            ),
            "meter_fault": (
                "danger",
                self.env._("Your production meter is not reporting correctly."),
            ),
            "configuration_issue": (
                "danger",
                self.env._("Your system's monitoring needs setting up again. We are on it."),
            ),
        }
        return words.get(self.health_state, words["unknown"])

    def _portal_ticket_values(self, description):
        """A problem the owner reported on the portal: a ticket on this site
        for the service team to triage."""
        self.ensure_one()
        team = self.env.ref(
            "solar_om_monitoring.helpdesk_team_solar_service", raise_if_not_found=False
        )
        channel = self.env.ref(
            "helpdesk_mgmt.helpdesk_ticket_channel_web", raise_if_not_found=False
        )
        return {
            "name": self.env._("Problem reported on %(site)s", site=self.name),
            "description": Markup("<p>%s</p>") % description,
            "partner_id": self.env.user.partner_id.id,
            "partner_name": self.env.user.partner_id.name,
            "partner_email": self.env.user.partner_id.email,
            "solar_site_id": self.id,
            "project_id": self.project_id.id,
            "fsm_location_id": self.fsm_location_id.id,
            "team_id": team.id if team else False,
            "channel_id": channel.id if channel else False,
            "company_id": self.company_id.id,
        }
