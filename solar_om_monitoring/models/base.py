# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The ORM's INSERT of a create() in one statement a batch, for the models a
caller names (`bulk_insert.in_one_statement`): onboarding's customers, the
service locations and their contacts, the customers' chatter and followers.
Their create() (Odoo's, OCA's, any module's override) runs as it is."""

from odoo import api, models

from .bulk_insert import ONE_STATEMENT, create_rows


class Base(models.AbstractModel):
    _inherit = "base"

    @api.model
    def _create(self, data_list):
        if self._name in self.env.context.get(ONE_STATEMENT, ()):
            return create_rows(self, data_list)
        return super()._create(data_list)
