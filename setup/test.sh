#!/usr/bin/env bash
# All tests, in two pytest runs, one summary line each:
#  - engine tier: lint, then tests/ (plain Python, no Odoo), always;
#  - Odoo tier: whenever an Odoo 19 is found ($ODOO_SRC, else /opt/odoo19, else
#    an importable `odoo`): the addons are pip-installed into Odoo's Python as
#    an installer would (whool), installed with demo data into a fresh
#    database, and ONE pytest run (pytest-odoo) runs every addon's tests, the
#    Chromium tours included (--odoo-http), and the end-to-end tests in
#    tests/e2e, which drive their own Odoo processes.
# The last line is `odoo: N passed, M failed[, K skipped]`, or, without an
# Odoo, says that the Odoo tier was SKIPPED and why.
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
    if "$PY" -m vulture --version >/dev/null 2>&1; then
        say "lint: vulture (unused code; allow-list setup/vulture_whitelist.py)"
        PY="$PY" "$REPO/setup/lint_unused.sh" "$REPO"
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
ADDONS="$(addon_dirs | xargs -n1 basename | paste -sd,)"
DB="solar_om_test_$$"
LOG="$VAR/odoo-test.log"
cleanup() { dropdb --if-exists "$DB" >/dev/null 2>&1 || true; }
trap cleanup EXIT
# No --addons-path: Odoo finds the addons where pip installed them.
say "Odoo tier: installing $ADDONS with demo data into fresh database $DB (log: var/odoo-install.log)"
odoo_cmd -d "$DB" -i "$ADDONS" --with-demo --stop-after-init --no-http \
    --log-level=warn --max-cron-threads=0 --workers=0 > "$VAR/odoo-install.log" 2>&1 \
    || { tail -40 "$VAR/odoo-install.log"; echo "odoo: 0 passed, 1 failed"; die "installing $ADDONS failed: see var/odoo-install.log"; }
if grep -E " (ERROR|CRITICAL) " "$VAR/odoo-install.log" >/dev/null; then
    grep -E -A20 " (ERROR|CRITICAL) " "$VAR/odoo-install.log" | head -60
    echo "odoo: 0 passed, 1 failed"
    die "installing $ADDONS logged errors: see var/odoo-install.log"
fi

say "Odoo tier: pytest-odoo on $DB: the addons' tests (Chromium tours included), tests/e2e and tests/setup (Odoo log: var/odoo-test.log)"
TEST_DIRS=()
while read -r dir; do
    if [[ -d "$dir/tests" ]]; then TEST_DIRS+=("${dir#"$REPO"/}/tests"); fi
done < <(addon_dirs)
for dir in tests/e2e tests/setup; do
    if ls "$dir"/test_*.py >/dev/null 2>&1; then TEST_DIRS+=("$dir"); fi
done
rm -f "$LOG"
set +e
PYTHONPATH="${ODOO_SRC}${PYTHONPATH:+:$PYTHONPATH}" SOLAR_OM_ADDONS="$ADDONS" \
    "$PY" -m pytest -q -rfEs -p no:cacheprovider \
    --odoo-database="$DB" --odoo-http --odoo-log-level=warn \
    --odoo-extra=logfile="$LOG" --odoo-extra=http-interface=127.0.0.1 \
    --odoo-extra=max-cron-threads=0 \
    "${TEST_DIRS[@]}" 2>&1 | tee "$VAR/odoo-pytest.log"
rc=${PIPESTATUS[0]}
set -e
summary="$(grep -E '^[0-9]+ [a-z]+.* in [0-9.]+s' "$VAR/odoo-pytest.log" | tail -1)"
count() { grep -Eo "[0-9]+ $1" <<<"$summary" | grep -Eo '^[0-9]+' || echo 0; }
passed=$(count passed) failed=$(count failed) errors=$(count 'errors?') skipped=$(count skipped)
bad=$((failed + errors))
closing="odoo: $passed passed, $bad failed"
[[ $skipped == 0 ]] || closing="$closing, $skipped skipped"
# strict: pytest's own verdict, a test that errors, or no test at all fails the tier
if [[ $rc != 0 || $bad != 0 || $passed == 0 ]]; then
    [[ $bad != 0 ]] || closing="odoo: $passed passed, 1 failed"
    echo "$closing"
    die "Odoo tier failed (pytest exit $rc): see the summary above and var/odoo-test.log"
fi
echo "$closing"
