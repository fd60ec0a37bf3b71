# Shared by setup/run.sh and setup/test.sh: find Odoo 19, its Python, and a
# PostgreSQL to talk to. Sourced, not run.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VAR="$REPO/var"
mkdir -p "$VAR"

say() { printf '[solar-om] %s\n' "$*"; }
die() { printf '[solar-om] ERROR: %s\n' "$*" >&2; exit 1; }

# Sets ODOO_SRC and ODOO_PYTHON when an Odoo 19 is found; returns 1 otherwise.
# Order: $ODOO_SRC, then /opt/odoo19, then an importable `odoo` package.
find_odoo() {
    local src="" py=""
    if [[ -n "${ODOO_SRC:-}" ]]; then
        [[ -d "$ODOO_SRC/odoo" ]] || die "ODOO_SRC=$ODOO_SRC has no odoo/ package"
        src="$ODOO_SRC"
    elif [[ -d /opt/odoo19/odoo ]]; then
        src=/opt/odoo19
    fi
    if [[ -n "${ODOO_PYTHON:-}" ]]; then
        py="$ODOO_PYTHON"
    elif [[ -n "$src" && -x "${src}-venv/bin/python" ]]; then
        py="${src}-venv/bin/python"
    elif [[ -n "$src" && -x "$src/.venv/bin/python" ]]; then
        py="$src/.venv/bin/python"
    elif [[ -z "$src" ]] && python3 -c 'import odoo.release' >/dev/null 2>&1; then
        py="$(command -v python3)"
    elif [[ -n "$src" ]]; then
        py="$(command -v python3)"
    else
        return 1
    fi
    local major
    major="$(cd /tmp && PYTHONPATH="${src}${PYTHONPATH:+:$PYTHONPATH}" "$py" -c \
        'import odoo.release as r; print(r.version_info[0])' 2>/dev/null)" \
        || die "found Odoo at '${src:-site-packages}' but '$py' cannot import it: set ODOO_PYTHON to the interpreter of its virtual environment"
    [[ "$major" == "19" ]] || die "found Odoo $major at '${src:-site-packages}', this project needs Odoo 19.0"
    ODOO_SRC="$src"
    ODOO_PYTHON="$py"
    export ODOO_SRC ODOO_PYTHON
}

odoo_cmd() {
    (cd /tmp && PYTHONPATH="${ODOO_SRC}${PYTHONPATH:+:$PYTHONPATH}" "$ODOO_PYTHON" -m odoo "$@")
}

# A virtual environment VENV with Odoo's requirements (REQUIREMENTS, Odoo's
# requirements.txt). Not `pip install -r` as is: on Python 3.11 its pins for
# 3.11 only build from source (and need pkg_resources); setup/odoo_requirements.py
# gives the pins the file names for Python 3.12, which have wheels for 3.11 too,
# with psycopg2-binary and without python-ldap (SOLAR_OM_WITH_LDAP=1 keeps it).
install_odoo_requirements() {
    local venv="$1" requirements="$2" pins
    [[ -x "$venv/bin/python" ]] || python3 -m venv "$venv" || die "python3 could not create $venv (is python3-venv installed?)"
    pins="$(mktemp)"
    "$venv/bin/python" "$REPO/setup/odoo_requirements.py" "$requirements" \
        ${SOLAR_OM_WITH_LDAP:+--with-ldap} > "$pins" || die "could not read $requirements"
    "$venv/bin/python" -m pip install -q --disable-pip-version-check -r "$pins" \
        || die "pip could not install Odoo's requirements (as pinned for Python 3.12: $pins) into $venv"
    rm -f "$pins"
}

