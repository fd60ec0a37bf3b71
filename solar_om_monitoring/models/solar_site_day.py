# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What the day judge keeps of a site between days, and shows of it.

- its history (`dayhistory.SiteHistory` as JSON: recent days, its levels'
  good days, the roof evidence, its devices' usual shares), written by the
  daily close and read by the next one;
- its roof as the day judge inferred it from its clear days, where nobody
  entered arrays: shown on the Roof tab as *inferred*, for the installer to
  confirm (which enters it as arrays; entered arrays always win);
- its last closed days, with their verdicts and shares (the Days page)."""

from odoo import fields, models
from odoo.exceptions import UserError


class SolarSiteDays(models.AbstractModel):
    _name = "solar.site.days"
    _description = "Solar Site: Judged Days"

    day_history = fields.Json(
        string="Day Judge History",
        readonly=True,
        prefetch=False,
        copy=False,
        help="What the day judge learned of the site from its earlier days "
        "(solar_om_engine.dayhistory), kept between daily closes.",
    )
    roof_inferred = fields.Json(
        string="Inferred Arrays",
        readonly=True,
        copy=False,
        help="The roof planes the day judge inferred from the site's clear days: "
        "[{dc_kwp, tilt, azimuth}].",
    )
    roof_inferred_text = fields.Char(
        string="Inferred Roof",
        readonly=True,
        copy=False,
        help="The roof the day judge inferred from the shape of the site's clear days, "
        "and judges the site on until someone enters or confirms its arrays.",
    )
    roof_clear_days = fields.Integer(
        string="Clear Days Seen",
        readonly=True,
        copy=False,
        help="Clear days whose shape told the roof (it is inferred once two agree).",
    )
    day_verdict_ids = fields.One2many(
        "solar.production.daily",
        "site_id",
        string="Judged Days",
        domain=[("day_closed_at", "!=", False)],
        readonly=True,
    )

    def action_confirm_inferred_roof(self):
        """The installer confirms the inferred roof: it becomes the site's
        arrays (which the checks and the day judge then read as entered)."""
        for site in self:
            if site.roof_orientation == "arrays" and site.array_ids:
                raise UserError(
                    self.env._(
                        "Site %(site)s already has its arrays entered: they are what the "
                        "monitoring uses, nothing to confirm.",
                        site=site.display_name,
                    )
                )
            if not site.roof_inferred:
                raise UserError(
                    self.env._(
                        "Site %(site)s has no inferred roof yet: it is learned from its "
                        "clear days.",
                        site=site.display_name,
                    )
                )
            site.write(
                {
                    "roof_orientation": "arrays",
                    "array_ids": [
                        fields.Command.clear(),
                        *(
                            fields.Command.create(
                                {
                                    "name": self.env._("Inferred"),
                                    "dc_kwp": plane["dc_kwp"],
                                    "tilt": plane["tilt"],
                                    "azimuth": plane["azimuth"],
                                }
                            )
                            for plane in site.roof_inferred
                        ),
                    ],
                }
            )
            site.message_post(
                body=self.env._(
                    "Roof confirmed as inferred from %(n)s clear days: %(roof)s.",
                    n=site.roof_clear_days,
                    roof=site.roof_inferred_text,
                )
            )
        return True
