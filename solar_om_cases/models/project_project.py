# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ProjectProject(models.Model):
    _inherit = "project.project"

    solar_install_team_id = fields.Many2one(
        "fsm.team",
        string="Installation Crew",
        help="The crew that installed the system: it inspects the roof when a leak is reported.",
    )
    solar_operations_manager_id = fields.Many2one(
        "res.users",
        string="Operations Manager",
        help="Follows the service cases of the project's sites and hears of their milestones.",
    )
