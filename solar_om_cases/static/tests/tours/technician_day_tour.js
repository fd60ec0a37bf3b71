import { registry } from "@web/core/registry";
import { inputFiles } from "@web/../tests/utils";

// The demo technician's morning on a phone (login technician): he lands on his
// work orders, opens the audit in Rome, can call the customer and get
// directions from the top of the order, cannot tick the photo item before a
// photo is attached nor complete the order before writing its resolution;
// then he does both and sees the sign-off's date.

function refused(content, message) {
    return [
        {
            content,
            trigger: `.modal .modal-body:contains('${message}')`,
        },
        {
            content: "close the message",
            trigger: `.modal:has(.modal-body:contains('${message}')) .modal-footer button:contains('Close')`,
            run: "click",
        },
        {
            content: "back on the order",
            trigger: "body:not(:has(.modal)) .o_form_view .o_solar_visit",
        },
    ];
}

function tick(item) {
    return [
        {
            content: `tick: ${item}`,
            trigger: `.o_field_widget[name=order_activity_ids] .o_kanban_record:contains('${item}') button[name=action_done]`,
            run: "click",
        },
        {
            content: `${item}: done`,
            trigger: `.o_field_widget[name=order_activity_ids] .o_kanban_record:contains('${item}'):not(:has(button[name=action_done]))`,
        },
    ];
}

registry.category("web_tour.tours").add("solar_om_technician_day", {
    steps: () => [
        {
            content: "he lands on his work orders, not on a chat",
            trigger: "body:not(:has(.o-mail-ChatWindow)) .o_breadcrumb:contains('My Work Orders')",
        },
        {
            content: "each order says whom and where: this morning's audit in Rome",
            trigger: ".o_kanban_record:contains('Giulia Rossi'):contains('Via Nazionale 75')",
            run: "click",
        },
        {
            content: "the order opens on whom to visit",
            trigger: ".o_form_view .o_solar_visit:contains('Giulia Rossi')",
        },
        {
            content: "tap the number to call the customer",
            trigger:
                ".o_solar_visit .o_field_widget[name=solar_customer_phone] a[href='tel:+390648901234']:contains('+39 06 4890 1234')",
        },
        {
            content: "tap the address for directions to the roof",
            trigger:
                ".o_solar_visit a.o_solar_directions[href='https://www.google.com/maps/dir/?api=1&destination=41.902800%2C12.496400']:contains('Via Nazionale 75, 00184 Rome, Italy')",
        },
        {
            content: "the case, the place and who goes are the dispatcher's: read only",
            trigger:
                ".o_form_view .o_field_widget[name=location_id]:not(:has(input)):contains('Rossi residence')",
        },
        {
            content: "nor can he change who is assigned",
            trigger: ".o_form_view .o_field_widget[name=person_id]:not(:has(input)):contains('Jonas Weber')",
        },
        {
            content: "open the checklist",
            trigger: ".o_notebook a.nav-link:contains('Activities')",
            run: "click",
        },
        {
            content: "the photo item says it needs a photo",
            trigger:
                ".o_field_widget[name=order_activity_ids] .o_kanban_record:contains('Photos of the array'):contains('Photo')",
        },
        {
            content: "tick the photo item before taking any photo",
            trigger:
                ".o_field_widget[name=order_activity_ids] .o_kanban_record:contains('Photos of the array') button[name=action_done]",
            run: "click",
        },
        ...refused("refused: the item needs a photo", "needs a photo"),
        {
            content: "the photo item is still to do",
            trigger:
                ".o_field_widget[name=order_activity_ids] .o_kanban_record:contains('Photos of the array') button[name=action_done]",
        },
        {
            content: "attach the photo taken on the roof",
            trigger: ".o_field_widget[name=solar_photo_ids] .o_attach",
            async run() {
                const photo = new File(["\xff\xd8\xff\xe0 array"], "array.jpg", {
                    type: "image/jpeg",
                });
                await inputFiles(".o_field_widget[name=solar_photo_ids] .o_input_file", [photo]);
            },
        },
        {
            content: "the photo is on the order",
            trigger:
                ".o_field_widget[name=solar_photo_ids] .o_attachment:not(.o_attachment_uploading):contains('array.jpg')",
        },
        ...tick("Photos of the array"),
        ...tick("Inverter and gateway readings"),
        ...tick("Roof, racking, flashing"),
        ...tick("Serial numbers checked"),
        {
            content: "sign off without writing what was done",
            trigger: ".o_form_view button[name=action_complete]:visible",
            run: "click",
        },
        ...refused("refused: the resolution is missing", "without its resolution"),
        {
            content: "not completed",
            trigger: ".o_form_view button[name=action_complete]:visible",
        },
        {
            content: "write the resolution",
            trigger: ".o_form_view .o_field_widget[name=resolution] .odoo-editor-editable",
            run: "editor Display supply fuse replaced; inverter starts at sunrise again.",
        },
        {
            content: "sign off",
            trigger: ".o_form_view button[name=action_complete]:visible",
            run: "click",
        },
        {
            content: "completed, with the date it was signed off",
            trigger: ".o_solar_visit .o_field_widget.o_solar_completed_on:not(:empty)",
        },
        {
            content: "nothing left to complete",
            trigger: ".o_form_view:not(:has(button[name=action_complete]:visible))",
        },
    ],
});
