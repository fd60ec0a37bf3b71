# Copyright 2026 Solar O&M
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""19.0.1.0.1: sites gained a contract level (the SLA targets of their tickets).

A new site takes the first level by default, but the sites already in the
database were given the column before the levels' data existed, so they have
none and their tickets would get no targets. Give them Standard, as a new site
gets; a level someone already chose is left alone."""

from odoo import SUPERUSER_ID, api


def default_contract_level(env):
    """Returns the sites it gave the Standard level."""
    standard = env.ref("solar_om.contract_level_standard", raise_if_not_found=False)
    if not standard:
        return env["solar.site"]
    sites = (
        env["solar.site"]
        .with_context(active_test=False, tracking_disable=True)
        .search([("contract_level_id", "=", False)])
    )
    sites.write({"contract_level_id": standard.id})
    return sites


def migrate(cr, version):
    if version:
        default_contract_level(api.Environment(cr, SUPERUSER_ID, {}))
