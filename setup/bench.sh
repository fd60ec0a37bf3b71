#!/usr/bin/env bash
# Fleet benchmark (figures, not a test): setup/bench.sh [SITES ...], default 1000 10000;
# setup/bench.sh --planner prints only the polling-plan table (no database).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
find_odoo || die "the benchmark needs Odoo 19: set ODOO_SRC / ODOO_PYTHON"
install_odoo_side
ensure_postgres
cd /tmp
PYTHONPATH="${ODOO_SRC}${PYTHONPATH:+:$PYTHONPATH}" exec "$ODOO_PYTHON" "$REPO/bench/fleet_benchmark.py" "$@"
