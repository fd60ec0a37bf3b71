"""Make the screenshots of README.md and docs/ from a running demo database.

Logs in as the role that uses each screen, opens it in headless Chromium
(desktop 1366 px and phone 375 px wide) over the DevTools protocol and saves
PNGs under docs/screenshots/. Run after `setup/run.sh`:

    python setup/screenshots.py --url http://127.0.0.1:8069 --db solar_om_demo

Needs Debian's `chromium` and `websocket-client` (setup/requirements-odoo.txt).
"""

import argparse
import base64
import json
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import websocket

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
DESKTOP, PHONE = (1366, 900), (375, 800)
MAP_READY = ".o_solar_map_degraded, .leaflet-tile-loaded"


def login(url, db, login_name, password):
    """A session id for the user, from Odoo's JSON login route."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    body = json.dumps(
        {"jsonrpc": "2.0", "params": {"db": db, "login": login_name, "password": password}}
    ).encode()
    request = urllib.request.Request(
        f"{url}/web/session/authenticate", body, {"Content-Type": "application/json"}
    )
    reply = json.load(opener.open(request, timeout=30))
    if reply.get("error"):
        sys.exit(f"login as {login_name!r} failed: {reply['error'].get('message')}")
    return next(c.value for c in jar if c.name == "session_id")


class Browser:
    def __init__(self):
        self.profile = tempfile.mkdtemp(prefix="solar-om-shots-")
        chromium = shutil.which("chromium") or shutil.which("chromium-browser")
        if not chromium:
            sys.exit("chromium not found: apt-get install chromium")
        self.proc = subprocess.Popen(
            [
                chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--hide-scrollbars",
                f"--user-data-dir={self.profile}",
                "--remote-debugging-port=0",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        port_file = Path(self.profile) / "DevToolsActivePort"
        for _ in range(100):
            if port_file.exists() and port_file.read_text().strip():
                break
            time.sleep(0.1)
        port = port_file.read_text().split()[0]
        targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json", timeout=10))
        page = next(t for t in targets if t["type"] == "page")
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=60)
        self.next_id = 0

    def call(self, method, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def evaluate(self, expression):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return result.get("result", {}).get("value")

    def shoot(self, url, session, path, size, ready, settle=1.0, scroll=None, click=None):
        width, height = size
        self.call(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=width < 600,
        )
        self.call("Network.enable")
        self.call("Network.clearBrowserCookies")
        if session:
            host = urllib.request.urlparse(url).hostname
            self.call("Network.setCookie", name="session_id", value=session, domain=host, path="/")
        self.call("Page.enable")
        self.call("Page.navigate", url=url)
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.evaluate(f"!!document.querySelector({json.dumps(ready)})"):
                break
            time.sleep(0.3)
        else:
            print(f"  ! {path.name}: {ready!r} never appeared", file=sys.stderr)
        if click:
            # a tab to open first (the site form's Days page)
            self.evaluate(f"document.querySelector({json.dumps(click)})?.click()")
            time.sleep(1.0)
        if scroll:
            self.evaluate(
                f"document.querySelector({json.dumps(scroll)})?.scrollIntoView({{block: 'center'}})"
            )
        time.sleep(settle)
        data = self.call("Page.captureScreenshot", format="png")["data"]
        path.write_bytes(base64.b64decode(data))
        shrink(path)
        print(f"  {path.relative_to(OUT.parent.parent)}")

    def close(self):
        self.ws.close()
        self.proc.terminate()
        self.proc.wait(10)
        shutil.rmtree(self.profile, ignore_errors=True)


def shrink(path):
    """A 256-colour palette: screenshots of forms lose nothing visible and
    weigh a third (Pillow comes with Odoo)."""
    try:
        from PIL import Image
    except ImportError:
        return
    with Image.open(path) as image:
        image.convert("RGB").quantize(colors=256).save(path, optimize=True)


def record_id(url, session, model, domain):
    body = json.dumps(
        {
            "jsonrpc": "2.0",
            "params": {
                "model": model,
                "method": "search",
                "args": [domain],
                "kwargs": {"limit": 1},
            },
        }
    ).encode()
    request = urllib.request.Request(
        f"{url}/web/dataset/call_kw",
        body,
        {"Content-Type": "application/json", "Cookie": f"session_id={session}"},
    )
    ids = json.load(urllib.request.urlopen(request, timeout=30)).get("result") or []
    return ids[0] if ids else None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8069")
    parser.add_argument("--db", default="solar_om_demo")
    parser.add_argument("--manager", default="admin:admin", help="login:password")
    parser.add_argument("--portal", default="miller:miller", help="login:password")
    parser.add_argument("--technician", default="technician:technician", help="login:password")
    parser.add_argument("--only", nargs="*", help="names of the screenshots to make (default: all)")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    url = args.url.rstrip("/")
    manager = login(url, args.db, *args.manager.split(":", 1))
    web = f"{url}/odoo/action-"
    faulty_site = record_id(
        url,
        manager,
        "solar.site",
        [("health_state", "in", ("inverter_fault", "string_mlpe_fault"))],
    )
    ticket = record_id(
        url,
        manager,
        "helpdesk.ticket",
        [
            ("solar_monitoring", "=", True),
            ("closed", "=", False),
            ("solar_site_id.health_state", "=", "inverter_fault"),
        ],
    )
    shots = [
        (
            manager,
            f"{web}solar_om_monitoring.solar_fleet_overview_action",
            "fleet_overview",
            DESKTOP,
            ".o_kanban_record",
        ),
        (manager, f"{web}solar_om.solar_site_action", "sites_kanban", DESKTOP, ".o_kanban_record"),
        (
            manager,
            f"{web}solar_om.solar_site_action?view_type=list",
            "sites_list",
            DESKTOP,
            ".o_data_row",
        ),
        (manager, f"{web}solar_om.solar_site_action", "sites_phone", PHONE, ".o_kanban_record"),
        # tiles drawn, or (offline) the page saying so over the list of sites
        (manager, f"{url}/odoo/solar-map", "sites_map", DESKTOP, MAP_READY),
        (manager, f"{url}/odoo/solar-map", "sites_map_phone", PHONE, MAP_READY),
        (
            manager,
            f"{web}solar_om_monitoring.solar_production_daily_action",
            "production_graph",
            DESKTOP,
            ".o_graph_renderer canvas",
        ),
        (
            manager,
            f"{web}solar_om_monitoring.solar_fleet_report_action",
            "fleet_report",
            DESKTOP,
            ".o_pivot",
        ),
    ]
    if faulty_site:
        shots.append(
            (
                manager,
                f"{web}solar_om.solar_site_action/{faulty_site}",
                "site_form",
                DESKTOP,
                ".o_form_view .alert-danger",
            )
        )
    # a site whose day's verdict named a device down: its Devices tab
    devices_site = record_id(
        url, manager, "solar.site", [("device_ids.solar_energy_ids.down", "=", True)]
    )
    devices_tab = ".o_notebook a.nav-link[name=devices]"
    devices_ready = ".o_form_view .o_notebook"
    # the tab's header at the top of the page, its first rows (devices down) below
    devices_table = ".o_form_view .o_notebook_headers"
    if devices_site:
        page = f"{web}solar_om.solar_site_action/{devices_site}"
        shots += [
            (manager, page, "site_devices", DESKTOP, devices_ready, devices_table, devices_tab),
            (manager, page, "site_devices_phone", PHONE, devices_ready, devices_table, devices_tab),
        ]
    if ticket:
        shots.append(
            (
                manager,
                f"{url}/odoo/helpdesk.ticket/{ticket}",
                "monitoring_ticket",
                DESKTOP,
                ".o_form_view .o_statusbar_status",
            )
        )
        # the same ticket's SLA clocks against the contract level's targets
        shots.append(
            (
                manager,
                f"{url}/odoo/helpdesk.ticket/{ticket}",
                "ticket_sla",
                DESKTOP,
                ".o_form_view .o_solar_sla_clocks",
                ".o_form_view div[name=solar_sla_clocks]",
            )
        )
    # the day judge: a site's judged days, and the ticket it opened with its
    # days in the chatter (the demo's Rome underperforms)
    day_site = record_id(
        url, manager, "solar.site", [("day_verdict_ids.day_kind", "=", "underperformance")]
    )
    if day_site:
        page = f"{web}solar_om.solar_site_action/{day_site}"
        days = ".o_notebook_headers a[name=solar_days]"
        shots += [
            (manager, page, "site_days", DESKTOP, ".o_form_view .o_notebook", ".o_notebook", days),
            (
                manager,
                page,
                "site_days_phone",
                PHONE,
                ".o_form_view .o_notebook",
                ".o_notebook",
                days,
            ),
        ]
        day_ticket = record_id(
            url,
            manager,
            "helpdesk.ticket",
            [("solar_site_id", "=", day_site), ("solar_monitoring", "=", True)],
        )
        if day_ticket:
            shots.append(
                (
                    manager,
                    f"{url}/odoo/helpdesk.ticket/{day_ticket}",
                    "day_ticket",
                    DESKTOP,
                    ".o_form_view .o_solar_days",
                    ".o_form_view .o_solar_days",
                )
            )
    # the technician's screens, as he sees them: where he lands, his order
    technician = login(url, args.db, *args.technician.split(":", 1))
    order = record_id(
        url, technician, "fsm.order", [("solar_site_id", "!=", False), ("is_closed", "=", False)]
    )
    shots.append((technician, f"{url}/odoo", "my_work_orders_phone", PHONE, ".o_kanban_record"))
    if order:
        page = f"{url}/odoo/my-work-orders/{order}"
        ready = ".o_form_view .o_solar_visit [name=solar_customer_id]"
        shots += [
            (technician, page, "work_order", DESKTOP, ready),
            (technician, page, "work_order_phone", PHONE, ready),
        ]
    portal_site = record_id(
        url, manager, "solar.site", [("partner_id.user_ids.login", "=", args.portal.split(":")[0])]
    )
    if portal_site:
        owner = login(url, args.db, *args.portal.split(":", 1))
        shots += [
            (
                owner,
                f"{url}/my/solar/{portal_site}",
                "portal_site",
                DESKTOP,
                ".o_solar_portal_site",
            ),
            (owner, f"{url}/my/solar", "portal_phone", PHONE, ".o_solar_portal_site"),
        ]
    browser = Browser()
    try:
        for session, page, name, size, ready, *extra in shots:
            if args.only and name not in args.only:
                continue
            scroll, click = (list(extra) + [None, None])[:2]
            browser.shoot(
                page, session, OUT / f"{name}.png", size, ready, scroll=scroll, click=click
            )
    finally:
        browser.close()


if __name__ == "__main__":
    main()
