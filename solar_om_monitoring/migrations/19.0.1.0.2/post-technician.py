# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""19.0.1.0.2: what a technician reads, and where he lands.

The production case types are marked *Seen by Technicians* (their records
are noupdate: a database installed before the flag existed would leave them
unmarked, and technicians would not read production cases on their sites
that the monitoring did not open). Technicians already in the database land
on *My Work Orders*, as new ones do."""

from odoo import SUPERUSER_ID, api

PRODUCTION_TYPES = (
    "case_type_underperformance",
    "case_type_string_mlpe_fault",
    "case_type_comms_loss",
    "case_type_inverter_fault",
    "case_type_meter_fault",
    "case_type_configuration_issue",
)


def mark_production_types(env):
    """Returns the case types it marked."""
    categories = env["helpdesk.ticket.category"]
    for name in PRODUCTION_TYPES:
        categories |= env.ref(f"solar_om_monitoring.{name}", raise_if_not_found=False) or categories
    unmarked = categories.filtered(lambda c: not c.solar_technician_visible)
    unmarked.solar_technician_visible = True
    return unmarked


def migrate(cr, version):
    if version:
        env = api.Environment(cr, SUPERUSER_ID, {})
        mark_production_types(env)
        env["res.users"].with_context(active_test=False).search([])._solar_technician_home()
