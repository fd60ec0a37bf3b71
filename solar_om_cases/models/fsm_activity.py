# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class FsmActivity(models.Model):
    _inherit = "fsm.activity"

    # a Spanish-speaking technician reads the checklist in Spanish
    name = fields.Char(translate=True)
