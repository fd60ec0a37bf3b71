# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Solar O&M Cases",
    "summary": "Case-type taxonomy, service flow with resolution paths and outcomes, "
    "suppression windows, End Of Lease, triage and routing rules on helpdesk tickets",
    "version": "19.0.1.0.0",
    "category": "Services/Helpdesk",
    "website": "https://github.com/solar-om/solar-om",
    "author": "Solar O&M",
    "license": "AGPL-3",
    "installable": True,
    "development_status": "Beta",
    "depends": ["solar_om_monitoring"],
    "external_dependencies": {"python": ["solar-om-engine"]},
    "data": [
        "security/ir.model.access.csv",
        "security/solar_om_cases_security.xml",
        "data/helpdesk_team_data.xml",
        "data/helpdesk_channel_data.xml",
        "data/helpdesk_tag_data.xml",
        "data/solar_rma_data.xml",
        "data/case_type_data.xml",
        "data/ir_cron.xml",
        "data/solar_platform_instruction_data.xml",
        "views/helpdesk_ticket_category_views.xml",
        "views/helpdesk_ticket_views.xml",
        "views/solar_site_views.xml",
        "views/solar_rma_views.xml",
        "views/solar_platform_instruction_views.xml",
        "views/res_config_settings_views.xml",
        "wizards/solar_service_decision_views.xml",
        "report/solar_service_report_views.xml",
    ],
    "assets": {
        "web.assets_tests": ["solar_om_cases/static/tests/tours/*.js"],
    },
}
