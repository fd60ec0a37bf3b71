# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from solar_om_engine import cases


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    solar_end_of_lease_days = fields.Integer(
        string="End Of Lease Lead Time (days)",
        config_parameter="solar_om_cases.end_of_lease_days",
        default=cases.END_OF_LEASE_LEAD_DAYS,
        help="How many days before a lease or PPA ends its End Of Lease case opens.",
    )

    @api.constrains("solar_end_of_lease_days")
    def _check_solar_end_of_lease_days(self):
        for settings in self:
            try:
                cases.end_of_lease_window(fields.Date.today(), settings.solar_end_of_lease_days)
            except ValueError as error:
                raise ValidationError(
                    self.env._("End Of Lease lead time: %(error)s", error=error)
                ) from error
