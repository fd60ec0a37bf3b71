#!/usr/bin/env bash
# The unused-code check of setup/test.sh's lint step: vulture over the
# engine, the addons, the benchmarks, setup/ and the tests, with
# setup/vulture_whitelist.py and the names Odoo uses without Python calling
# them (setup/vulture_odoo_names.py, generated here). Prints each unused
# name and exits non-zero when there is one.
#   setup/lint_unused.sh [REPO [EXTRA_PATH...]]   (PY: the interpreter, default python3)
set -euo pipefail
REPO="$(cd "${1:-$(dirname "${BASH_SOURCE[0]}")/..}" && pwd)"
shift || true
PY="${PY:-python3}"
names="$(mktemp --suffix=.py)"
trap 'rm -f "$names"' EXIT
"$PY" "$REPO/setup/vulture_odoo_names.py" "$REPO" > "$names"
paths=(solar_om_engine bench setup tests)
for manifest in "$REPO"/*/__manifest__.py; do paths+=("$(basename "$(dirname "$manifest")")"); done
cd "$REPO"
"$PY" -m vulture "${paths[@]}" "$@" setup/vulture_whitelist.py "$names" \
    --ignore-names "_compute_*,_inverse_*,_onchange_*,_check_*,_search_*" \
    --ignore-decorators "@http.route,@pytest.fixture"
