# Copyright 2026 Solar O&M
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Solar O&M",
    "summary": "Solar sites and their equipment, for installers who run O&M in Odoo",
    "version": "19.0.1.0.2",
    "category": "Services/Field Service",
    "website": "https://github.com/solar-om/solar-om",
    "author": "Solar O&M",
    "license": "LGPL-3",
    "application": True,
    "installable": True,
    "development_status": "Beta",
    "depends": ["mail", "contacts", "project"],
    "external_dependencies": {"python": ["solar-om-engine"]},
    "data": [
        "security/solar_om_security.xml",
        "security/ir.model.access.csv",
        "security/solar_om_rules.xml",
        "data/solar_contract_level_data.xml",
        "wizards/solar_device_replace_views.xml",
        "views/solar_device_views.xml",
        "views/solar_site_views.xml",
        "views/res_partner_views.xml",
        "views/project_project_views.xml",
        "views/solar_om_menus.xml",
        "views/solar_contract_level_views.xml",
    ],
    "demo": [
        "demo/solar_om_demo.xml",
    ],
}
