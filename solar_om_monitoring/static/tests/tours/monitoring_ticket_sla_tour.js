import { registry } from "@web/core/registry";

// An agent opens a monitoring ticket: what the fault has cost so far, and
// the SLA clocks against the contract level's targets, at a glance.
registry.category("web_tour.tours").add("solar_om_monitoring_ticket_sla", {
    steps: () => [
        {
            content: "the lost energy is shown above the title",
            trigger: ".o_form_view div[name=solar_loss_banner]:contains('Lost so far')",
        },
        {
            content: "the SLA clocks under the contract level",
            trigger: ".o_form_view div[name=solar_sla_clocks]:contains('SLA Clocks'):contains('Premium')",
        },
        {
            content: "detected two hours after the fault began, within Premium's 8 hours",
            trigger:
                ".o_solar_sla_clocks tr.o_data_row:contains('Time to Detect'):contains('2 h 00 min'):contains('8 h 00 min'):contains('Met')",
        },
        {
            content: "waiting a day and a half for a technician: past Premium's day",
            trigger:
                ".o_solar_sla_clocks tr.o_data_row:contains('Time to Dispatch'):contains('1 d 12 h'):contains('12 h 00 min overdue'):contains('Overdue')",
        },
        {
            content: "fixing and verifying have not started",
            trigger:
                ".o_solar_sla_clocks tr.o_data_row:contains('Time to Fix'):contains('Not Started')",
        },
        {
            content: "the agent sends a technician",
            trigger: ".o_form_view button[name=action_create_solar_order]",
            run: "click",
        },
        {
            content: "the work order opens",
            trigger: ".o_form_view .o_field_widget[name=ticket_id]",
        },
    ],
});
