"""setup/run.sh's no-Odoo path: Odoo 19's requirements.txt installed into a
fresh virtual environment on this Python (3.11 or 3.12), as run.sh does it,
and Odoo then starts from its source with nothing else installed."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.odoo


def odoo_requirements():
    src = os.environ.get("ODOO_SRC") or "/opt/odoo19"
    path = Path(src, "requirements.txt")
    if not path.is_file():
        pytest.skip(f"no Odoo source with a requirements.txt at {src}: set ODOO_SRC")
    return path


def index_reachable():
    probe = subprocess.run(
        [sys.executable, "-m", "pip", "index", "versions", "psycopg2-binary"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    return probe.returncode == 0


def test_odoo_requirements_install_in_a_fresh_venv_and_odoo_starts(tmp_path):
    requirements = odoo_requirements()
    if not index_reachable():
        pytest.skip("offline: pip cannot reach the package index to install Odoo's requirements")
    venv = tmp_path / "venv"
    # the function run.sh calls, not a copy of it
    install = subprocess.run(
        [
            "bash",
            "-c",
            'source setup/lib.sh && install_odoo_requirements "$1" "$2"',
            "-",
            str(venv),
            str(requirements),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert install.returncode == 0, install.stderr[-3000:]
    python = venv / "bin" / "python"
    installed = subprocess.run(
        [python, "-m", "pip", "list", "--format=freeze"], capture_output=True, text=True
    ).stdout.lower()
    assert "psycopg2-binary==" in installed
    assert "python-ldap==" not in installed
    # what the server imports to start, render a PDF and load the base addon
    imports = (
        "import odoo.cli.server, odoo.http, odoo.service.server, odoo.modules.registry, "
        "odoo.tools.pdf, odoo.tools.image, odoo.addons.base.models.ir_actions_report"
    )
    started = subprocess.run(
        [python, "-c", imports],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(requirements.parent)},
        timeout=300,
    )
    assert started.returncode == 0, started.stderr[-3000:]
    version = subprocess.run(
        [python, "-m", "odoo", "--version"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(requirements.parent)},
        timeout=300,
    )
    assert version.returncode == 0, version.stderr[-3000:]
    assert version.stdout.startswith("Odoo Server 19.0"), version.stdout
