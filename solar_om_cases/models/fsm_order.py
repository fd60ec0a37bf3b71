# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class FsmOrder(models.Model):
    _inherit = "fsm.order"

    solar_finding = fields.Selection(related="ticket_id.solar_finding", string="Finding")
    solar_workmanship = fields.Boolean(
        string="Workmanship Warranty",
        readonly=True,
        copy=False,
        help="A repair of the installer's own work, under the workmanship warranty.",
    )
    solar_labour_billable = fields.Boolean(
        string="Labour Billable",
        default=True,
        readonly=True,
        copy=False,
        help="Unticked for a workmanship warranty repair: the labour is not charged.",
    )

    def _compute_order_activity_ids(self):
        """The template's checklist is copied with its translations and
        what each item needs (a photo)."""
        result = super()._compute_order_activity_ids()
        field = self.env["fsm.activity"]._fields["name"]
        for order in self.filtered("template_id"):
            template_items = order.template_id.temp_activity_ids
            for item, template_item in zip(order.order_activity_ids, template_items, strict=False):
                translations = field._get_stored_translations(template_item)
                if translations:
                    item.update_field_translations("name", translations)
                if template_item.solar_needs_photo:
                    item.solar_needs_photo = True
        return result

    def write(self, vals):
        scheduling = {"scheduled_date_start", "person_id"} & set(vals)
        before = {order: (order.scheduled_date_start, order.person_id) for order in self}
        result = super().write(vals)
        if scheduling:
            for order in self.filtered(lambda o: o.ticket_id and o.scheduled_date_start):
                if order.person_id and before[order] != (
                    order.scheduled_date_start,
                    order.person_id,
                ):
                    order.ticket_id._solar_milestone(
                        self.env._(
                            "Visit scheduled: %(order)s on %(date)s with %(person)s.",
                            order=order.name,
                            date=fields.Datetime.to_string(
                                fields.Datetime.context_timestamp(order, order.scheduled_date_start)
                            )[:16],
                            person=order.person_id.name,
                        )
                    )
        return result

    def action_solar_record_finding(self):
        """The crew records on the phone whether the problem comes from our work."""
        self.ensure_one()
        self.check_access("write")
        return self.env["solar.finding"].action_open(
            {"default_ticket_id": self.ticket_id.id, "default_fsm_order_id": self.id}
        )
