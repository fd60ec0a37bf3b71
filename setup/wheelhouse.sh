#!/usr/bin/env bash
# Builds the wheels an installer needs besides PyPI: the engine (solar-om-engine)
# and the three addons (odoo-addon-solar_om*, built by OCA's whool from each
# addon's pyproject.toml), into DIR (default var/wheelhouse). Then, in the
# Odoo 19 environment:  pip install --find-links DIR odoo-addon-solar_om_cases
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
DIR="$(realpath -m "${1:-$VAR/wheelhouse}")"
if ! find_odoo; then
    ODOO_PYTHON="$(command -v python3)"
fi
build_wheelhouse "$DIR"
say "wheels in $DIR:"
ls -1 "$DIR"
