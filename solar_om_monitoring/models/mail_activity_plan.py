# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class MailActivityPlan(models.Model):
    """The customer follow-up plans ship in English and Spanish: the back
    office works in both, and a plan's name is what it picks in the chatter."""

    _inherit = "mail.activity.plan"

    name = fields.Char(translate=True)


class MailActivityPlanTemplate(models.Model):
    """Each planned activity's summary and note, translated like the plan,
    so the follow-up reaches its holder in their language."""

    _inherit = "mail.activity.plan.template"

    summary = fields.Char(translate=True)
    note = fields.Html(translate=True)
