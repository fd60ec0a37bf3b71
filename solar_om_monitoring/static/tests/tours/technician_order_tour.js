import { registry } from "@web/core/registry";

// A technician on a phone: opens their work order, checks the site and its
// equipment (serial numbers), can add photos, writes the resolution and signs
// the repair off.
registry.category("web_tour.tours").add("solar_om_technician_order", {
    steps: () => [
        {
            content: "the order shows the solar site",
            trigger: ".o_form_view .o_field_widget[name=solar_site_id]:contains('Tour roof')",
        },
        {
            content: "and a map link to it",
            trigger: ".o_form_view .o_field_widget[name=solar_map_url] a",
        },
        {
            content: "photos can be added from the phone",
            trigger: ".o_form_view .o_field_widget[name=solar_photo_ids]",
        },
        {
            content: "open the site's equipment",
            trigger: ".o_notebook a.nav-link:contains('Equipment')",
            run: "click",
        },
        {
            content: "the inverter's serial number is there",
            trigger: ".o_field_widget[name=solar_device_ids] td:contains('7E-TOUR-0001')",
        },
        {
            content: "write what was done",
            trigger: ".o_form_view .o_field_widget[name=resolution] .odoo-editor-editable",
            run: "editor Inverter restarted; producing again.",
        },
        {
            content: "sign the repair off",
            trigger: ".o_form_view button[name=action_complete]:visible",
            run: "click",
        },
        {
            content: "the order is done, its date recorded: nothing left to complete",
            trigger:
                ".o_form_view:not(:has(button[name=action_complete]:visible)) .o_solar_visit .o_solar_completed_on",
        },
    ],
});
