import { registry } from "@web/core/registry";

// A back-office agent's first hour on the demo database: the ticket list puts
// the most urgent first, and a monitoring ticket the site's recovery closed
// is closed whole: nothing pending, outcome and first-time fix from the visit
// done, only the satisfaction call left to make.
registry.category("web_tour.tours").add("solar_om_agent_first_hour", {
    steps: () => [
        {
            content: "the ticket list, by priority then newest",
            trigger: ".o_list_view .o_data_row",
            run() {
                const stars = [...document.querySelectorAll(".o_list_view .o_data_row")].map(
                    (row) => row.querySelectorAll("[name=priority] .o_priority_star.fa-star").length
                );
                for (let i = 1; i < stars.length; i++) {
                    if (stars[i] > stars[i - 1]) {
                        throw new Error(`row ${i + 1} is more urgent than the one above: ${stars.join(",")}`);
                    }
                }
                if (stars[0] < 2) {
                    throw new Error(`the first row is not urgent: ${stars.join(",")}`);
                }
            },
        },
        {
            content: "no stock helpdesk demo ticket among the cases",
            trigger: ".o_list_view:not(:has(.o_data_row:contains('Problem with the delivery of goods')))",
        },
        {
            content: "every customer's case has its owner",
            trigger: ".o_list_view .o_data_row:contains('Water stain on the ceiling') [name=user_id]:contains('Alex Morgan')",
        },
        {
            content: "open the ticket the monitoring closed",
            trigger: ".o_list_view .o_data_row:contains('García residence, Madrid') td[name=name]",
            run: "click",
        },
        {
            content: "Done, and the service flow completed",
            trigger:
                ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Done')",
        },
        {
            content: "the outcome recorded from the visit done",
            trigger: ".o_form_view .o_field_widget[name=resolution_outcome]:contains('Resolved')",
        },
        {
            content: "fixed at the one visit",
            trigger:
                ".o_form_view .o_field_widget[name=solar_first_time_fix]:contains('Fixed at the First Visit')",
        },
        {
            content: "the job steps",
            trigger: ".o_form_view .o_notebook a:contains('Job Steps')",
            run: "click",
        },
        {
            content: "no step left to do, the review settled with its reason",
            trigger:
                ".o_field_widget[name=solar_job_step_ids] .o_data_row:contains('Review the Artefacts'):contains('the repair is proven')",
            run() {
                const todo = [
                    ...document.querySelectorAll(
                        ".o_field_widget[name=solar_job_step_ids] .o_data_row [name=state]"
                    ),
                ].filter((cell) => cell.textContent.includes("To Do"));
                if (todo.length) {
                    throw new Error(`${todo.length} step(s) still to do on a closed case`);
                }
            },
        },
        {
            content: "only the satisfaction call is left planned",
            trigger: ".o-mail-Chatter .o-mail-Activity:contains('Satisfaction call after the visit')",
        },
        {
            content: "the calls before the visit are gone, said why in the chatter",
            trigger:
                ".o-mail-Chatter:not(:has(.o-mail-Activity:contains('Welcome call'))) .o-mail-Message:contains('Planned follow-ups cancelled, the visit is over')",
        },
    ],
});
