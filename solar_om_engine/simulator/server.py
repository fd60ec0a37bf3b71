"""A local HTTP server that speaks the three vendor APIs over a `Fleet`.

Paths, auth headers, pagination, quota answers and error shapes follow the
vendors (see docs/vendor notes in the README):

    /solaredge/v2/...        X-API-Key; 429 with x-ratelimit-*-minute headers
    /enphase/api/v4/...      Bearer token + ?key=; 429 body with period/period_end
    /enphase/oauth/token     refresh_token grant, rotating refresh tokens
    /apsystems/{user|installer}/api/v2/...   X-CA-* HMAC; errors as 200 + code

and a control API under /_sim for tests and the demo (clock, faults,
outages, API failures). It binds to 127.0.0.1 only.
"""

from __future__ import annotations

import base64
import json
import logging
import re
import threading
import time
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from ..clients.apsystems import sign
from ..geo import zone
from .fleet import Fleet, SimSite

_logger = logging.getLogger(__name__)


class _Reply(Exception):
    def __init__(self, status: int, body, headers=None, raw: bytes | None = None):
        self.status, self.body, self.headers, self.raw = status, body, headers or {}, raw


def _parse_time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


class Simulator:
    """`with Simulator(fleet) as sim:` serves on 127.0.0.1:<free port>."""

    def __init__(self, fleet: Fleet, port: int = 0, host: str = "127.0.0.1"):
        if host not in ("127.0.0.1", "localhost", "::1"):
            raise ValueError("the simulator only listens on the loopback interface")
        self.fleet = fleet
        # injected API failures: (vendor, account or "*") -> [mode, remaining count]
        self.api_faults: dict[tuple[str, str], list] = {}
        # how long an injected "timeout" keeps the client waiting
        self.timeout_seconds = 3.0
        self.calls = 0
        handler = type("Handler", (_Handler,), {"sim": self})
        self.httpd = ThreadingHTTPServer((host, port), handler)
        self.httpd.daemon_threads = True
        self.thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def base_url(self, vendor: str) -> str:
        return {
            "solaredge": f"{self.url}/solaredge/v2",
            "enphase": f"{self.url}/enphase",
            "apsystems": f"{self.url}/apsystems",
        }[vendor]

    def start(self) -> Simulator:
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # ------------------------------------------------------------ quota and faults
    def _spend(self, account_key: str) -> None:
        """Count a call. Minutes and months are those of the simulated clock,
        so a test with the clock frozen sees a minute that never rolls over
        however slow the machine, and one that moves the clock into the next
        month finds the monthly quota renewed."""
        account = self.fleet.accounts[account_key]
        moment = self.fleet.now()
        now = moment.timestamp()
        with self.fleet.lock:
            month = moment.strftime("%Y-%m")
            if account.month != month:
                account.month, account.calls_month = month, 0
            account.minute_calls = [t for t in account.minute_calls if t > now - 60]
            if account.calls_month >= account.per_month:
                raise _Quota("month", account)
            if len(account.minute_calls) >= account.per_minute:
                raise _Quota("minute", account)
            account.minute_calls.append(now)
            account.calls_month += 1
            self.calls += 1

    def _api_fault(self, vendor: str, account: str) -> str | None:
        with self.fleet.lock:
            for key in ((vendor, account), (vendor, "*")):
                fault = self.api_faults.get(key)
                if fault and fault[1] != 0:
                    fault[1] -= 1
                    return fault[0]
        return None


class _Quota(Exception):
    def __init__(self, period, account):
        self.period, self.account = period, account


