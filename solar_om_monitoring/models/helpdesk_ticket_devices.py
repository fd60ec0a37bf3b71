# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The devices a verdict names down, on the ticket it opens or joins."""

from markupsafe import Markup

from odoo import api, models


class SolarTicketDevices(models.AbstractModel):
    _name = "solar.ticket.devices"
    _description = "Solar Ticket: Devices Down"

    @api.model
    def _solar_fault_ticket_values(self, fault, verdict, reading, at, categories=None):
        values = super()._solar_fault_ticket_values(fault, verdict, reading, at, categories)
        text = self._solar_devices_down_of(fault, verdict)
        if text:
            values["description"] = values["description"] + Markup("<p>%s</p>") % text
        return values

    def _solar_add_fault(self, fault, verdict, escalate_to=None):
        result = super()._solar_add_fault(fault, verdict, escalate_to)
        text = self._solar_devices_down_of(fault, verdict)
        if text:
            self.message_post(body=text, subtype_xmlid="mail.mt_note")
        return result

    @api.model
    def _solar_devices_down_of(self, fault, verdict):
        """The devices `verdict` names down at the fault's site, in words."""
        evidence = getattr(verdict, "evidence", None) or {}
        down = evidence.get("devices_down")
        if not down or not fault.site_id:
            return ""
        return fault.site_id._solar_devices_down_text(down, day=evidence.get("day"))
