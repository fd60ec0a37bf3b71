#!/usr/bin/env bash
# The main job: Python environment, engine and OCA addons, PostgreSQL, a demo
# database with the Solar O&M addons and demo data, the fleet simulator on
# 127.0.0.1 polled for real, and Odoo served on 127.0.0.1:8069.
# A second run reuses what exists (the database is upgraded, not rebuilt).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO"

DB="${SOLAR_OM_DB:-solar_om_demo}"
HTTP_PORT="${SOLAR_OM_HTTP_PORT:-8069}"
SIM_PORT="${SOLAR_OM_SIM_PORT:-8765}"

if ! find_odoo; then
    UPSTREAM_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/solar-om/odoo19"
    if [[ -d "$UPSTREAM_DIR/odoo" ]]; then
        ODOO_SRC="$UPSTREAM_DIR"
    elif git ls-remote --heads https://github.com/odoo/odoo 19.0 >/dev/null 2>&1; then
        say "no Odoo 19 found: installing Odoo 19.0 Community from its official upstream source into $UPSTREAM_DIR"
        git clone --depth 1 --branch 19.0 https://github.com/odoo/odoo "$UPSTREAM_DIR"
        ODOO_SRC="$UPSTREAM_DIR"
    else
        die "no Odoo 19 found and no internet access to install it. Set ODOO_SRC to an Odoo 19.0 source tree (and ODOO_PYTHON to its interpreter), or put one at /opt/odoo19 with its virtual environment at /opt/odoo19-venv."
    fi
    if ! (cd /tmp && PYTHONPATH="$ODOO_SRC" "$ODOO_SRC/.venv/bin/python" -c 'import odoo.release, psycopg2, lxml, werkzeug') 2>/dev/null; then
        say "creating Odoo's virtual environment in $ODOO_SRC/.venv"
        # Odoo itself runs from its source on PYTHONPATH, not pip-installed:
        # its setup.py would pull psycopg2 to build from source
        install_odoo_requirements "$ODOO_SRC/.venv" "$ODOO_SRC/requirements.txt"
    fi
    ODOO_PYTHON="$ODOO_SRC/.venv/bin/python"
    export ODOO_SRC ODOO_PYTHON
    find_odoo
fi
say "Odoo 19 at ${ODOO_SRC:-site-packages}, Python $ODOO_PYTHON"
install_odoo_side
ensure_postgres

ADDONS="$(for m in "$REPO"/*/__manifest__.py; do basename "$(dirname "$m")"; done | paste -sd,)"
if psql -d "$DB" -Atc "select 1 from ir_module_module where name='solar_om' and state='installed'" 2>/dev/null | grep -q 1; then
    say "upgrading $ADDONS in existing database $DB"
    odoo_cmd -d "$DB" -u "$ADDONS" -i "$ADDONS" --stop-after-init \
        --http-interface=127.0.0.1 --log-level=warn --max-cron-threads=0
else
    say "creating demo database $DB with $ADDONS and demo data (about a minute)"
    odoo_cmd -d "$DB" -i "$ADDONS" --with-demo --stop-after-init \
        --http-interface=127.0.0.1 --log-level=warn --max-cron-threads=0
fi

if [[ -f "$REPO/setup/demo_fleet.sh" ]]; then
    # shellcheck source=/dev/null
    source "$REPO/setup/demo_fleet.sh"
fi

cat <<MSG

  Solar O&M is running:  http://127.0.0.1:${HTTP_PORT}/odoo
  Database: ${DB}    Login: admin    Password: admin   (O&M manager)

MSG
cd /tmp
PYTHONPATH="${ODOO_SRC}${PYTHONPATH:+:$PYTHONPATH}" exec "$ODOO_PYTHON" -m odoo -d "$DB" --db-filter="^${DB}\$" \
    --http-interface=127.0.0.1 --http-port="$HTTP_PORT" --max-cron-threads=1 --log-level=info
