# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The printed insurance appraisal of a site: system size, equipment,
install date and replacement value from the configured rates per kW."""

from odoo import models
from odoo.exceptions import UserError

from solar_om_engine import jobs


class SolarTicketAppraisal(models.AbstractModel):
    _name = "solar.ticket.appraisal"
    _description = "Solar Case: Insurance Appraisal"

    def _solar_appraisal(self):
        """System size, equipment, install date and replacement value from the
        configured rates per kW, for the printed appraisal."""
        self.ensure_one()
        site = self.solar_site_id
        if not site:
            raise UserError(
                self.env._("Link %(ticket)s to its solar site first.", ticket=self.display_name)
            )
        rates = self.env["solar.appraisal.rate"].search(
            [("company_id", "in", (self.company_id.id, False))]
        )
        try:
            lines, total = jobs.replacement_value(
                site.capacity_dc_kwp, [(r.name, r.rate_per_kw) for r in rates]
            )
        except ValueError as error:
            raise UserError(
                self.env._("%(site)s cannot be appraised: %(error)s", site=site.name, error=error)
            ) from error
        return {
            "site": site,
            "devices": site.sudo().device_ids.filtered(lambda d: d.state == "in_service"),
            "lines": lines,
            "total": total,
            "currency": self.company_id.currency_id,
        }

    def action_print_solar_appraisal(self):
        self.ensure_one()
        self._solar_appraisal()  # a clear error before the PDF, not inside it
        return self.env.ref("solar_om_cases.action_report_solar_appraisal").report_action(self)
