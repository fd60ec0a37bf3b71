# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

from solar_om_engine.service import FOLLOW_UP_PHASES

FOLLOW_UP_LABELS = {"before_visit": "Before the Visit", "after_visit": "After the Visit"}


class MailActivity(models.Model):
    """A customer follow-up knows when it is useful: the welcome call and
    the day-of-visit text before the visit, the satisfaction call after it.
    When the monitoring closes a case, the engine's settlement cancels the
    ones that no longer apply by this (solar_om_engine.service)."""

    _inherit = "mail.activity"

    solar_follow_up = fields.Selection(
        [(phase, FOLLOW_UP_LABELS[phase]) for phase in FOLLOW_UP_PHASES],
        string="Customer Follow-up",
        readonly=True,
        help="Planned by a customer follow-up plan around a site visit.",
    )
