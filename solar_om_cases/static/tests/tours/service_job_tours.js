import { registry } from "@web/core/registry";
import { inputFiles } from "@web/../tests/utils";

// The service documents' job steps, walked by the roles who do them: the agent
// confirms the visit, the technician accepts and schedules it with the customer
// and ticks the checklist on a phone, the back office reviews and attaches the
// regulatory documents; a roof leak is taken in with its photos and start date,
// its crew records a finding that goes to sales; a complaint of no news is
// escalated after the open-case finder.

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

// the photos taken on site, attached to the order before the photo item is ticked
function attachPhoto(name) {
    return [
        {
            content: `attach ${name} to the order's photos`,
            trigger: ".o_field_widget[name=solar_photo_ids] .o_attach",
            async run() {
                const photo = new File(["\xff\xd8\xff\xe0 on site"], name, { type: "image/jpeg" });
                await inputFiles(".o_field_widget[name=solar_photo_ids] .o_input_file", [photo]);
            },
        },
        {
            content: `${name} is on the order`,
            trigger: `.o_field_widget[name=solar_photo_ids] .o_attachment:not(.o_attachment_uploading):contains('${name}')`,
        },
    ];
}

function tickChecklist(items) {
    const steps = [
        ...attachPhoto("site-photo.jpg"),
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
        content: "write what was done",
        trigger: ".o_form_view .o_field_widget[name=resolution] .odoo-editor-editable",
        run: "editor Checklist done on site; the system produces again.",
    },
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

// the utility's grid-connection form, as the back office received it
const attachRegulatoryDocuments = [
    {
        content: "attach the regulatory documents (the grid-connection form)",
        trigger: ".o_field_widget[name=solar_regulatory_doc_ids] .o_attach",
        async run() {
            const form = new File(["%PDF-1.4 grid connection form"], "grid-form.pdf", {
                type: "application/pdf",
            });
            await inputFiles(".o_field_widget[name=solar_regulatory_doc_ids] .o_input_file", [
                form,
            ]);
        },
    },
    {
        content: "the form is attached to the case",
        trigger:
            ".o_field_widget[name=solar_regulatory_doc_ids] .o_attachment:not(.o_attachment_uploading):contains('grid-form.pdf')",
    },
];

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
        ...steps.flatMap((step) =>
            step === "Upload the Regulatory Documents"
                ? [...attachRegulatoryDocuments, ...backOfficeStep(step)]
                : backOfficeStep(step)
        ),
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

// The installer accepts the job and agrees the date with the customer, on the
// phone: the order is theirs (the territory's worker), they set the start.
tours.add("solar_om_technician_schedules_visit", {
    steps: () => [
        {
            content: "the order is assigned to the technician, read only: the dispatcher's choice",
            trigger: ".o_form_view .o_field_widget[name=person_id]:not(:has(input)):contains(job_tech)",
        },
        {
            content: "open the planning",
            trigger: ".o_notebook a.nav-link:contains('Planning')",
            run: "click",
        },
        {
            content: "the date agreed with the customer",
            trigger: ".o_field_widget[name=scheduled_date_start] input",
            run: "edit 12/02/2026 08:00:00",
        },
        {
            content: "close the date picker",
            trigger: ".o_field_widget[name=scheduled_duration] input",
            run: "click",
        },
        {
            content: "save",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "saved",
            trigger: ".o_form_view .o_form_status_indicator_buttons.invisible:not(:visible)",
        },
        {
            content: "the agreed date is on the order",
            trigger:
                ".o_field_widget[name=scheduled_date_start]:contains(8:00), .o_field_widget[name=scheduled_date_start] input:value(8:00)",
        },
    ],
});

// The agent takes in a roof leak from a new case: the inspection cannot be
// scheduled before the photos or videos and the leak start date are there.
tours.add("solar_om_agent_roof_leak_intake", {
    steps: () => [
        {
            content: "the homeowner calls: a new case",
            trigger: ".o_form_view .o_field_widget[name=name] input, .o_form_view .o_field_widget[name=name] textarea",
            run: "edit Water stain on the ceiling",
        },
        {
            content: "their site",
            trigger: ".o_field_widget[name=solar_site_id] input",
            run: "edit Tour roof",
        },
        {
            content: "pick it",
            trigger: ".o-autocomplete--dropdown-item:contains('Tour roof')",
            run: "click",
        },
        {
            content: "the customer follows from the site",
            trigger: ".o_field_widget[name=partner_id] input:value(Tour homeowner)",
        },
        {
            content: "the case type",
            trigger: ".o_field_widget[name=category_id] input",
            run: "edit Roof Leak",
        },
        {
            content: "Roof Leak",
            trigger: ".o-autocomplete--dropdown-item:contains('Roof Leak')",
            run: "click",
        },
        {
            content: "what the homeowner says",
            trigger: ".o_field_widget[name=description] .odoo-editor-editable",
            run: "editor Water stain on the bedroom ceiling under the array.",
        },
        {
            content: "save the case",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "choose the resolution path",
            trigger: ".o_form_view button[name=action_solar_decide]:contains('Choose Resolution Path')",
            run: "click",
        },
        {
            content: "an inspection visit",
            trigger: ".modal .o_field_widget[name=resolution_path] label:contains('Site Visit: Audit')",
            run: "click",
        },
        {
            content: "confirm",
            trigger: ".modal button[name=action_confirm]",
            run: "click",
        },
        {
            content: "refused: the photos or videos and the leak start date are missing",
            trigger:
                ".modal .modal-body:contains('Before the roof inspection is scheduled'):contains('Leak Photos and Videos'):contains('Leak Started On')",
        },
        {
            content: "close the message",
            trigger: ".modal:has(.modal-body:contains('Before the roof inspection')) .modal-footer button:contains('Close')",
            run: "click",
        },
        {
            content: "close the decision",
            trigger: ".modal .modal-footer button:contains('Cancel')",
            run: "click",
        },
        {
            content: "the roof leak intake",
            trigger: "body:not(:has(.modal)) .o_notebook a.nav-link:contains('Roof Leak')",
            run: "click",
        },
        {
            content: "when the leak started",
            trigger: ".o_field_widget[name=solar_leak_started_on] input",
            run: "edit 11/10/2026",
        },
        {
            content: "the homeowner's photo",
            trigger: ".o_field_widget[name=solar_leak_media_ids] .o_attach",
            async run() {
                const photo = new File(["\xff\xd8\xff\xe0 ceiling"], "ceiling.jpg", {
                    type: "image/jpeg",
                });
                await inputFiles(".o_field_widget[name=solar_leak_media_ids] .o_input_file", [
                    photo,
                ]);
            },
        },
        {
            content: "the photo is on the case",
            trigger:
                ".o_field_widget[name=solar_leak_media_ids] .o_attachment:not(.o_attachment_uploading):contains('ceiling.jpg')",
        },
        ...choosePath("Site Visit: Audit"),
    ],
});

// Sales receives the leak that was not ours as an opportunity for a proposal.
tours.add("solar_om_sales_sees_the_roof_leak_opportunity", {
    steps: () => [
        {
            content: "the opportunity names the site",
            trigger: ".o_form_view .o_field_widget[name=solar_site_id] input:value(Tour roof)",
        },
        {
            content: "for the homeowner",
            trigger: ".o_form_view .o_field_widget[name=partner_id] input:value(Tour homeowner)",
        },
        {
            content: "with what the crew found",
            trigger: ".o_form_view .o_field_widget[name=description]:contains('Chimney flashing cracked')",
        },
    ],
});

// A homeowner complains that nobody called back: the agent finds the open case
// for the concern and escalates it.
tours.add("solar_om_agent_escalates_unanswered_case", {
    steps: () => [
        {
            content: "the complaint of no news",
            trigger: ".o_breadcrumb:contains('Nobody called back')",
        },
        {
            content: "escalate",
            trigger: ".o_form_view button[name=action_solar_escalate]",
            run: "click",
        },
        {
            content: "the customer's open cases",
            trigger: ".modal .o_field_widget[name=open_case_ids] .o_data_row:contains('Billing question')",
        },
        {
            content: "the concern",
            trigger: ".modal .o_field_widget[name=concern] input",
            run: "edit inverter",
        },
        {
            content: "done typing",
            trigger: ".modal .modal-title:contains('Find the Open Case')",
            run: "click",
        },
        {
            content: "only the inverter case is left, and it is chosen",
            trigger:
                ".modal:not(:has(.o_data_row:contains('Billing question'))) .o_field_widget[name=case_id] input:value(Inverter error 18xD)",
        },
        {
            content: "escalate it",
            trigger: ".modal button[name=action_escalate]",
            run: "click",
        },
        {
            content: "the escalated case opens",
            trigger: "body:not(:has(.modal)) .o_breadcrumb:contains('Inverter error 18xD')",
        },
        {
            content: "handed to the team lead",
            trigger: ".o_form_view .o_field_widget[name=user_id] input:value(care_lead)",
        },
        {
            content: "at high priority: two stars",
            trigger: ".o_form_view .o_field_widget[name=priority] .o_priority_star.fa-star:count(2)",
        },
    ],
});
