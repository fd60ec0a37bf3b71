# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from markupsafe import Markup

from odoo import api, fields, models


class SolarBrandChecklist(models.Model):
    """A brand's check procedure, copied into a work order's instructions.

    Data records (translatable, editable by managers) instead of strings in
    Python: a new brand or a better step is a record, not a release."""

    _name = "solar.brand.checklist"
    _description = "Brand Check Procedure"
    _order = "sequence, id"

    name = fields.Char(string="Brand", required=True)
    brand_key = fields.Char(
        required=True,
        index=True,
        help="The device brand this procedure is for, as the equipment records "
        "spell it (compared without case).",
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    steps = fields.Html(
        translate=True,
        sanitize=True,
        help="The steps, as a numbered list: each step is translated on its own.",
    )

    _brand_key_uniq = models.Constraint("unique(brand_key)", "One procedure per brand.")

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("brand_key"):
                vals["brand_key"] = vals["brand_key"].strip().lower()
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("brand_key"):
            vals["brand_key"] = vals["brand_key"].strip().lower()
        return super().write(vals)

    @api.model
    def _instructions_for(self, brands):
        """The procedures of `brands` (device brand names) as one HTML text,
        each under its brand's name; False when none has one."""
        keys = {brand.strip().lower(): brand for brand in brands if brand}
        checklists = self.sudo().search([("brand_key", "in", list(keys))])
        by_key = {c.brand_key: c for c in checklists}
        items = [
            Markup("<p><strong>%s</strong></p>%s") % (brand, by_key[key].steps)
            for key, brand in sorted(keys.items(), key=lambda kv: kv[1])
            if key in by_key and by_key[key].steps
        ]
        return Markup("").join(items) or False
