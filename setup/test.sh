#!/usr/bin/env bash
# All tests. The engine tier always runs; the Odoo tier (each addon's tests on a
# fresh database, plus the end-to-end tests that drive a real Odoo) runs
# whenever an Odoo 19 is found: $ODOO_SRC, else /opt/odoo19, else an
# importable `odoo`. Without one, the last line says the Odoo tier was SKIPPED.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO"

odoo_found=1
find_odoo || odoo_found=0

# ---- engine tier ---------------------------------------------------------
if [[ $odoo_found == 1 ]]; then
    install_odoo_side
    PY="$ODOO_PYTHON"
else
    if [[ ! -x "$REPO/.venv/bin/python" ]]; then
        say "creating .venv for the engine tier"
        python3 -m venv "$REPO/.venv"
    fi
    PY="$REPO/.venv/bin/python"
    "$PY" -m pip install -q --disable-pip-version-check -e "$REPO[test]" \
        || die "pip could not install the engine's test dependencies"
fi
if "$PY" -m ruff --version >/dev/null 2>&1; then
    say "lint: ruff and pylint-odoo (the .pre-commit-config.yaml checks)"
    "$PY" -m ruff check --no-fix "$REPO"
    "$PY" -m ruff format --check "$REPO" >/dev/null
    if "$PY" -c 'import pylint_odoo' 2>/dev/null; then
        "$PY" -m pylint --rcfile="$REPO/.pylintrc-mandatory" --output-format=text \
            $(for m in "$REPO"/*/__manifest__.py; do dirname "$m"; done)
    fi
fi
say "engine tier: pytest tests/ (no Odoo)"
"$PY" -m pytest -q -p no:cacheprovider -p no:odoo -m "not odoo" tests/

if [[ $odoo_found == 0 ]]; then
    echo "Odoo tier SKIPPED: no Odoo 19 found (ODOO_SRC unset, no /opt/odoo19, no importable odoo); set ODOO_SRC (and ODOO_PYTHON) to run it"
    exit 0
fi

# ---- Odoo tier -----------------------------------------------------------
ensure_postgres
ensure_chromium
ADDONS="$(for m in "$REPO"/*/__manifest__.py; do basename "$(dirname "$m")"; done | paste -sd,)"
TEST_TAGS="$(echo "$ADDONS" | sed 's|\([^,]*\)|/\1|g')"
DB="solar_om_test_$$"
LOG="$VAR/odoo-test.log"
cleanup() { dropdb --if-exists "$DB" >/dev/null 2>&1 || true; }
trap cleanup EXIT
PORT="$(free_port 8169)"
say "Odoo tier: installing $ADDONS with demo data into fresh database $DB and running their tests (log: var/odoo-test.log)"
set +e
odoo_cmd -d "$DB" --addons-path="$REPO" -i "$ADDONS" --with-demo --test-enable --test-tags "$TEST_TAGS" \
    --stop-after-init --http-interface=127.0.0.1 --http-port="$PORT" \
    --log-level=test --max-cron-threads=0 --workers=0 > "$LOG" 2>&1
rc=$?
set -e
grep -E "(ERROR|CRITICAL) .*(FAIL|ERROR):|Traceback|odoo.tests.result" "$LOG" | tail -40 || true
read -r failed errors total < <(awk '
    /odoo\.tests\.result: [0-9]+ failed, [0-9]+ error\(s\) of [0-9]+ tests/ {
        for (i = 1; i <= NF; i++) {
            if ($(i+1) == "failed,") f += $i
            if ($(i+1) == "error(s)") e += $i
            if ($i == "of") t += $(i+1)
        }
    }
    END { print f+0, e+0, t+0 }' "$LOG")
bad=$((failed + errors))
if [[ $rc != 0 || $total == 0 || $bad != 0 ]]; then
    tail -60 "$LOG"
    echo "odoo: $((total - bad)) passed, $bad failed"
    die "Odoo tier failed (exit $rc, $total tests, $bad failed or in error): see var/odoo-test.log"
fi
say "addon tests: $total passed"

# End-to-end tests that need a real Odoo: they build their own databases.
e2e_total=0
if ls tests/e2e/test_*.py >/dev/null 2>&1; then
    say "Odoo tier: end-to-end tests (tests/e2e)"
    SOLAR_OM_ADDONS="$ADDONS" "$PY" -m pytest -q -p no:cacheprovider -p no:odoo -m odoo tests/e2e \
        | tee "$VAR/e2e.log"
    e2e_total=$(grep -Eo '[0-9]+ passed' "$VAR/e2e.log" | tail -1 | grep -Eo '[0-9]+' || echo 0)
fi
echo "odoo: $((total + e2e_total)) passed, 0 failed"
