"""Print, as Python vulture reads, the names Odoo uses without Python
calling them, so that `vulture` (the unused-code check of setup/test.sh's
lint step) reports only code nothing uses:

- every name the addons' XML, JavaScript and CSV files mention: buttons,
  crons and server actions call methods, views and reports read fields;
- every field an addon declares (`name = fields.X(...)`): the ORM, the
  web client and imports read fields by name;
- every top-level class of an addon's Python: importing it registers it
  (models, wizards, reports, controllers).

    python setup/vulture_odoo_names.py [REPO] > /tmp/odoo_names.py
    vulture PATHS setup/vulture_whitelist.py /tmp/odoo_names.py
"""

import keyword
import re
import sys
from pathlib import Path

NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
FIELD = re.compile(r"^\s+([A-Za-z_][A-Za-z0-9_]*)\s*=\s*fields\.", re.M)
CLASS = re.compile(r"^class\s+([A-Za-z_][A-Za-z0-9_]*)", re.M)


def names(repo: Path) -> set[str]:
    found: set[str] = set()
    for manifest in repo.glob("*/__manifest__.py"):
        for path in manifest.parent.rglob("*"):
            if not path.is_file():
                continue
            if path.suffix in {".xml", ".js", ".csv"}:
                found.update(NAME.findall(path.read_text(encoding="utf-8", errors="replace")))
            elif path.suffix == ".py" and "tests" not in path.parts:
                text = path.read_text(encoding="utf-8")
                found.update(FIELD.findall(text))
                found.update(CLASS.findall(text))
    return found


def main(argv: list[str]) -> int:
    repo = Path(argv[1] if len(argv) > 1 else ".").resolve()
    print("# names Odoo uses without Python calling them (generated)")
    for name in sorted(names(repo)):
        if not keyword.iskeyword(name):
            print(f"_.{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
