# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models

TECHNICIAN = "solar_om.group_solar_om_technician"
BACK_OFFICE = "solar_om.group_solar_om_user"
HOME = "solar_om_monitoring.fsm_order_action_my_work"


class ResUsers(models.Model):
    _inherit = "res.users"

    @api.model_create_multi
    def create(self, vals_list):
        users = super().create(vals_list)
        users._solar_technician_home()
        return users

    def write(self, vals):
        result = super().write(vals)
        if "group_ids" in vals:
            self._solar_technician_home()
        return result

    def _solar_technician_home(self):
        """A technician (the Solar O&M role, not the back office's) logs in
        on a phone: he lands on *My Work Orders*, not on the first app, and
        OdooBot's onboarding chat, which covers a phone's screen, is not
        started for him. A home action someone chose is kept."""
        crew = self.filtered(
            lambda user: (
                not user.share and user.has_group(TECHNICIAN) and not user.has_group(BACK_OFFICE)
            )
        )
        home = self.env.ref(HOME, raise_if_not_found=False)
        if home:
            crew.filtered(lambda user: not user.action_id).sudo().action_id = home.id
        if "odoobot_state" in self._fields:
            crew.filtered(
                lambda user: user.odoobot_state in (False, "not_initialized")
            ).sudo().odoobot_state = "disabled"
