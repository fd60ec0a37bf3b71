import { registry } from "@web/core/registry";

// A back-office agent works a service request on the ticket: chooses the
// resolution path, sees the progress move, records the outcome. One progress
// bar: the helpdesk stage; the service progress is a badge beside the path.
registry.category("web_tour.tours").add("solar_om_agent_service_flow", {
    steps: () => [
        {
            content: "one progress bar on the form: the helpdesk stage",
            trigger:
                ".o_form_view:has(.o_field_widget[name=stage_id] .o_statusbar_status):not(:has(.o_field_widget[name=solar_service_phase] .o_statusbar_status))",
        },
        {
            content: "a new request is at Requesting",
            trigger:
                ".o_field_widget[name=solar_service_phase]:contains('Requesting')",
        },
        {
            content: "choose the resolution path",
            trigger: ".o_form_view button[name=action_solar_decide]:contains('Choose Resolution Path')",
            run: "click",
        },
        {
            content: "resolve it internally",
            trigger: ".modal .o_field_widget[name=resolution_path] label:contains('Resolve Internally')",
            run: "click",
        },
        {
            content: "confirm",
            trigger: ".modal button[name=action_confirm]",
            run: "click",
        },
        {
            content: "the case is being investigated",
            trigger:
                ".o_field_widget[name=solar_service_phase]:contains('Investigating')",
        },
        {
            content: "record the outcome",
            trigger: ".o_form_view button[name=action_solar_decide]:contains('Record Outcome')",
            run: "click",
        },
        {
            content: "it was resolved",
            trigger: ".modal .o_field_widget[name=investigation_outcome] label:contains('Resolved')",
            run: "click",
        },
        {
            content: "confirm",
            trigger: ".modal button[name=action_confirm]",
            run: "click",
        },
        {
            content: "the case is completed",
            trigger:
                ".o_field_widget[name=solar_service_phase]:contains('Completed')",
        },
    ],
});
