# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""19.0.1.0.1: the health check's cron runs every minute (each run does what
the accounts' polling plans say is due), where it ran every 15 minutes.

Its record is noupdate, so a database installed before keeps the 15 minutes,
and every detection time the plan promises is up to 14 minutes late. Only
the shipped 15 minutes are changed: an interval someone chose is theirs."""

from odoo import SUPERUSER_ID, api

OLD_INTERVAL = (15, "minutes")


def every_minute(env):
    """Returns the cron it changed, or an empty recordset."""
    cron = env.ref("solar_om_monitoring.ir_cron_solar_health_check", raise_if_not_found=False)
    if not cron or (cron.interval_number, cron.interval_type) != OLD_INTERVAL:
        return env["ir.cron"]
    cron.write({"interval_number": 1, "interval_type": "minutes"})
    return cron


def migrate(cr, version):
    if version:
        every_minute(api.Environment(cr, SUPERUSER_ID, {}))
