# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""19.0.1.0.2: every site has its field-service location.

Sites made before this addon was installed got their location only when a
work order was first sent; a ticket on a site now carries the site's
location, so the sites without one get it now (new installs: the addon's
post-init hook)."""

from odoo import SUPERUSER_ID, api


def sync_locations(env):
    sites = (
        env["solar.site"].with_context(active_test=False).search([("fsm_location_id", "=", False)])
    )
    sites._sync_fsm_location()
    return sites


def migrate(cr, version):
    if version:
        sync_locations(api.Environment(cr, SUPERUSER_ID, {}))