class _Handler(BaseHTTPRequestHandler):
    sim: Simulator
    protocol_version = "HTTP/1.1"
    # one write per answer and no Nagle delay: otherwise every keep-alive
    # request waits ~40 ms for a delayed ACK
    wbufsize = 64 * 1024
    disable_nagle_algorithm = True

    def log_message(self, fmt, *args):  # keep test output quiet
        _logger.debug(fmt, *args)

    # ------------------------------------------------------------ plumbing
    def _dispatch(self, method: str):
        parts = urlsplit(self.path)
        self.wrong_types = False  # one connection serves many requests
        self.query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        length = int(self.headers.get("Content-Length") or 0)
        self.body = self.rfile.read(length) if length else b""
        try:
            if parts.path.startswith("/_sim/"):
                self._control(method, parts.path)
            elif parts.path.startswith("/solaredge/"):
                self._solaredge(method, parts.path[len("/solaredge") :])
            elif parts.path.startswith("/enphase/"):
                self._enphase(method, parts.path[len("/enphase") :])
            elif parts.path.startswith("/apsystems/"):
                self._apsystems(method, parts.path[len("/apsystems") :])
            else:
                raise _Reply(404, {"message": "not found"})
        except _Reply as reply:
            self._send(reply.status, reply.body, reply.headers, reply.raw)

    def do_GET(self):  # noqa: N802
        self._dispatch("GET")

    def do_POST(self):  # noqa: N802
        self._dispatch("POST")

    def _send(self, status, body, headers=None, raw=None):
        payload = raw if raw is not None else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        for k, v in (headers or {}).items():
            self.send_header(k, str(v))
        self.end_headers()
        try:
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout test): nothing to answer

    def _maybe_fail(self, vendor: str, account: str):
        mode = self.sim._api_fault(vendor, account)
        if mode is None:
            return
        if mode == "timeout":
            time.sleep(self.sim.timeout_seconds)
            raise _Reply(504, {"message": "gateway timeout"})
        if mode in ("500", "502", "503"):
            raise _Reply(int(mode), {"message": "internal error"})
        if mode == "410":
            raise _Reply(410, {"message": "This API version has been retired"})
        if mode == "malformed":
            raise _Reply(200, None, raw=b"<html>Service Unavailable</html>")
        if mode == "truncated":
            raise _Reply(200, None, raw=b'{"production": {"total": 12')
        if mode == "wrong_types":
            self.wrong_types = True

    # ------------------------------------------------------------ control API
    def _control(self, method, path):
        fleet = self.sim.fleet
        data = json.loads(self.body or b"{}")
        if path == "/_sim/clock":
            if method == "POST":
                at = _parse_time(data["at"]) if data.get("at") else None
                fleet.set_clock(at, frozen=data.get("frozen", True))
            raise _Reply(200, {"now": fleet.now().isoformat()})
        if path == "/_sim/fault":
            try:
                since = _parse_time(data["since"]) if data.get("since") else None
                fleet.inject(data["site"], data.get("kind"), since)
            except (KeyError, ValueError) as err:
                raise _Reply(400, {"message": str(err)}) from err
            raise _Reply(200, {"site": data["site"], "fault": data.get("kind")})
        if path == "/_sim/outage":
            since = _parse_time(data["since"]) if data.get("since") else None
            fleet.outage(data["account"], bool(data.get("on", True)), since)
            raise _Reply(200, {"account": data["account"], "on": bool(data.get("on", True))})
        if path == "/_sim/api_fault":
            key = (data["vendor"], data.get("account", "*"))
            self.sim.api_faults[key] = [data["mode"], int(data.get("count", -1))]
            raise _Reply(200, {"ok": True})
        if path == "/_sim/stats":
            raise _Reply(200, {"calls": self.sim.calls, "sites": len(fleet.sites)})
        if path == "/_sim/sites":
            raise _Reply(
                200,
                [
                    {
                        "ref": s.ref,
                        "vendor": s.vendor,
                        "account": s.account,
                        "name": s.name,
                        "latitude": s.latitude,
                        "longitude": s.longitude,
                        "timezone": s.timezone,
                        "capacity_w": s.capacity_w,
                        "connection": s.connection,
                        "fault": s.fault,
                    }
                    for s in fleet.sites.values()
                ],
            )
        raise _Reply(404, {"message": f"unknown control path {path}"})

    # ------------------------------------------------------------ SolarEdge v2
    def _solaredge(self, method, path):
        if path.startswith("/site/") or not path.startswith("/v2/"):
            raise _Reply(410, {"message": "Monitoring API v1 was retired on 2026-11-03"})
        fleet = self.sim.fleet
        key = self.headers.get("X-API-Key", "")
        account = next(
            (a for a in fleet.accounts.values() if a.vendor == "solaredge" and a.api_key == key),
            None,
        )
        if account is None:
            raise _Reply(
                401,
                {"type": "about:blank", "title": "Unauthorized", "status": 401},
            )
        try:
            self.sim._spend(account.key)
        except _Quota as q:
            raise _Reply(
                429,
                {"message": "Too Many Requests"},
                {"x-ratelimit-limit-minute": account.per_minute, "x-ratelimit-remaining-minute": 0},
            ) from q
        self._maybe_fail("solaredge", account.key)
        remaining = max(account.per_minute - len(account.minute_calls), 0)
        rate = {
            "x-ratelimit-limit-minute": account.per_minute,
            "x-ratelimit-remaining-minute": remaining,
        }
        sub = path[len("/v2") :]
        sites = fleet.sites_of(account.key)
        if sub == "/sites":
            start = int(self.query.get("startIndex", 0))
            size = min(int(self.query.get("size", 100)), 100)
            page = sites[start : start + size]
            raise _Reply(
                200,
                {
                    "sites": {
                        "count": len(sites),
                        "site": [
                            {
                                "siteId": s.ref,
                                "name": s.name,
                                "peakPower": s.capacity_w / 1000,
                                "activationStatus": "Active",
                                "location": {
                                    "latitude": s.latitude,
                                    "longitude": s.longitude,
                                    "timeZone": s.timezone,
                                },
                            }
                            for s in page
                        ],
                    }
                },
                rate,
            )
        if sub == "/alerts":
            raise _Reply(200, {"alerts": []}, rate)
        match = re.fullmatch(r"/sites/([^/]+)(/overview|/devices)?", sub)
        site = fleet.sites.get(match.group(1)) if match else None
        if site is None or site.account != account.key:
            raise _Reply(404, {"message": "site not found"}, rate)
        snap = fleet.snapshot(site)
        local_seen = snap["last_report_at"].astimezone(zone(site.timezone))
        if match.group(2) == "/overview":
            body = {
                "lastUpdateTime": local_seen.isoformat(),
                "production": {"total": snap["energy_today_wh"], "unit": "WH"},
                "currentPower": {"power": snap["power_w"]},
            }
            if site.has_meter:
                body["meter"] = {"production": snap["meter_energy_today_wh"]}
            if self.wrong_types:
                body["production"]["total"] = "a lot"
            raise _Reply(200, body, rate)
        if match.group(2) == "/devices":
            raise _Reply(
                200,
                {
                    "devices": [
                        {
                            "type": "INVERTER",
                            "serialNumber": f"7E{site.ref}",
                            "active": True,
                            "connectedOptimizers": snap["devices_reporting"],
                        }
                    ]
                },
                rate,
            )
        raise _Reply(
            200,
            {
                "siteId": site.ref,
                "name": site.name,
                "peakPower": site.capacity_w / 1000,
                "lastUpdateTime": local_seen.isoformat(),
                "location": {"timeZone": site.timezone},
            },
            rate,
        )

    # ------------------------------------------------------------ Enphase v4
    def _enphase(self, method, path):
        fleet = self.sim.fleet
        if path == "/oauth/token" and method == "POST":
            auth = self.headers.get("Authorization", "")
            refresh = self.query.get("refresh_token", "")
            for account in fleet.accounts.values():
                if account.vendor == "enphase" and account.refresh_token == refresh:
                    expected = base64.b64encode(
                        f"{account.key}-client:{account.secret}".encode()
                    ).decode()
                    if auth != f"Basic {expected}":
                        raise _Reply(401, {"error": "invalid_client"})
                    n = int(time.time() * 1000)
                    account.access_token = f"{account.key}-access-{n}"
                    account.refresh_token = f"{account.key}-refresh-{n}"
                    raise _Reply(
                        200,
                        {
                            "access_token": account.access_token,
                            "refresh_token": account.refresh_token,
                            "token_type": "bearer",
                            "expires_in": 86393,
                        },
                    )
            raise _Reply(401, {"error": "invalid_grant"})
        if not path.startswith("/api/v4/"):
            raise _Reply(404, {"message": "Not Found"})
        key = self.query.get("key", "")
        token = self.headers.get("Authorization", "").removeprefix("Bearer ")
        account = next(
            (a for a in fleet.accounts.values() if a.vendor == "enphase" and a.api_key == key),
            None,
        )
        if account is None:
            raise _Reply(
                401,
                {"message": "Not Authorized", "details": "API Key -Client mismatch", "code": 401},
            )
        if token != account.access_token:
            raise _Reply(
                401, {"message": "Not Authorized", "details": "User is not authorized", "code": 401}
            )
        try:
            self.sim._spend(account.key)
        except _Quota as q:
            now = int(time.time())
            month_start = fleet.now().replace(day=1, hour=0, minute=0, second=0, microsecond=0)
            end = (
                now - now % 60 + 60
                if q.period == "minute"
                # the first instant of the next (simulated) month
                else int((month_start + timedelta(days=32)).replace(day=1).timestamp())
            )
            raise _Reply(
                429,
                {
                    "message": "Too Many Requests",
                    "details": "Usage limit exceeded for plan Watt",
                    "code": 429,
                    "period": q.period,
                    "period_start": now,
                    "period_end": end,
                    "limit": account.per_minute if q.period == "minute" else account.per_month,
                },
            ) from q
        self._maybe_fail("enphase", account.key)
        sub = path[len("/api/v4") :]
        sites = fleet.sites_of(account.key)
        if sub == "/systems":
            page = max(int(self.query.get("page", 1)), 1)
            size = min(int(self.query.get("size", 10)), 100)
            chunk = sites[(page - 1) * size : page * size]
            items = []
            for s in chunk:
                snap = fleet.snapshot(s)
                items.append(
                    {
                        "system_id": s.ref,
                        "name": s.name,
                        "timezone": s.timezone,
                        "connection_type": s.connection,
                        "energy_lifetime": -1,
                        "energy_today": -1,
                        "system_size": -1,
                        "status": self._enphase_status(s, snap),
                        "last_report_at": int(snap["last_report_at"].timestamp()),
                        "last_energy_at": int(snap["last_report_at"].timestamp()),
                    }
                )
            raise _Reply(
                200,
                {
                    "total": len(sites),
                    "current_page": page,
                    "size": size,
                    "count": len(items),
                    "items": "systems",
                    "systems": items,
                },
            )
        match = re.fullmatch(r"/systems/([^/]+)/summary", sub)
        site = fleet.sites.get(match.group(1)) if match else None
        if site is None or site.account != account.key:
            raise _Reply(404, {"message": "Not Found", "details": "System not found", "code": 404})
        snap = fleet.snapshot(site)
        body = {
            "system_id": site.ref,
            "current_power": snap["power_w"],
            "energy_today": snap["energy_today_wh"],
            "last_report_at": int(snap["last_report_at"].timestamp()),
            "modules": snap["devices_total"],
            "modules_reporting": snap["devices_reporting"],
            "size_w": site.capacity_w,
            "source": "microinverters",
            "status": self._enphase_status(site, snap),
        }
        if site.has_meter:
            body["meter_energy_today"] = snap["meter_energy_today_wh"]
        if self.wrong_types:
            body["energy_today"] = {"value": 3}
        raise _Reply(200, body)

    def _enphase_status(self, site: SimSite, snap) -> str:
        now = self.sim.fleet.now()
        limit = 6 * 3600 * 2 if site.connection == "cellular" else 3600
        if (now - snap["last_report_at"]).total_seconds() > limit:
            return "comm"
        if snap["devices_reporting"] < snap["devices_total"]:
            return "micro"
        return "normal"

    # ------------------------------------------------------------ APsystems
    def _apsystems(self, method, path):
        fleet = self.sim.fleet
        match = re.match(r"/(user|installer)/api/v2(/.*)$", path)
        if not match:
            raise _Reply(404, {"code": 4001})
        sub = match.group(2)
        h = self.headers
        app_id = h.get("X-CA-AppId", "")
        account = next(
            (a for a in fleet.accounts.values() if a.vendor == "apsystems" and a.api_key == app_id),
            None,
        )
        last_segment = path.rstrip("/").rsplit("/", 1)[-1]
        to_sign = "/".join(
            [
                h.get("X-CA-Timestamp", ""),
                h.get("X-CA-Nonce", ""),
                app_id,
                last_segment,
                method,
                h.get("X-CA-Signature-Method", ""),
            ]
        )
        if account is None or h.get("X-CA-Signature") != sign(account.secret, to_sign):
            raise _Reply(200, {"code": 4000, "data": None})
        try:
            self.sim._spend(account.key)
        except _Quota as q:
            raise _Reply(200, {"code": 7002 if q.period == "minute" else 2005, "data": None}) from q
        self._maybe_fail("apsystems", account.key)
        m = re.fullmatch(r"/systems/details/([^/]+)", sub)
        if m:
            site = fleet.sites.get(m.group(1))
            if site is None or site.account != account.key:
                raise _Reply(200, {"code": 1001, "data": None})
            snap = fleet.snapshot(site)
            light = 1
            if snap["devices_reporting"] < snap["devices_total"]:
                light = 2
            raise _Reply(
                200,
                {
                    "code": 0,
                    "data": {
                        "sid": site.ref,
                        "capacity": f"{site.capacity_w / 1000:.2f}",
                        "type": 1,
                        "timezone": site.timezone,
                        "ecu": [f"2160{site.ref}"],
                        "light": light,
                    },
                },
            )
        m = re.fullmatch(r"/systems/([^/]+)/devices/ecu/energy/([^/]+)", sub)
        if m:
            site = fleet.sites.get(m.group(1))
            if site is None or site.account != account.key:
                raise _Reply(200, {"code": 1001, "data": None})
            snap = fleet.snapshot(site)
            tz = zone(site.timezone)
            seen_local = snap["last_report_at"].astimezone(tz)
            today = fleet.now().astimezone(tz).date()
            if (
                seen_local.date() != today
                or snap["energy_today_wh"] is None
                or not snap["energy_today_wh"]
            ):
                raise _Reply(
                    200,
                    {
                        "code": 0,
                        "data": {
                            "time": [],
                            "power": [],
                            "energy": [],
                            "today": "0" if snap["energy_today_wh"] is not None else None,
                        },
                    },
                )
            body = {
                "time": [seen_local.strftime("%H:%M")],
                "power": [f"{snap['power_w']:.1f}"],
                "energy": [],
                "today": f"{snap['energy_today_wh'] / 1000:.3f}",
            }
            if self.wrong_types:
                body["time"] = "12:00"
            raise _Reply(200, {"code": 0, "data": body})
        raise _Reply(200, {"code": 4001, "data": None})
