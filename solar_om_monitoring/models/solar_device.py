# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A device's place among its site's devices, its daily energy, and how
the devices a vendor lists are recorded."""

from odoo import api, fields, models

from .bulk_insert import insert_rows


class SolarDevice(models.Model):
    _inherit = "solar.device"

    replaced_ids = fields.One2many("solar.device", "replaced_by_id", string="Replaced Devices")
    # the site's devices are compared in this order, every day the same: by
    # serial, a replacement taking the place of the device it replaced
    solar_order_serial = fields.Char(
        string="Order Key",
        compute="_compute_solar_order_serial",
        store=True,
        recursive=True,
        index=True,
        help="The serial the device is ordered by among its site's devices: its own, or "
        "that of the first device of its replacement chain.",
    )
    # only devices the vendor's per-device answer has named are compared: a
    # device entered with a serial the vendor does not know is never "down"
    solar_vendor_named = fields.Boolean(
        string="Named by the Vendor",
        readonly=True,
        copy=False,
        index=True,
        help="The vendor's per-device answer has named this device: its daily energy is "
        "compared with its siblings'.",
    )
    solar_energy_ids = fields.One2many(
        "solar.device.energy", "device_id", string="Daily Energy", readonly=True
    )

    @api.depends("serial_number", "replaced_ids.solar_order_serial")
    def _compute_solar_order_serial(self):
        for device in self:
            device.solar_order_serial = (
                device.replaced_ids[:1].solar_order_serial or device.serial_number
            )

    @api.model
    def _solar_create_listed(self, vals_list):
        """Record devices a vendor lists (a new site's, or new on a site's
        list): one set-based INSERT per batch (`bulk_insert.insert_rows`),
        the one way the discovery, the daily device sync and the health
        check's adoption create them. Like their `create()` before it, no
        chatter line or follower per device: the site's chatter tells it."""
        return insert_rows(self, vals_list)
