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

# Installs the engine (editable) and the pinned OCA addons into Odoo's
# environment; pip makes a second run a no-op.
install_odoo_side() {
    local stamp="$VAR/.odoo-deps-$(sha1sum "$REPO/setup/requirements-odoo.txt" "$REPO/pyproject.toml" | sha1sum | cut -c1-12)"
    # asked from /tmp: from the repository the package would import from the
    # working directory and hide an install that points elsewhere
    if [[ -f "$stamp" ]] && (cd /tmp && "$ODOO_PYTHON" -c 'import solar_om_engine, astral') 2>/dev/null \
        && [[ "$(cd /tmp && "$ODOO_PYTHON" -c 'import solar_om_engine,os;print(os.path.dirname(os.path.dirname(solar_om_engine.__file__)))')" == "$REPO" ]]; then
        return 0
    fi
    say "installing the engine and the OCA addons into $ODOO_PYTHON"
    "$ODOO_PYTHON" -m pip install -q --disable-pip-version-check -r "$REPO/setup/requirements-odoo.txt" \
        || die "pip could not install setup/requirements-odoo.txt into $ODOO_PYTHON"
    "$ODOO_PYTHON" -m pip install -q --disable-pip-version-check -e "$REPO[test]" \
        || die "pip could not install the engine (pyproject.toml) into $ODOO_PYTHON"
    rm -f "$VAR"/.odoo-deps-*
    touch "$stamp"
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
