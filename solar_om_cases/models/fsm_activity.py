# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models
from odoo.exceptions import AccessError, UserError

from solar_om_engine import jobs

# what ticking (or cancelling) an item changes; unticking "required" skips
# it, unticking "solar_needs_photo" waives its photo
COMPLETION_FIELDS = frozenset({"completed", "completed_on", "completed_by", "state"})
GUARDED_FIELDS = COMPLETION_FIELDS | {"required", "solar_needs_photo"}


class FsmActivity(models.Model):
    """Checklist items of a work order. Privilege ladder: the order's field
    worker completes an item through its button (action_done/action_cancel);
    the dispatcher (the back office) reads it but cannot tick it or make a
    required item optional; field-service and O&M managers may correct.
    An item that asks for photos is ticked once a photo is on the order,
    whoever ticks it (only a manager waives the photo)."""

    _inherit = "fsm.activity"

    # a Spanish-speaking technician reads the checklist in Spanish
    name = fields.Char(translate=True)
    solar_needs_photo = fields.Boolean(
        string="Needs a Photo",
        readonly=True,
        help="The item is ticked only once a photo is attached to the order (its Photos, "
        "or an image in its chatter).",
    )

    def action_done(self):
        if not self.env.su and not self._solar_may_correct():
            self._solar_check_worker()
        self._solar_check_evidence()
        return super(FsmActivity, self.with_context(solar_checklist_action=True)).action_done()

    def action_cancel(self):
        return super(FsmActivity, self.with_context(solar_checklist_action=True)).action_cancel()

    def write(self, vals):
        if GUARDED_FIELDS & set(vals) and not self.env.su and not self._solar_may_correct():
            self._solar_check_completion(vals)
        return super().write(vals)

    def _solar_may_correct(self):
        user = self.env.user
        return user.has_group("fieldservice.group_fsm_manager") or user.has_group(
            "solar_om.group_solar_om_manager"
        )

    def _solar_check_evidence(self):
        """A photo item is ticked with the photo there: the rule is the
        engine's (jobs.item_evidence_missing), checked here whatever the
        screen (the button, or a call from a script)."""
        for item in self.filtered("fsm_order_id"):
            order = item.fsm_order_id
            if jobs.item_evidence_missing(item.solar_needs_photo, order._solar_photo_count()):
                raise UserError(
                    self.env._(
                        "“%(item)s” needs a photo: attach one to %(order)s (Photos, under "
                        "Solar Site) first, then tick it.",
                        item=item.name,
                        order=order.name,
                    )
                )

    def _solar_check_worker(self):
        for item in self.filtered("fsm_order_id"):
            order = item.fsm_order_id
            workers = (order.person_id | order.person_ids).partner_id
            if self.env.user.partner_id not in workers:
                raise AccessError(
                    self.env._(
                        "%(item)s on %(order)s is ticked by the field worker of the order; "
                        "a field service manager may correct it.",
                        item=item.name,
                        order=order.name,
                    )
                )

    def _solar_check_completion(self, vals):
        for item in self.filtered("fsm_order_id"):
            order = item.fsm_order_id
            if "required" in vals and item.required and not vals["required"]:
                raise AccessError(
                    self.env._(
                        "%(item)s is required on %(order)s: only a field service manager "
                        "makes it optional.",
                        item=item.name,
                        order=order.name,
                    )
                )
            if (
                "solar_needs_photo" in vals
                and item.solar_needs_photo
                and not vals["solar_needs_photo"]
            ):
                raise AccessError(
                    self.env._(
                        "%(item)s on %(order)s needs a photo: only a field service manager "
                        "waives it.",
                        item=item.name,
                        order=order.name,
                    )
                )
            if not COMPLETION_FIELDS & set(vals):
                continue
            item._solar_check_worker()
            if not self.env.context.get("solar_checklist_action"):
                raise AccessError(
                    self.env._(
                        "%(item)s on %(order)s is completed with its Done button, "
                        "not by editing it.",
                        item=item.name,
                        order=order.name,
                    )
                )
