import { Component, onMounted, onWillStart, onWillUnmount, useRef, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { Layout } from "@web/search/layout";
import { standardActionServiceProps } from "@web/webclient/actions/action_service";

// rows of the fallback list: the problems come first, the rest is one click away
const LIST_LIMIT = 200;
// past this many markers one canvas draws them all (an SVG node each is slow)
const CANVAS_FROM = 2000;

/**
 * The sites on a map (OCA web_leaflet_lib's Leaflet), each a dot in the
 * colour of its health as on the site cards; a click opens the site.
 * Without Leaflet or without tiles (offline, tile server down) the page
 * says so and lists the sites instead, problems first: the markers stay
 * where the map could be drawn.
 */
export class SolarSitesMap extends Component {
    static template = "solar_om_monitoring.SitesMap";
    static components = { Layout };
    static props = { ...standardActionServiceProps };

    setup() {
        this.orm = useService("orm");
        this.actionService = useService("action");
        this.mapRef = useRef("map");
        this.state = useState({ sites: [], unplaced: 0, degraded: false, noMap: false, why: "" });
        this.display = { controlPanel: {} };
        onWillStart(async () => {
            const data = await this.orm.call("solar.sites.map", "markers", [], {
                domain: this.props.action.domain || [],
            });
            this.tiles = { url: data.tile_url, attribution: data.attribution };
            Object.assign(this.state, { sites: data.sites, unplaced: data.unplaced });
        });
        onMounted(() => this.drawMap());
        onWillUnmount(() => {
            this.resizeObserver?.disconnect();
            this.map?.remove();
        });
    }

    get legend() {
        const byState = new Map();
        for (const site of this.state.sites) {
            const entry = byState.get(site.state) || { ...site, count: 0 };
            entry.count++;
            byState.set(site.state, entry);
        }
        return [...byState.values()];
    }

    get listed() {
        return this.state.sites.slice(0, LIST_LIMIT);
    }

    get hidden() {
        return Math.max(0, this.state.sites.length - LIST_LIMIT);
    }

    degrade(why, noMap = false) {
        if (!this.state.degraded || noMap) {
            Object.assign(this.state, { degraded: true, why, noMap: noMap || this.state.noMap });
        }
    }

    drawMap() {
        const L = window.L;
        if (!L || !this.mapRef.el) {
            this.degrade(_t("The map library did not load."), true);
            return;
        }
        try {
            this.map = L.map(this.mapRef.el, {
                worldCopyJump: true,
                renderer: this.state.sites.length >= CANVAS_FROM ? L.canvas() : L.svg(),
            });
            this.addTiles(L);
            // problems come first: drawn last, they lie on top of their neighbours
            const drawn = [...this.state.sites].reverse();
            this.markers = L.featureGroup(drawn.map((site) => this.marker(L, site)));
            this.markers.addTo(this.map);
            this.fit();
            // the pane is laid out (and shrinks when the list appears) after
            // Leaflet measured it: measure again and keep every site in view
            this.resizeObserver = new ResizeObserver(() => {
                this.map.invalidateSize();
                this.fit();
            });
            this.resizeObserver.observe(this.mapRef.el);
        } catch (error) {
            this.degrade(_t("The map could not be drawn: %s", error.message), true);
        }
    }

    fit() {
        // not animated: an animated zoom ends on a 250 ms timer that Leaflet
        // 1.9 does not clear when the map is removed, so leaving the view
        // right after a resize threw "reading '_leaflet_pos'"
        if (this.state.sites.length) {
            this.map.fitBounds(this.markers.getBounds(), {
                padding: [24, 24],
                maxZoom: 13,
                animate: false,
            });
        } else {
            this.map.setView([20, 0], 2, { animate: false });
        }
    }

    addTiles(L) {
        const tiles = L.tileLayer(this.tiles.url, {
            attribution: this.tiles.attribution,
            maxZoom: 19,
        });
        let loaded = 0;
        tiles.on("tileload", () => loaded++);
        tiles.on("tileerror", () => {
            if (!loaded) {
                this.degrade(
                    _t(
                        "The map tiles could not be loaded from %s (no network, or the tile server refused).",
                        this.tileHost
                    )
                );
            }
        });
        tiles.addTo(this.map);
    }

    get tileHost() {
        const url = this.tiles.url.replace("{s}", "a").replace(/\{[^}]*\}/g, "0");
        return new URL(url, window.location.href).host;
    }

    /** The kanban palette's colour (from the stylesheet, so one palette). */
    colorOf(index) {
        this.colors ??= {};
        if (!(index in this.colors)) {
            const probe = document.createElement("span");
            probe.className = `o_solar_map_color_${index}`;
            document.body.appendChild(probe);
            this.colors[index] = getComputedStyle(probe).backgroundColor;
            probe.remove();
        }
        return this.colors[index];
    }

    marker(L, site) {
        const color = this.colorOf(site.color);
        const marker = L.circleMarker([site.lat, site.lng], {
            radius: site.problem ? 9 : 7,
            weight: 2,
            color: "#333",
            fillColor: color,
            fillOpacity: 0.9,
            className: `o_solar_map_marker o_solar_map_color_${site.color} o_solar_health_${site.state}`,
        });
        // text, not HTML: a site name is user input
        const tip = document.createElement("div");
        tip.textContent = `${site.name}: ${site.label}`;
        marker.bindTooltip(tip);
        marker.on("add", () => {
            const element = marker.getElement();
            if (element) {
                element.dataset.siteId = site.id;
            }
        });
        marker.on("click", () => this.openSite(site.id));
        return marker;
    }

    openSite(id) {
        this.actionService.doAction({
            type: "ir.actions.act_window",
            res_model: "solar.site",
            res_id: id,
            views: [[false, "form"]],
        });
    }

    openList() {
        this.actionService.doAction("solar_om.solar_site_action", {
            viewType: "list",
        });
    }
}

registry.category("actions").add("solar_om_monitoring.sites_map", SolarSitesMap);
