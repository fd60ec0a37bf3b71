# Copyright 2026 Solar O&M
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class SolarContractLevel(models.Model):
    """The service an O&M contract buys (Standard, Premium, ...): the
    monitoring's SLA targets are set per level."""

    _name = "solar.contract.level"
    _description = "O&M Contract Level"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    description = fields.Text(translate=True, help="What the level promises the customer.")

    _name_uniq = models.Constraint("unique(name)", "This contract level already exists.")
