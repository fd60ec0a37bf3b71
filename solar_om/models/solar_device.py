# Copyright 2026 Solar O&M
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

DEVICE_TYPES = [
    ("inverter", "Inverter"),
    ("optimizer", "Optimizer"),
    ("microinverter", "Microinverter"),
    ("meter", "Meter"),
    ("gateway", "Gateway / ECU"),
    ("battery", "Battery"),
]


class SolarDevice(models.Model):
    _name = "solar.device"
    _description = "Solar Equipment"
    _inherit = ["mail.thread"]
    _order = "site_id, device_type, serial_number, id"
    _rec_names_search = ["serial_number", "model_name", "brand"]

    site_id = fields.Many2one("solar.site", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="site_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(related="site_id.partner_id", string="Customer")
    device_type = fields.Selection(DEVICE_TYPES, string="Type", required=True, default="inverter")
    brand = fields.Char(required=True)
    model_name = fields.Char(string="Model")
    serial_number = fields.Char(required=True, tracking=True)
    firmware = fields.Char(tracking=True)
    parent_id = fields.Many2one(
        "solar.device",
        string="Connected To",
        index=True,
        ondelete="set null",
        domain="[('site_id', '=', site_id)]",
        help="The device this one hangs off: an optimizer's inverter, a microinverter's gateway.",
    )
    child_ids = fields.One2many("solar.device", "parent_id", string="Connected Devices")
    install_date = fields.Date()
    warranty_end_date = fields.Date()
    state = fields.Selection(
        [
            ("in_service", "In Service"),
            ("replaced", "Replaced"),
            ("removed", "Removed"),
        ],
        default="in_service",
        required=True,
        tracking=True,
    )
    replaced_by_id = fields.Many2one("solar.device", readonly=True, copy=False)
    replaces_id = fields.Many2one(
        "solar.device",
        compute="_compute_replaces_id",
        help="The device this one took over from.",
    )
    replacement_date = fields.Date(readonly=True, copy=False)
    # one row per device, so the averages below are true rates in any grouping
    failure_count = fields.Integer(
        string="Failures",
        compute="_compute_failure",
        store=True,
        help="1 for a device taken out of service by a replacement.",
    )
    failure_rate = fields.Float(
        string="Failure Rate (%)",
        compute="_compute_failure",
        store=True,
        aggregator="avg",
        digits=(5, 1),
    )
    under_warranty = fields.Boolean(compute="_compute_under_warranty")

    _brand_serial_uniq = models.Constraint(
        "unique(brand, serial_number)",
        "A device with this serial number already exists for this brand.",
    )

    @api.depends("serial_number", "brand", "model_name", "device_type")
    def _compute_display_name(self):
        types = dict(DEVICE_TYPES)
        for device in self:
            label = " ".join(p for p in (device.brand, device.model_name) if p)
            device.display_name = "{} {} ({})".format(
                types.get(device.device_type, ""), label, device.serial_number or ""
            ).strip()

    def _compute_replaces_id(self):
        previous = {
            d.replaced_by_id.id: d for d in self.search([("replaced_by_id", "in", self.ids)])
        }
        for device in self:
            device.replaces_id = previous.get(device.id, False)

    @api.depends("state")
    def _compute_failure(self):
        for device in self:
            failed = device.state == "replaced"
            device.failure_count = int(failed)
            device.failure_rate = 100.0 if failed else 0.0

    @api.depends("warranty_end_date")
    def _compute_under_warranty(self):
        today = fields.Date.context_today(self)
        for device in self:
            device.under_warranty = bool(
                device.warranty_end_date and device.warranty_end_date >= today
            )

    @api.constrains("parent_id", "site_id")
    def _check_parent(self):
        for device in self:
            if device.parent_id and device.parent_id.site_id != device.site_id:
                raise ValidationError(
                    self.env._(
                        "Device %(device)s is connected to %(parent)s, which belongs "
                        "to another site.",
                        device=device.display_name,
                        parent=device.parent_id.display_name,
                    )
                )
        # one query for the whole batch (a site's devices are created
        # together), for the devices whose chain goes on past their parent:
        # one hanging off a device that hangs off nothing closes no loop
        linked = self.filtered(
            lambda d: d.parent_id and (d.parent_id == d or d.parent_id.parent_id)
        )
        if linked and linked._has_cycle():
            raise ValidationError(self.env._("A device cannot be connected to itself."))

    def replace_with(self, serial_number, model_name=None, firmware=None, date=None):
        """Put a new device in this one's place and keep this one as history.

        The new device takes over the site, type, brand and connections (an
        inverter's optimizers follow it); the old one stays, marked replaced,
        so an RMA can still name the failed serial.
        """
        self.ensure_one()
        if self.state != "in_service":
            raise UserError(
                self.env._(
                    "%(device)s is already %(state)s: only a device in service can be replaced.",
                    device=self.display_name,
                    state=dict(self._fields["state"].selection)[self.state],
                )
            )
        date = date or fields.Date.context_today(self)
        new_device = self.copy(
            {
                "serial_number": serial_number,
                "model_name": model_name or self.model_name,
                "firmware": firmware or False,
                "install_date": date,
                "warranty_end_date": False,
            }
        )
        self.child_ids.write({"parent_id": new_device.id})
        self.write(
            {
                "state": "replaced",
                "replaced_by_id": new_device.id,
                "replacement_date": date,
            }
        )
        self.message_post(
            body=self.env._("Replaced by %(serial)s on %(date)s.", serial=serial_number, date=date)
        )
        return new_device

    def action_replace(self):
        self.ensure_one()
        return self.env["solar.device.replace"].action_open({"default_device_id": self.id})
