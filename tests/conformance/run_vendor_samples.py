"""Run every client against the real and documented vendor payloads kept
outside the repository (never copied into it), and print what each gave.

    python tests/conformance/run_vendor_samples.py [SAMPLES_DIR]

SAMPLES_DIR defaults to $VENDOR_SAMPLES or shared/reference/vendor-samples
beside the checkout. Each sample file is {"_source", "status",
"body", ...}; it is served over HTTP on 127.0.0.1 by the conformance replay
server and read by the real client. Exit code 1 if any sample is not read as
expected (a reading, or a clear per-site/account error for an error payload).
"""

from __future__ import annotations

import json
import os
import sys
from datetime import datetime, timezone
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from helpers import make_client, site  # noqa: E402
from replay import Replay  # noqa: E402

from solar_om_engine.clients.apsystems import sign  # noqa: E402


def default_samples_dir() -> Path | None:
    """$VENDOR_SAMPLES, or shared/reference/vendor-samples beside the checkout
    (or beside its parent, for a worktree in a sub-folder)."""
    if os.environ.get("VENDOR_SAMPLES"):
        return Path(os.environ["VENDOR_SAMPLES"])
    repo = Path(__file__).resolve().parents[2]
    for base in (repo.parent, repo.parent.parent):
        candidate = base / "shared" / "reference" / "vendor-samples"
        if candidate.is_dir():
            return candidate
    return None


def samples_dir() -> Path:
    found = Path(sys.argv[1]) if len(sys.argv) > 1 else default_samples_dir()
    if found is None or not found.is_dir():
        sys.exit("vendor samples not found: pass their directory or set VENDOR_SAMPLES")
    return found


def reading_line(reading) -> str:
    keys = (
        "last_report_at",
        "power_w",
        "energy_today_wh",
        "devices_total",
        "devices_reporting",
        "meter_energy_today_wh",
        "vendor_status",
    )
    shown = {k: getattr(reading, k) for k in keys if getattr(reading, k) is not None}
    if shown.get("last_report_at"):
        shown["last_report_at"] = shown["last_report_at"].isoformat()
    if isinstance(shown.get("energy_today_wh"), float):
        shown["energy_today_wh"] = round(shown["energy_today_wh"], 1)
    text = json.dumps(shown)
    return text + (f" notes={list(reading.notes)}" if reading.notes else "")


def result_lines(result) -> list[str]:
    lines = [f"reading {r.site}: {reading_line(r)}" for r in result.readings]
    lines += [f"site error {k}: {v}" for k, v in result.site_errors.items()]
    if result.account_error:
        lines.append(f"account error: {result.account_error}")
    lines.append(f"calls: {result.calls}")
    return lines


def poll(vendor, routes, refs, at, base=""):
    with Replay(routes) as replay:
        client = make_client(vendor, replay.url + base)
        result = client.poll(refs, at)
    return result, replay.requests


