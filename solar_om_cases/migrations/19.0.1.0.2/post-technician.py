# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""19.0.1.0.2: field case types and photo items.

The case types technicians read on their sites (damage, system check, panel
move) are marked *Seen by Technicians*, and the checklist items that ask for
photos *Needs a Photo*, on the templates and on the orders not yet done that
copied them. Their records are noupdate: a database installed before the
flags existed would keep them unmarked."""

from odoo import SUPERUSER_ID, api

FIELD_TYPES = (
    "case_type_panel_move",
    "case_type_system_check",
    "case_type_animal_damage",
    "case_type_house_fire",
    "case_type_natural_disaster",
    "case_type_roof_leak",
)
PHOTO_ITEMS = ("fsm_activity_audit_photos", "fsm_activity_commissioning_photos")


def _records(env, model, names):
    records = env[model]
    for name in names:
        records |= env.ref(f"solar_om_cases.{name}", raise_if_not_found=False) or records
    return records


def mark_field_types(env):
    """Returns the case types it marked."""
    unmarked = _records(env, "helpdesk.ticket.category", FIELD_TYPES).filtered(
        lambda c: not c.solar_technician_visible
    )
    unmarked.solar_technician_visible = True
    return unmarked


def mark_photo_items(env):
    """Returns the checklist items it marked: the template's, and the open
    items of orders made from those templates under the same name."""
    templates = _records(env, "fsm.activity", PHOTO_ITEMS)
    copies = env["fsm.activity"].search(
        [
            ("fsm_order_id.template_id", "in", templates.fsm_template_id.ids),
            ("name", "in", templates.mapped("name")),
            ("state", "=", "todo"),
        ]
    )
    unmarked = (templates | copies).filtered(lambda a: not a.solar_needs_photo)
    unmarked.solar_needs_photo = True
    return unmarked


def migrate(cr, version):
    if version:
        env = api.Environment(cr, SUPERUSER_ID, {})
        mark_field_types(env)
        mark_photo_items(env)
