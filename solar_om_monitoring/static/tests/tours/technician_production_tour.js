import { registry } from "@web/core/registry";

// A technician on a phone opens their work order: the Production button
// already says the site made far less than expected this week; pressed, it
// lists the days, the last two red at a tenth of expected.
registry.category("web_tour.tours").add("solar_om_technician_production", {
    steps: () => [
        {
            content: "the order shows the solar site",
            trigger: ".o_form_view .o_field_widget[name=solar_site_id]:contains('Drop roof')",
        },
        {
            content: "the order says how much of expected the site made this week",
            trigger: ".o_form_view .o_field_widget[name=solar_production_ratio]:contains('78')",
        },
        {
            content: "on a phone the smart buttons sit behind the bolt: open them",
            trigger: ".o_form_view .o-form-buttonbox .o_button_more",
            run: "click",
        },
        {
            content: "the Production button says the same",
            trigger: ".oe_stat_button[name=action_view_solar_production]:contains('78'):contains('Of Expected')",
        },
        {
            content: "press it",
            trigger: ".oe_stat_button[name=action_view_solar_production]",
            run: "click",
        },
        {
            content: "the days, newest first: today made a tenth of expected, in red",
            trigger: ".o_list_view .o_data_row:first-child.text-danger:contains('4.0'):contains('30.0'):contains('13%')",
        },
        {
            content: "yesterday too",
            trigger: ".o_list_view .o_data_row:nth-child(2).text-danger:contains('13%')",
        },
        {
            content: "the day before the drop made what it should, not red",
            trigger: ".o_list_view .o_data_row:nth-child(3):not(.text-danger):contains('100%')",
        },
        {
            content: "back to the order",
            trigger: ".o_breadcrumb .o_back_button, .o_breadcrumb a:first",
            run: "click",
        },
        {
            content: "the order again",
            trigger: ".o_form_view .o_field_widget[name=solar_site_id]:contains('Drop roof')",
        },
    ],
});