def run(d: Path):
    S = {p.name: json.loads(p.read_text()) for p in sorted(d.glob("*.json"))}
    out: dict[str, tuple[bool, list[str]]] = {}

    def serve(name):
        s = S[name]
        return {
            "status": s["status"],
            "headers": {"Content-Type": s.get("content_type", "application/json")},
            "body": s["body"],
        }

    # ---------------- SolarEdge v2 (site 3066774, UK: +01:00 in August)
    london = site(3066774, "Europe/London", lat=51.5, lon=-0.12, capacity_w=5680.0)
    at = datetime(2026, 8, 24, 16, 5, 51, tzinfo=timezone.utc)
    name = "solaredge_power_live.json"
    result, _ = poll("solaredge", {"/v2/sites/3066774/power": serve(name)}, [london], at, "/v2")
    ok = len(result.readings) == 1 and result.readings[0].power_w == 982.2318
    integrated = result.readings[0].energy_today_wh if result.readings else 0.0
    out[name] = (ok, result_lines(result))
    name = "solaredge_404_live.json"
    result, _ = poll("solaredge", {"/v2/sites/3066774/power": serve(name)}, [london], at, "/v2")
    ok = not result.readings and "404 Unknown endpoint" in result.site_errors.get("k3066774", "")
    out[name] = (ok, result_lines(result))
    with Replay(
        {
            "/v2/sites": serve("solaredge_sites_live.json"),
            "/v2/sites/3066774/devices": serve("solaredge_devices_live.json"),
            "/v2/sites/3066774/overview": serve("solaredge_overview_live.json"),
            "/v2/sites/3066774/energy": serve("solaredge_energy_live.json"),
        }
    ) as replay:
        client = make_client("solaredge", replay.url + "/v2")
        sites = client.list_sites()
        out["solaredge_sites_live.json"] = (
            [s["siteId"] for s in sites] == [3066774],
            [f"list_sites: {[(s['siteId'], s['peakPower']) for s in sites]} (not a check call)"],
        )
        devices = client.devices("3066774")
        out["solaredge_devices_live.json"] = (
            devices[0]["connectedOptimizers"] == 14,
            [
                f"devices: {[(x['type'], x['connectedOptimizers']) for x in devices]} "
                "(bare array; not a check call)"
            ],
        )
        overview = client.overview("3066774", at, at)
        total = overview["production"]["total"]
        out["solaredge_overview_live.json"] = (
            total == 26290.0 and "lastUpdateTime" not in overview,
            [
                f"overview: production.total {total} Wh; no lastUpdateTime/currentPower "
                f"(not a check call; the check integrates /power: {integrated:.1f} Wh, "
                f"{(integrated / total - 1):+.1%})"
            ],
        )
        energy = client._get("/sites/3066774/energy")
        wh = sum(v["value"] or 0 for v in energy["values"])
        out["solaredge_energy_live.json"] = (
            wh == 26290.0,
            [
                f"energy series: {len(energy['values'])} quarters, sum {wh} Wh = overview total "
                "(not a check call)"
            ],
        )

    # ---------------- Enphase v4
    systems = serve("enphase_systems_doc.json")
    sydney = site(698910067, "Australia/Sydney", lat=-33.8, lon=151.2, capacity_w=1250.0)
    la = site(698906018, "America/Los_Angeles", lat=34.05, lon=-118.24, capacity_w=5000.0)
    at = datetime(2017, 10, 16, 17, 30, tzinfo=timezone.utc)
    with Replay({"/api/v4/systems": systems}) as replay:
        client = make_client("enphase", replay.url)
        live = client.liveness([sydney, la], at)
    lines = [
        f"liveness {k}: {v.last_report_at.isoformat()} status {v.vendor_status}"
        for k, v in live.sites.items()
    ] + [f"calls: {live.calls}"]
    out["enphase_systems_doc.json"] = (
        live.sites["698910067"].vendor_status == "micro" and live.calls == 1,
        lines,
    )
    for name, sid in (
        ("enphase_summary_doc.json", 698910067),
        ("enphase_summary_captured.json", 1234567),
    ):
        body = dict(systems["body"])
        body["systems"] = [dict(body["systems"][0], system_id=sid)]
        body["total"] = 1
        ref = site(
            sid, "Australia/Sydney", lat=-33.8, lon=151.2, capacity_w=2975.0, meter_expected=True
        )
        when = datetime.fromtimestamp(S[name]["body"]["last_report_at"] + 600, timezone.utc)
        result, _ = poll(
            "enphase",
            {
                "/api/v4/systems": {"status": 200, "body": body},
                f"/api/v4/systems/{sid}/summary": serve(name),
            },
            [ref],
            when,
        )
        r = result.readings[0] if result.readings else None
        ok = r is not None and r.meter_energy_today_wh == r.energy_today_wh
        out[name] = (ok, result_lines(result))
    for name, word in (
        ("enphase_401_doc.json", "access token refused"),
        ("enphase_429_doc.json", "minute quota spent"),
    ):
        result, _ = poll("enphase", {"/api/v4/systems": serve(name)}, [sydney], at)
        out[name] = (word in result.account_error and not result.readings, result_lines(result))
    with Replay({"/oauth/token": serve("enphase_token_doc.json")}) as replay:
        handed = []
        client = make_client("enphase", replay.url, refresh_token="unique_refresh_token")
        client._on_tokens = handed.append
        client.refresh_tokens()
        auth = replay.requests[0]["headers"]["Authorization"]
    out["enphase_token_doc.json"] = (
        handed and handed[0]["refresh_token"] == "unique refresh token",
        [
            f"refresh: tokens handed over (expires_in {handed[0]['expires_in']}); "
            f"request grant_type={replay.requests[0]['query']['grant_type']}, Basic auth "
            f"{'sent' if auth.startswith('Basic ') else 'MISSING'}"
        ],
    )

    # ---------------- APsystems
    P = "/user/api/v2/systems"
    minutely = serve("apsystems_ecu_minutely_digest.json")
    for name, tz in (
        ("apsystems_details_doc.json", "Asia/Shanghai"),
        ("apsystems_details_live.json", "Europe/Paris"),
        ("apsystems_details_shared_doc.json", "Asia/Shanghai"),
    ):
        body = S[name]["body"]["data"]
        sid = body["sid"]
        eid = S[name].get("expected_eid") or body["ecu"][0]
        ref = site(sid, tz, lat=31.2, lon=121.5, capacity_w=float(body["capacity"]) * 1000)
        from zoneinfo import ZoneInfo

        when = datetime(2026, 6, 21, 10, 10, tzinfo=ZoneInfo(body["timezone"]))
        result, asked = poll(
            "apsystems",
            {f"{P}/details/{sid}": serve(name), f"{P}/{sid}/devices/ecu/energy/{eid}": minutely},
            [ref],
            when,
        )
        ok = len(result.readings) == 1 and asked[-1]["path"].endswith(f"/energy/{eid}")
        out[name] = (
            ok,
            result_lines(result) + [f"asked ECU: {asked[-1]['path'].rsplit('/', 1)[-1]}"],
        )
    out["apsystems_ecu_minutely_digest.json"] = (
        out["apsystems_details_doc.json"][0],
        ["read with the details samples above (power 180 W at 10:05, today 12.28 kWh)"],
    )
    name = "apsystems_ecu_energy_list_doc.json"
    body = S["apsystems_details_doc.json"]["body"]["data"]
    ref = site(body["sid"], "Asia/Shanghai", lat=31.2, lon=121.5, capacity_w=1280.0)
    result, _ = poll(
        "apsystems",
        {
            f"{P}/details/{body['sid']}": serve("apsystems_details_doc.json"),
            f"{P}/{body['sid']}/devices/ecu/energy/{body['ecu'][0]}": serve(name),
        },
        [ref],
        datetime(2026, 6, 21, 2, 10, tzinfo=timezone.utc),
    )
    ok = not result.readings and "a list of 3 items" in result.site_errors.get(ref.key, "")
    out[name] = (ok and not result.account_error, result_lines(result))
    name = "apsystems_signature_vector.json"
    lines, ok = [], True
    client = make_client("apsystems", "http://127.0.0.1:1")
    for v in S[name]["vectors"]:
        client._app_id, client._app_secret = v["app_id"], v["app_secret"]
        path = v["path"] or f"/user/api/v2/systems/{v['segment']}"
        with (
            mock.patch("time.time", return_value=int(v["timestamp"]) / 1000),
            mock.patch("uuid.uuid4", return_value=mock.Mock(hex=v["nonce"])),
        ):
            got = client._headers(path, v["method"])["X-CA-Signature"]
        same = got == v["signature"] == sign(v["app_secret"], v["string_to_sign"])
        ok &= same
        lines.append(f"{v['string_to_sign']}: {'match' if same else 'MISMATCH ' + got}")
    out[name] = (ok, lines)

    missing = sorted(set(S) - set(out))
    failed = 0
    for name in sorted(out):
        good, lines = out[name]
        failed += not good
        print(f"{'OK  ' if good else 'FAIL'} {name}")
        for line in lines:
            print(f"       {line}")
    for name in missing:
        failed += 1
        print(f"FAIL {name}: no client run defined for this sample")
    print(f"{len(out) - failed} of {len(S)} samples read as expected")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(run(samples_dir()))
