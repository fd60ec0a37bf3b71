# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Solar O&M Monitoring",
    "summary": "Daylight health checks of SolarEdge, Enphase and APsystems sites: "
    "one helpdesk ticket per fault, closed on recovery",
    "version": "19.0.1.0.0",
    "category": "Services/Field Service",
    "website": "https://github.com/solar-om/solar-om",
    "author": "Solar O&M",
    "license": "AGPL-3",
    "installable": True,
    "development_status": "Beta",
    "depends": [
        "solar_om",
        "helpdesk_mgmt",
        "helpdesk_mgmt_project",
        "fieldservice",
        "helpdesk_mgmt_fieldservice",
    ],
    "external_dependencies": {"python": ["solar-om-engine"]},
    "data": [
        "security/solar_om_monitoring_groups.xml",
        "security/ir.model.access.csv",
        "security/solar_om_monitoring_rules.xml",
        "security/fsm_order_own_rule.xml",
        "data/helpdesk_data.xml",
        "data/ir_cron.xml",
        "data/mail_activity_plan_data.xml",
        "views/solar_monitoring_account_views.xml",
        "views/solar_fault_views.xml",
        "views/solar_site_views.xml",
        "views/helpdesk_ticket_views.xml",
        "views/fsm_order_views.xml",
        "views/solar_om_monitoring_menus.xml",
    ],
    "demo": ["demo/solar_om_monitoring_demo.xml"],
    "assets": {
        "web.assets_tests": ["solar_om_monitoring/static/tests/tours/*.js"],
    },
}
