# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""19.0.1.0.1: the End Of Lease job moved from helpdesk.ticket to solar.site.

Its cron record is noupdate, so a database installed before the move still
calls ``helpdesk.ticket._cron_end_of_lease``, which no longer exists, and
fails every day. Point it at the site model; a cron someone deleted, or
already points elsewhere on purpose, is left alone."""

from odoo import SUPERUSER_ID, api

OLD_MODEL = "helpdesk.ticket"


def repoint_end_of_lease_cron(env):
    """Returns the cron it repointed, or an empty recordset."""
    cron = env.ref("solar_om_cases.ir_cron_end_of_lease", raise_if_not_found=False)
    if not cron or cron.model_id.model != OLD_MODEL:
        return env["ir.cron"]
    cron.write(
        {
            "model_id": env.ref("solar_om.model_solar_site").id,
            "code": "model._cron_end_of_lease()",
        }
    )
    return cron


def migrate(cr, version):
    if version:
        repoint_end_of_lease_cron(api.Environment(cr, SUPERUSER_ID, {}))