# The addons of this repository (directories with a manifest), one per line.
addon_dirs() {
    local m
    for m in "$REPO"/*/__manifest__.py; do dirname "$m"; done
}

# Installs the pinned OCA addons, the engine and the repository's addons into
# Odoo's environment the way an installer does, by pip: each addon is a
# distribution built by OCA's whool from its pyproject.toml (here editable, so
# the environment runs this checkout), and its manifest's depends and
# external_dependencies become requirements (odoo-addon-*, solar-om-engine).
# pip makes a second run a no-op; the stamp skips even that.
install_odoo_side() {
    local stamp_src stamp
    stamp_src="$(cat "$REPO/setup/requirements-odoo.txt" "$REPO/pyproject.toml" \
        $(addon_dirs | sed 's|$|/pyproject.toml|') $(addon_dirs | sed 's|$|/__manifest__.py|') | sha1sum | cut -c1-12)"
    stamp="$VAR/.odoo-deps-$stamp_src"
    if [[ -f "$stamp" ]] && odoo_side_points_here; then
        return 0
    fi
    say "installing the OCA addons, the engine and the Solar O&M addons into $ODOO_PYTHON (pip)"
    local addon_args=() no_deps=()
    while read -r dir; do addon_args+=(-e "$dir"); done < <(addon_dirs)
    # whool's wheels require the `odoo` distribution; an Odoo that is only on
    # PYTHONPATH has none, so its addons' requirements come from the pins alone
    "$ODOO_PYTHON" -m pip show -q odoo >/dev/null 2>&1 || no_deps=(--no-deps)
    "$ODOO_PYTHON" -m pip install -q --disable-pip-version-check \
        -r "$REPO/setup/requirements-odoo.txt" -e "$REPO[test]" \
        || die "pip could not install setup/requirements-odoo.txt and the engine into $ODOO_PYTHON"
    "$ODOO_PYTHON" -m pip install -q --disable-pip-version-check "${no_deps[@]}" \
        -c "$REPO/setup/requirements-odoo.txt" "${addon_args[@]}" \
        || die "pip could not install the addons (their pyproject.toml, OCA's whool) into $ODOO_PYTHON"
    odoo_side_points_here || die "after pip install, $ODOO_PYTHON still imports the engine or an addon from another place than $REPO"
    rm -f "$VAR"/.odoo-deps-*
    touch "$stamp"
}

# True when Odoo's Python imports the engine and every addon from this
# checkout. Asked from /tmp: from the repository the engine would import from
# the working directory and hide an install that points elsewhere.
odoo_side_points_here() {
    (cd /tmp && PYTHONPATH="${ODOO_SRC}${PYTHONPATH:+:$PYTHONPATH}" "$ODOO_PYTHON" - "$REPO" $(addon_dirs | xargs -n1 basename) <<'PY'
import importlib.util, os, sys
repo = os.path.realpath(sys.argv[1])
import astral  # noqa: F401  the engine's dependency
import solar_om_engine
ok = os.path.dirname(os.path.dirname(os.path.realpath(solar_om_engine.__file__))) == repo
for addon in sys.argv[2:]:
    spec = importlib.util.find_spec(f"odoo.addons.{addon}")
    ok = ok and spec is not None and os.path.dirname(os.path.realpath(spec.origin)) == os.path.join(repo, addon)
sys.exit(0 if ok else 1)
PY
    ) 2>/dev/null
}

# Builds the wheelhouse an installer points pip at (the engine and the three
# addons are not on PyPI): `pip install --find-links DIR odoo-addon-solar_om_cases`.
build_wheelhouse() {
    local dir="$1" args=()
    while read -r d; do args+=("$d"); done < <(addon_dirs)
    mkdir -p "$dir"
    rm -f "$dir"/solar_om_engine-*.whl "$dir"/odoo_addon_solar_om*.whl
    "$ODOO_PYTHON" -m pip wheel -q --disable-pip-version-check --no-deps -w "$dir" "$REPO" "${args[@]}" \
        || die "pip could not build the wheels"
}

# A PostgreSQL for Odoo: the configured one (PGHOST/PGPORT), else the local
# cluster started on demand, else a private one under var/.
ensure_postgres() {
    if pg_isready -q 2>/dev/null && psql -d postgres -Atc 'select 1' >/dev/null 2>&1; then
        return 0
    fi
    if [[ -n "${PGHOST:-}" ]]; then
        die "PostgreSQL at PGHOST=$PGHOST does not answer (pg_isready failed)"
    fi
    if command -v pg_ctlcluster >/dev/null 2>&1 && [[ "$(id -u)" == 0 ]]; then
        local cluster
        cluster="$(pg_lsclusters -h 2>/dev/null | awk 'NR==1{print $1" "$2}')"
        if [[ -n "$cluster" ]]; then
            say "starting local PostgreSQL cluster $cluster"
            # shellcheck disable=SC2086
            pg_ctlcluster $cluster start 2>/dev/null || true
            for _ in $(seq 30); do pg_isready -q && break; sleep 0.5; done
            if ! psql -d postgres -Atc 'select 1' >/dev/null 2>&1; then
                su postgres -c "createuser --superuser $(id -un)" >/dev/null 2>&1 || true
            fi
            psql -d postgres -Atc 'select 1' >/dev/null 2>&1 && return 0
        fi
    fi
    local pgbin
    pgbin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
    [[ -n "$pgbin" ]] || die "no PostgreSQL found: install PostgreSQL 15 or set PGHOST/PGPORT/PGUSER"
    [[ "$(id -u)" != 0 ]] || die "PostgreSQL is installed but no cluster runs and root cannot initdb: run 'pg_ctlcluster 15 main start' or set PGHOST"
    export PGHOST="$VAR/pgsock" PGPORT=5439
    mkdir -p "$PGHOST"
    if [[ ! -f "$VAR/pgdata/PG_VERSION" ]]; then
        say "creating a private PostgreSQL cluster in var/pgdata"
        "$pgbin/initdb" -D "$VAR/pgdata" -A trust -U "$(id -un)" >/dev/null
    fi
    "$pgbin/pg_ctl" -D "$VAR/pgdata" -o "-k $PGHOST -p $PGPORT -c listen_addresses=''" -l "$VAR/postgres.log" -w start >/dev/null
    psql -d postgres -Atc 'select 1' >/dev/null || die "the private PostgreSQL did not start: see var/postgres.log"
}

# Odoo's tours run in headless Chromium (Debian's package): install it when
# missing and we may; otherwise Odoo skips the browser tests and says so.
ensure_chromium() {
    command -v chromium >/dev/null 2>&1 && return 0
    if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
        say "installing Debian's chromium for the browser tests"
        apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null \
            || say "could not install chromium: the browser tests will be skipped"
    else
        say "no chromium: the browser tests will be skipped (install Debian's chromium package)"
    fi
}

# The free TCP port nearest above $1 on 127.0.0.1.
free_port() {
    python3 - "$1" <<'PY'
import socket, sys
port = int(sys.argv[1])
while True:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            port += 1
            continue
        print(port)
        break
PY
}
