# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models, tools
from odoo.tools import SQL


class SolarSqlView(models.AbstractModel):
    """A report read from a database view built from overridable `_select`,
    `_from`, `_where` and `_group_by` parts, as Odoo's own reports are, so an
    extension changes one part rather than the whole query."""

    _name = "solar.sql.view"
    _description = "Solar O&M Report View"

    def _where(self):
        return SQL("TRUE")

    def _group_by(self):
        return SQL()  # no grouping

    def init(self):
        if self._abstract:
            return
        query = SQL("SELECT %s FROM %s WHERE %s", self._select(), self._from(), self._where())
        group_by = self._group_by()
        if group_by:
            query = SQL("%s GROUP BY %s", query, group_by)
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(SQL("CREATE VIEW %s AS (%s)", SQL.identifier(self._table), query))
