import { registry } from "@web/core/registry";

// The manager opens the Sites Map with no tile server reachable (the test
// browser answers every outside request with a 404): the page says the map
// could not load and lists the sites, faulty first, while the markers still
// stand in their health colours; a click on the red marker opens the site.
registry.category("web_tour.tours").add("solar_om_sites_map", {
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
            content: "open the map",
            trigger: ".o_menu_sections a[data-menu-xmlid='solar_om_monitoring.menu_solar_sites_map']",
            run: "click",
        },
        {
            content: "the legend counts one site at zero production and one healthy",
            trigger:
                ".o_solar_map_legend.o_solar_health_inverter_fault:contains('1') ~ .o_solar_map_legend.o_solar_health_ok:contains('1')",
        },
        {
            content: "the site without coordinates is said to be missing, not hidden",
            trigger: ".o_solar_map_unplaced:contains('1')",
        },
        {
            content: "no tiles: the page says so instead of showing a blank map",
            trigger: ".o_solar_map_degraded:contains('could not be loaded')",
        },
        {
            content: "and lists the sites, the faulty one first and red",
            trigger:
                ".o_solar_map_list .o_solar_map_row:first-child.text-danger:contains('Zz faulty roof'):contains('reporting 0 W') ~ .o_solar_map_row:not(.text-danger):contains('A healthy roof')",
        },
        {
            content: "the markers are still drawn, green for the healthy site",
            trigger: "path.o_solar_map_marker.o_solar_health_ok.o_solar_map_color_10",
        },
        {
            content: "click the red marker of the faulty site",
            trigger: "path.o_solar_map_marker.o_solar_health_inverter_fault.o_solar_map_color_1",
            run: "click",
        },
        {
            content: "the site opens",
            trigger: ".o_form_view .o_field_widget[name=name]:contains('Zz faulty roof'), .o_form_view .o_field_widget[name=name] input:value('Zz faulty roof')",
        },
        {
            content: "back to the map",
            trigger: ".o_breadcrumb a:contains('Sites Map')",
            run: "click",
        },
        {
            content: "a row of the list opens its site too",
            trigger: ".o_solar_map_list .o_solar_map_row:contains('A healthy roof')",
            run: "click",
        },
        {
            content: "the healthy site opens",
            trigger: ".o_form_view .o_field_widget[name=name] input:value('A healthy roof'), .o_form_view .o_field_widget[name=name]:contains('A healthy roof')",
        },
    ],
});
