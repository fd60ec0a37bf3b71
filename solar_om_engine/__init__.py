"""Solar O&M engine: vendor clients, daylight, health classification, quota
planning and a fleet simulator. Plain Python, no Odoo import: the Odoo addons
call it, and its tests run anywhere in seconds."""

__version__ = "19.0.1.0.0"
