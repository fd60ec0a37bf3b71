import { registry } from "@web/core/registry";

// A homeowner on the portal: their faulty system in red with plain words,
// no one else's system, then a problem reported from the system's page.
registry.category("web_tour.tours").add("solar_om_portal_report", {
    url: "/my/solar",
    steps: () => [
        {
            content: "their system is red and says so in plain words",
            trigger:
                ".o_solar_portal_site.border-danger:contains('Owner roof') .o_solar_portal_health:contains('Your system is not producing')",
        },
        {
            content: "today against expected",
            trigger: ".o_solar_portal_site:contains('4.0 kWh'):contains('of 21.0 kWh expected so far')",
        },
        {
            content: "no one else's system",
            trigger: "body:not(:has(.o_solar_portal_site:contains('Neighbour roof')))",
        },
        {
            content: "open the system",
            trigger: ".o_solar_portal_site a:contains('Owner roof')",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "its open case with its stage",
            trigger: ".o_solar_portal_ticket:contains('Owner roof: Inverter Fault')",
        },
        {
            content: "describe the problem",
            trigger: ".o_solar_portal_report textarea[name=description]",
            run: "edit There is a red light on the inverter since this morning",
        },
        {
            content: "report it",
            trigger: ".o_solar_portal_report button[type=submit]",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "the new ticket's page",
            trigger: "body:contains('Problem reported on Owner roof')",
        },
    ],
});
