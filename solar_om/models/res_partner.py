# Copyright 2026 Solar O&M
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    solar_site_ids = fields.One2many("solar.site", "partner_id", string="Solar Sites")
    solar_site_count = fields.Integer(
        compute="_compute_solar_site_count", groups="solar_om.group_solar_om_technician"
    )

    def _compute_solar_site_count(self):
        counts = dict(
            self.env["solar.site"]._read_group(
                [("partner_id", "child_of", self.ids)],
                ["partner_id"],
                ["__count"],
            )
        )
        totals = dict.fromkeys(self, 0)
        for site_partner, count in counts.items():
            # a site of a contact at any depth counts for each ancestor shown
            ancestor = site_partner
            while ancestor:
                if ancestor in totals:
                    totals[ancestor] += count
                ancestor = ancestor.parent_id
        for partner in self:
            partner.solar_site_count = totals[partner]

    def action_view_solar_sites(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("solar_om.solar_site_action")
        action["domain"] = [("partner_id", "child_of", self.id)]
        action["context"] = {"default_partner_id": self.id}
        return action
