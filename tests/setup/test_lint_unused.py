"""The unused-code check of setup/test.sh's lint step (setup/lint_unused.sh,
vulture with the Odoo allow-list): it names a function nothing calls, and
finds nothing in the repository as it is."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "setup" / "lint_unused.sh"

pytest.importorskip("vulture")


def lint_unused(*extra):
    return subprocess.run(
        [str(SCRIPT), str(REPO), *map(str, extra)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PY": sys.executable},
    )


def test_test_sh_runs_this_check_in_its_lint_step():
    assert 'setup/lint_unused.sh" "$REPO"' in (REPO / "setup" / "test.sh").read_text()


def test_a_new_unused_function_fails_the_check_and_is_named(tmp_path):
    module = tmp_path / "dead_module.py"
    module.write_text(
        "def used():\n    return 1\n\n\ndef nobody_calls_me():\n    return 2\n\n\nprint(used())\n"
    )
    result = lint_unused(module)
    assert result.returncode != 0
    assert "unused function 'nobody_calls_me'" in result.stdout
    assert "'used'" not in result.stdout


def test_an_unused_method_on_an_odoo_model_is_reported(tmp_path):
    module = tmp_path / "dead_model.py"
    module.write_text(
        "from odoo import fields, models\n\n\n"
        "class DeadModel(models.Model):\n"
        "    _inherit = 'solar.site'\n\n"
        "    solar_note = fields.Char()\n\n"
        "    def _solar_never_called(self):\n"
        "        return self.solar_note\n"
    )
    result = lint_unused(module)
    assert result.returncode != 0
    assert "unused method '_solar_never_called'" in result.stdout


def test_the_repository_as_it_is_has_no_unused_code():
    result = lint_unused()
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""
