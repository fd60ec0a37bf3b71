# Copyright 2026 Solar O&M
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from solar_om_engine.readings import ReadingError, parse_arrays


class SolarSiteArray(models.Model):
    """One roof plane of a site: what the health check needs to know what
    the roof should produce (an east/west roof has two)."""

    _name = "solar.site.array"
    _description = "Solar Site Roof Array"
    _order = "site_id, sequence, id"

    site_id = fields.Many2one("solar.site", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="site_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Roof", help="e.g. East roof, garage")
    dc_kwp = fields.Float(string="DC (kWp)", digits=(16, 3), required=True)
    tilt = fields.Float(
        string="Tilt (°)", digits=(5, 1), default=30.0, help="0 = flat, 90 = a wall"
    )
    azimuth = fields.Float(
        string="Azimuth (°)",
        digits=(5, 1),
        default=180.0,
        help="Direction the panels face, clockwise from north: 90 east, 180 south, 270 west",
    )

    @api.constrains("dc_kwp", "tilt", "azimuth")
    def _check_geometry(self):
        for array in self:
            try:
                parse_arrays(
                    array.site_id.display_name,
                    [{"dc_kwp": array.dc_kwp, "tilt": array.tilt, "azimuth": array.azimuth}],
                )
            except ReadingError as err:
                field = err.field.split(".")[-1]
                label = self._fields[field].string if field in self._fields else field
                raise ValidationError(
                    self.env._(
                        "Roof %(roof)s of site %(site)s: %(field)s %(problem)s",
                        roof=array.name or "",
                        site=array.site_id.display_name,
                        field=label,
                        problem=err.problem,
                    )
                ) from err
