import { registry } from "@web/core/registry";

// The service documents' job steps, walked by the roles who do them: the agent
// confirms the visit, the technician ticks the checklist on a phone, the back
// office reviews; a roof leak's crew records a finding that goes to sales.

const tours = registry.category("web_tour.tours");

function choosePath(label, installerNote) {
    const steps = [
        {
            content: "choose the resolution path",
            trigger: ".o_form_view button[name=action_solar_decide]:contains('Choose Resolution Path')",
            run: "click",
        },
        {
            content: `the path: ${label}`,
            trigger: `.modal .o_field_widget[name=resolution_path] label:contains('${label}')`,
            run: "click",
        },
    ];
    if (installerNote) {
        steps.push({
            content: "a note for the installer's information sheet",
            trigger: ".modal .o_field_widget[name=installer_note] textarea",
            run: `edit ${installerNote}`,
        });
    }
    steps.push(
        {
            content: "confirm",
            trigger: ".modal button[name=action_confirm]",
            run: "click",
        },
        {
            content: "the work order opens, for the crew to accept and schedule",
            trigger: "body:not(:has(.modal)) .o_form_view .o_field_widget[name=location_id]",
        }
    );
    return steps;
}

tours.add("solar_om_agent_confirms_audit", {
    steps: () => choosePath("Site Visit: Audit", "Gate code 4711, dog in the garden"),
});

tours.add("solar_om_agent_confirms_replacement", {
    steps: () => choosePath("Site Visit: Replacement", "Bring the replacement inverter from the RMA"),
});

function tickChecklist(items) {
    const steps = [
        {
            content: "open the checklist",
            trigger: ".o_notebook a.nav-link:contains('Activities')",
            run: "click",
        },
    ];
    for (const item of items) {
        steps.push(
            {
                content: `tick: ${item}`,
                trigger: `.o_field_widget[name=order_activity_ids] .o_kanban_record:contains('${item}') button[name=action_done]`,
                run: "click",
            },
            {
                content: `${item}: done`,
                trigger: `.o_field_widget[name=order_activity_ids] .o_kanban_record:contains('${item}'):not(:has(button[name=action_done]))`,
            }
        );
    }
    return steps;
}

// on a phone the order's first action is a button, the others under "More"
function moreAction(name, content) {
    return [
        {
            content: "open the order's other actions",
            trigger: ".o_form_view .o_statusbar_buttons button[title=More]",
            run: "click",
        },
        {
            content,
            trigger: `.o-dropdown--menu button[name=${name}]`,
            run: "click",
        },
    ];
}

const signOff = [
    {
        content: "sign the visit off",
        trigger: ".o_form_view button[name=action_complete]:visible",
        run: "click",
    },
    {
        content: "the order is done",
        trigger: ".o_form_view:not(:has(button[name=action_complete]:visible))",
    },
];

tours.add("solar_om_technician_audit_checklist", {
    steps: () => [
        ...tickChecklist([
            "Photos of the array",
            "Inverter and gateway readings",
            "Roof, racking, flashing",
            "Serial numbers checked",
        ]),
        ...signOff,
    ],
});

tours.add("solar_om_technician_replacement", {
    steps: () => [
        ...tickChecklist([
            "Site safety check",
            "Replacement part matches",
            "Insulation resistance",
            "Device commissioned",
            "System producing and reporting",
            "Photos of the new device",
        ]),
        ...moreAction("action_solar_replace_device", "record the new inverter's serial"),
        {
            content: "the inverter that was swapped",
            trigger: ".modal .o_field_widget[name=device_id] input",
            run: "edit 7E-TOUR-OLD",
        },
        {
            content: "pick it (a phone lists the devices as cards)",
            trigger: ".modal .o_kanban_record:contains('7E-TOUR-OLD')",
            run: "click",
        },
        {
            content: "the new serial number",
            trigger: ".modal .o_field_widget[name=serial_number] input",
            run: "edit 7E-TOUR-NEW",
        },
        {
            content: "replace",
            trigger: ".modal button[name=action_replace]",
            run: "click",
        },
        {
            content: "the dialog closed",
            trigger: "body:not(:has(.modal))",
        },
        ...signOff,
    ],
});

tours.add("solar_om_crew_roof_leak_not_ours", {
    steps: () => [
        ...moreAction("action_solar_record_finding", "record the finding from the order"),
        {
            content: "not caused by our work",
            trigger: ".modal .o_field_widget[name=finding] label:contains('Not Caused by Us')",
            run: "click",
        },
        {
            content: "what the crew saw",
            trigger: ".modal .o_field_widget[name=note] .odoo-editor-editable",
            run: "editor Chimney flashing cracked, two metres from the array.",
        },
        {
            content: "record",
            trigger: ".modal button[name=action_confirm]",
            run: "click",
        },
        {
            content: "the order shows the finding",
            trigger: ".o_form_view .o_field_widget[name=solar_finding]:contains('Not Caused by Us')",
        },
    ],
});

function backOfficeStep(label) {
    return [
        {
            content: `the back office does: ${label}`,
            trigger: `.o_field_widget[name=solar_job_step_ids] tr:contains('${label}') button[name=action_done]`,
            run: "click",
        },
        {
            content: `${label}: done`,
            trigger: `.o_field_widget[name=solar_job_step_ids] tr:contains('${label}'):not(:has(button[name=action_done]))`,
        },
    ];
}

function review(steps) {
    return [
        {
            content: "the visit is done: the case waits for its review",
            trigger:
                ".o_field_widget[name=solar_service_phase]:contains('Reviewing')",
        },
        {
            content: "open the job steps",
            trigger: ".o_notebook a.nav-link:contains('Job Steps')",
            run: "click",
        },
        ...steps.flatMap(backOfficeStep),
        {
            content: "next: the outcome",
            trigger: ".o_field_widget[name=solar_job_next_step]:contains('Record the Outcome')",
        },
        {
            content: "review the visit",
            trigger: ".o_form_view button[name=action_solar_decide]:contains('Review Visit')",
            run: "click",
        },
        {
            content: "resolved",
            trigger: ".modal .o_field_widget[name=review_outcome] label:contains('Resolved')",
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
    ];
}

tours.add("solar_om_back_office_reviews_audit", {
    steps: () => review(["Review the Artefacts"]),
});

tours.add("solar_om_back_office_reviews_replacement", {
    steps: () =>
        review([
            "Review the Artefacts",
            "Update the Serial Numbers",
            "Upload the Regulatory Documents",
        ]),
});
