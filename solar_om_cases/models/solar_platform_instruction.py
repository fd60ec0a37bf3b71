# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from markupsafe import Markup

from odoo import api, fields, models

from odoo.addons.solar_om.models.solar_site import VENDORS


class SolarPlatformInstruction(models.Model):
    """One step of a manufacturer's monitoring-app set-up, posted on a case
    when the customer asks how to get onto the platform. Data, translatable,
    so the back office keeps it in step with the manufacturer's app."""

    _name = "solar.platform.instruction"
    _description = "Monitoring Platform Set-up Step"
    _order = "vendor, sequence, id"

    vendor = fields.Selection(VENDORS, required=True, index=True)
    sequence = fields.Integer(default=10)
    name = fields.Text(string="Step", required=True, translate=True)
    active = fields.Boolean(default=True)

    @api.model
    def _render(self, vendor):
        """The vendor's steps as a note, in the reader's language."""
        steps = self.search([("vendor", "=", vendor)]) if vendor else self.browse()
        if not steps:
            return self.env._(
                "No set-up instructions are known for this site's monitoring platform: "
                "ask the manufacturer."
            )
        return Markup("<p>%s</p><ol>%s</ol>") % (
            self.env._("Monitoring platform set-up, the manufacturer's instructions:"),
            Markup("").join(Markup("<li>%s</li>") % step.name for step in steps),
        )
