"""Print Odoo 19's requirements.txt as pins that install on Python 3.11 and 3.12.

Odoo pins older releases for older Pythons; on 3.11 several of them only
build from source (and need ``pkg_resources``), so the pins the file gives
for Python 3.12, which have wheels for 3.11 too, are taken for both.
``psycopg2`` becomes ``psycopg2-binary`` (no PostgreSQL headers needed) and
``python-ldap`` is left out unless asked for (it needs the OpenLDAP headers).

Usage: python setup/odoo_requirements.py ODOO_SRC/requirements.txt [--with-ldap]
"""

import sys

try:
    from packaging.markers import Marker
    from packaging.requirements import Requirement
except ImportError:  # a bare venv still has pip's vendored copy
    from pip._vendor.packaging.markers import Marker
    from pip._vendor.packaging.requirements import Requirement

TARGET = {"python_version": "3.12", "python_full_version": "3.12.0", "sys_platform": "linux"}


def pins(lines, with_ldap=False):
    for raw in lines:
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        req = Requirement(line)
        if req.marker is not None and not Marker(str(req.marker)).evaluate(TARGET):
            continue
        if req.name.lower() == "python-ldap" and not with_ldap:
            continue
        name = "psycopg2-binary" if req.name.lower() == "psycopg2" else req.name
        extras = f"[{','.join(sorted(req.extras))}]" if req.extras else ""
        yield f"{name}{extras}{req.specifier}"


def main(argv):
    if not argv or argv[0].startswith("-"):
        sys.exit(__doc__)
    with open(argv[0], encoding="utf-8") as handle:
        print("\n".join(pins(handle, with_ldap="--with-ldap" in argv)))


if __name__ == "__main__":
    main(sys.argv[1:])
