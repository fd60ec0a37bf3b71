import { registry } from "@web/core/registry";

// The O&M manager connects an installer account holding 40 systems (the
// simulator), discovers them, accepts the customers found and creates the
// rest as new customers, in one go; a second discovery finds nothing new.
registry.category("web_tour.tours").add("solar_om_onboarding", {
    url: "/odoo/action-solar_om_monitoring.solar_monitoring_account_action",
    steps: () => [
        {
            content: "a new monitoring account",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            content: "its name",
            trigger: ".o_field_widget[name=name] input",
            run: "edit Installer SolarEdge account",
        },
        {
            content: "the vendor",
            trigger: ".o_field_widget[name=vendor] input",
            run: "click",
        },
        {
            content: "SolarEdge",
            trigger: ".o_select_menu_menu .o_select_menu_item:contains('SolarEdge')",
            run: "click",
        },
        {
            content: "the vendor is set (its plan defaults to SolarEdge's free one)",
            trigger: ".o_field_widget[name=quota_tier] input:value('SolarEdge: Free')",
        },
        {
            content: "the plan",
            trigger: ".o_field_widget[name=quota_tier] input",
            run: "click",
        },
        {
            content: "the simulator's plan",
            trigger: ".o_select_menu_menu .o_select_menu_item:contains('Simulator: unlimited')",
            run: "click",
        },
        {
            content: "the plan is set",
            trigger: ".o_field_widget[name=quota_tier] input:value('Simulator: unlimited')",
        },
        {
            content: "its API URL is the simulator's, as the administrator set by default",
            trigger: ".o_field_widget[name=base_url] input:value('127.0.0.1')",
        },
        {
            content: "the account's API key",
            trigger: ".o_field_widget[name=api_key] input",
            run: "edit onboard-solaredge-key",
        },
        {
            content: "save",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "saved",
            trigger: ".o_form_view .o_form_saved",
        },
        {
            content: "discover its sites",
            trigger: "button[name=action_discover]",
            run: "click",
        },
        {
            content: "the wizard lists the 40 systems, none monitored yet",
            trigger: ".modal .o_field_widget[name=new_count]:contains('40')",
        },
        {
            content: "the customers found for some, with the reason",
            trigger:
                ".modal .o_data_row:contains('Huber home'):contains('Anna Huber'):contains('names Anna Huber')",
        },
        {
            content: "the others will be created as new customers",
            trigger: ".modal .o_data_row:contains('Fischer home') .o_field_widget[name=create_partner] input:checked",
        },
        {
            content: "create the sites in one go",
            trigger: ".modal-footer button[name=action_create_sites]",
            run: "click",
        },
        {
            content: "the new sites are listed",
            trigger: ".o_list_view .o_data_row:contains('Huber home')",
        },
        {
            content: "all 40 of them",
            trigger: ".o_pager_limit:contains('40'), .o_list_view:has(.o_data_row:nth-child(40))",
        },
        {
            content: "back to the monitoring accounts",
            trigger: ".o_breadcrumb a:contains('Monitoring Accounts')",
            run: "click",
        },
        {
            content: "open the account again",
            trigger: ".o_data_row:contains('Installer SolarEdge account') .o_data_cell",
            run: "click",
        },
        {
            content: "discover again",
            trigger: "button[name=action_discover]",
            run: "click",
        },
        {
            content: "nothing new: all 40 already monitored",
            trigger: ".modal .o_field_widget[name=new_count]:contains('0')",
        },
        {
            content: "no Create Sites button when there is nothing to create",
            trigger: ".modal-footer:not(:has(button[name=action_create_sites]))",
        },
        {
            content: "the already monitored page",
            trigger: ".modal .nav-link:contains('Already Monitored')",
            run: "click",
        },
        {
            content: "lists the 40 with their sites",
            trigger: ".modal .o_field_widget[name=known_count]:contains('40')",
        },
        {
            content: "close",
            trigger: ".modal-footer button:contains('Close')",
            run: "click",
        },
        {
            content: "the dialog is gone",
            trigger: "body:not(:has(.modal))",
        },
    ],
});
