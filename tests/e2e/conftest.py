"""End-to-end tier: real Odoo processes on a real PostgreSQL, polling the
simulator over HTTP on 127.0.0.1. Run by setup/test.sh when Odoo 19 is found
(it exports ODOO_PYTHON and ODOO_SRC)."""

import json
import os
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def odoo_python():
    python = os.environ.get("ODOO_PYTHON")
    if not python:
        pytest.skip("ODOO_PYTHON not set: run through setup/test.sh")
    return python


def odoo_env():
    env = dict(os.environ)
    if env.get("ODOO_SRC"):
        env["PYTHONPATH"] = env["ODOO_SRC"] + os.pathsep + env.get("PYTHONPATH", "")
    return env


def odoo_args(db, *extra):
    return [
        odoo_python(),
        "-m",
        "odoo",
        *extra,
        "-d",
        db,
        f"--addons-path={REPO}",
        "--log-level=warn",
        "--max-cron-threads=0",
    ]


def psql(db, sql):
    out = subprocess.run(
        ["psql", "-d", db, "-AtXqc", sql], capture_output=True, text=True, check=True
    )
    return [line.split("|") for line in out.stdout.splitlines() if line]


SHELL_PRELUDE = """
import json, os
from datetime import datetime
"""


def shell_popen(db, code, env_extra=None):
    """An `odoo shell` running `code`, in its own process group (so a test
    can SIGKILL it and everything it started)."""
    env = odoo_env()
    env.update(env_extra or {})
    with tempfile.TemporaryFile("w+") as script:
        script.write(SHELL_PRELUDE + code)
        script.seek(0)
        return subprocess.Popen(
            odoo_args(db, "shell", "--no-http"),
            stdin=script,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd="/tmp",
            env=env,
            start_new_session=True,
        )


def shell(db, code, env_extra=None, timeout=900):
    proc = shell_popen(db, code, env_extra)
    out, err = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, err[-3000:]
    return out


@pytest.fixture(scope="session")
def template_db():
    name = f"solar_om_e2e_tmpl_{uuid.uuid4().hex[:8]}"
    subprocess.run(
        odoo_args(
            name,
            "-i",
            "solar_om_monitoring",
            "--stop-after-init",
            "--http-interface=127.0.0.1",
            "--http-port=8399",
        ),
        check=True,
        cwd="/tmp",
        env=odoo_env(),
        capture_output=True,
        timeout=900,
    )
    yield name
    subprocess.run(["dropdb", "--if-exists", name], check=False)


@pytest.fixture
def db(template_db):
    name = f"solar_om_e2e_{uuid.uuid4().hex[:8]}"
    subprocess.run(["createdb", "-T", template_db, name], check=True)
    yield name
    subprocess.run(["dropdb", "--if-exists", "--force", name], check=False)


def load_fleet(db, sim, fleet, batch_size=500, claim_size=2000):
    """Create one Odoo account per simulator account and one site per
    simulated site (in one create per account)."""
    spec = {
        "batch_size": batch_size,
        "claim_size": claim_size,
        "accounts": [
            {
                "key": a.key,
                "vendor": a.vendor,
                "base_url": sim.base_url(a.vendor),
                "api_key": a.api_key,
                "secret": a.secret,
                "access": a.access_token,
                "refresh": a.refresh_token,
            }
            for a in fleet.accounts.values()
        ],
        "sites": [
            [
                s.ref,
                s.account,
                s.name,
                s.latitude,
                s.longitude,
                s.timezone,
                s.capacity_w,
                s.connection,
            ]
            for s in fleet.sites.values()
        ],
    }
    code = """
spec = json.load(open(os.environ["SOLAR_E2E_SPEC"]))
env["ir.config_parameter"].set_param("solar_om_monitoring.batch_size", spec["batch_size"])
env["ir.config_parameter"].set_param("solar_om_monitoring.claim_size", spec["claim_size"])
customer = env["res.partner"].create({"name": "E2E customer"})
accounts = {}
for a in spec["accounts"]:
    accounts[a["key"]] = env["solar.monitoring.account"].create({
        "name": a["key"], "vendor": a["vendor"], "quota_tier": "unlimited",
        "base_url": a["base_url"], "api_key": a["api_key"], "client_id": a["key"] + "-client",
        "client_secret": a["secret"], "access_token": a["access"], "refresh_token": a["refresh"],
        "apsystems_profile": "installer",
    })
env["solar.site"].create([{
    "name": n, "partner_id": customer.id, "vendor_site_ref": ref,
    "vendor": accounts[acc].vendor, "account_id": accounts[acc].id,
    "latitude": lat, "longitude": lon, "tz": tz, "capacity_dc_kwp": cap / 1000,
    "connection": conn,
} for ref, acc, n, lat, lon, tz, cap, conn in spec["sites"]])
env.cr.commit()
"""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(spec, handle)
    try:
        shell(db, code, {"SOLAR_E2E_SPEC": handle.name})
    finally:
        os.unlink(handle.name)


CHECK_CODE = """
at = datetime.fromisoformat(os.environ["SOLAR_E2E_AT"])
stats = env["solar.health.check"].run(at=at, commit=True)
env.cr.commit()
print("STATS" + json.dumps(stats))
"""


def stats_of(out):
    line = next(line for line in out.splitlines() if line.startswith("STATS"))
    return json.loads(line[5:])


def run_check(db, at):
    return stats_of(shell(db, CHECK_CODE, {"SOLAR_E2E_AT": at.isoformat()}))
