import { registry } from "@web/core/registry";

// The manager opens the app on the Fleet Overview, follows the faulty-site
// tile to the Sites list and sees the faulty site first, in red.
registry.category("web_tour.tours").add("solar_om_fleet_health", {
    steps: () => [
        {
            content: "open the apps menu",
            trigger: ".o_navbar_apps_menu button",
            run: "click",
        },
        {
            content: "open the Solar O&M app",
            trigger: ".o_app[data-menu-xmlid='solar_om.menu_solar_om_root']",
            run: "click",
        },
        {
            content: "the app opens on the Fleet Overview: one site at zero production",
            trigger:
                ".o_kanban_group:contains('Sites by Health') .o_kanban_record:contains('Inverter Fault') .o_solar_tile_count:contains('1')",
        },
        {
            content: "the faulty tile is red",
            trigger: ".o_kanban_record.o_kanban_color_1:contains('Inverter Fault')",
        },
        {
            content: "open the sites behind it",
            trigger:
                ".o_kanban_group:contains('Sites by Health') .o_kanban_record:contains('Inverter Fault')",
            run: "click",
        },
        {
            content: "the list behind the tile: the faulty site, red, with its reason",
            trigger:
                ".o_list_view .o_data_row.text-danger:contains('Zz faulty roof'):contains('Zero Production: reporting 0 W')",
        },
        {
            content: "only the faulty site is behind the tile",
            trigger: ".o_list_view:not(:has(.o_data_row:contains('A healthy roof')))",
        },
        {
            content: "all sites",
            trigger: ".o_menu_sections a:contains('Sites')",
            run: "click",
        },
        {
            content: "the kanban opens problems first: the faulty site before the healthy one",
            trigger:
                ".o_kanban_renderer .o_kanban_record:first-child:contains('Zz faulty roof').o_kanban_color_1",
        },
        {
            content: "the healthy site is green, with today's energy against expected",
            trigger:
                ".o_kanban_record.o_kanban_color_10:contains('A healthy roof'):contains('21.00')",
        },
        {
            content: "switch to the list",
            trigger: ".o_switch_view.o_list",
            run: "click",
        },
        {
            content: "the list too: faulty first and red, healthy after and not red",
            trigger:
                ".o_list_view .o_data_row:first-child.text-danger:contains('Zz faulty roof') ~ .o_data_row:not(.text-danger):contains('A healthy roof')",
        },
    ],
});
