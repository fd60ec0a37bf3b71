# Copyright 2026 Solar O&M
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ProjectProject(models.Model):
    _inherit = "project.project"

    solar_site_ids = fields.One2many("solar.site", "project_id", string="Solar Sites")
    solar_site_count = fields.Integer(
        compute="_compute_solar_site_count", groups="solar_om.group_solar_om_technician"
    )

    def _compute_solar_site_count(self):
        counts = dict(
            self.env["solar.site"]._read_group(
                [("project_id", "in", self.ids)], ["project_id"], ["__count"]
            )
        )
        for project in self:
            project.solar_site_count = counts.get(project, 0)

    def action_view_solar_sites(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("solar_om.solar_site_action")
        action["domain"] = [("project_id", "=", self.id)]
        action["context"] = {
            "default_project_id": self.id,
            "default_partner_id": self.partner_id.id,
        }
        return action
