"""Every addon's translation files are whole: each entry has its msgid and its
msgstr, no message is defined twice, and each .po carries every message of its
addon's .pot. A mechanical merge of two branches' .pot or .po (one side's
entry cut in half, both sides' copies of one message kept) breaks Odoo's
translation loading for the whole file; this catches it before a merge lands.

The structure is read here, in plain Python (no Odoo, no gettext needed);
where GNU gettext is installed, ``msgfmt -c`` checks the files as well."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FILES = sorted(
    path
    for manifest in REPO.glob("*/__manifest__.py")
    for path in (manifest.parent / "i18n").glob("*.po*")
    if path.suffix in (".po", ".pot")
)
QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"$')
KEYWORD = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) (.*)$")


class CatalogError(ValueError):
    pass


def shown(path):
    return path.relative_to(REPO) if path.is_relative_to(REPO) else path


class _Reader:
    """Reads a .po/.pot line by line: an entry is [comments] [msgctxt] msgid
    [msgid_plural] msgstr (or msgstr[n]...), entries apart by blank lines."""

    ORDER = {"msgctxt": 0, "msgid": 1, "msgid_plural": 2, "msgstr": 3}

    def __init__(self, path):
        self.path = path
        self.entries = {}  # (msgctxt, msgid) -> (line, msgstr)
        self.entry = {}  # keyword -> [line, text] of the entry being read
        self.last = None

    def error(self, number, what):
        return CatalogError(f"{shown(self.path)}:{number}: {what}")

    def has_msgstr(self):
        return any(key.startswith("msgstr") for key in self.entry)

    def close(self, number):
        entry = self.entry
        if not entry:
            return
        if "msgid" not in entry:
            raise self.error(number, "an entry without msgid")
        line, msgid = entry["msgid"]
        if not self.has_msgstr():
            raise self.error(line, f"msgid {msgid!r} has no msgstr")
        if "msgid_plural" in entry and "msgstr" in entry:
            raise self.error(line, "a plural entry with a plain msgstr")
        key = (entry.get("msgctxt", (0, None))[1], msgid)
        if key in self.entries:
            raise self.error(
                line, f"msgid {msgid!r} defined twice (first at line {self.entries[key][0]})"
            )
        msgstr = next(value for name, value in entry.items() if name.startswith("msgstr"))
        self.entries[key] = (line, msgstr[1])
        self.entry, self.last = {}, None

    def comment(self, number):
        # a comment after a complete entry starts the next one; inside an
        # entry it means the entry was cut (its msgstr lost in a merge)
        if self.entry and not self.has_msgstr():
            first = min(value[0] for value in self.entry.values())
            msgid = self.entry.get("msgid", [0, ""])[1]
            raise self.error(first, f"msgid {msgid!r} has no msgstr (a comment at line {number})")
        self.close(number)

    def string(self, number, line):
        if self.last is None:
            raise self.error(number, "a string outside any keyword")
        if not QUOTED.match(line):
            raise self.error(number, "a badly quoted string")
        self.entry[self.last][1] += line[1:-1]

    def keyword(self, number, line):
        match = KEYWORD.match(line)
        if not match:
            raise self.error(number, f"not a .po line: {line[:60]!r}")
        keyword, text = match.groups()
        if not QUOTED.match(text):
            raise self.error(number, "a badly quoted string")
        base = keyword.split("[")[0]
        if self.has_msgstr() and base != "msgstr":
            self.close(number)  # the next entry, without a blank line before it
        if keyword in self.entry:
            raise self.error(number, f"{keyword} twice in one entry")
        if any(self.ORDER[key.split("[")[0]] > self.ORDER[base] for key in self.entry):
            raise self.error(number, f"{keyword} out of order (a msgstr missing?)")
        self.entry[keyword] = [number, text[1:-1]]
        self.last = keyword

    def read(self):
        lines = self.path.read_text(encoding="utf-8").split("\n")
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                self.close(number)
            elif line.startswith("#~"):
                continue  # obsolete: not loaded
            elif line.startswith("#"):
                self.comment(number)
            elif line.startswith('"'):
                self.string(number, line)
            else:
                self.keyword(number, line)
        self.close(len(lines))
        if (None, "") not in self.entries:
            raise CatalogError(f'{shown(self.path)}: no header entry (msgid "")')
        return self.entries


def read_catalog(path):
    """The file's entries as {(msgctxt, msgid): (line, msgstr)}; raises
    CatalogError naming the file, the line and what is wrong."""
    return _Reader(path).read()


def test_every_addon_has_its_template():
    assert FILES, "no i18n files found"
    for manifest in REPO.glob("*/__manifest__.py"):
        addon = manifest.parent
        if (addon / "i18n").is_dir():
            assert (addon / "i18n" / f"{addon.name}.pot").is_file(), addon.name


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_translation_file_is_whole(path):
    read_catalog(path)


@pytest.mark.parametrize(
    "path", [p for p in FILES if p.suffix == ".po"], ids=lambda p: str(p.relative_to(REPO))
)
def test_po_carries_every_message_of_the_template(path):
    template = path.with_name(f"{path.parent.parent.name}.pot")
    missing = set(read_catalog(template)) - set(read_catalog(path))
    assert not missing, (
        f"{path.relative_to(REPO)} lacks {len(missing)} messages of {template.name} "
        f"(msgmerge it from the .pot), e.g. {sorted(m for _, m in missing)[:3]}"
    )


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_msgfmt_accepts_the_file(path):
    if not shutil.which("msgfmt"):
        pytest.skip("GNU gettext's msgfmt is not installed (the structure test still ran)")
    done = subprocess.run(
        ["msgfmt", "--check", "-o", "/dev/null", str(path)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr


BROKEN = {
    "a msgid without msgstr": (
        'msgid ""\nmsgstr ""\n\n#: a\nmsgid "One"\n#: b\nmsgid "Two"\nmsgstr ""\n',
        "has no msgstr",
    ),
    "a message defined twice": (
        'msgid ""\nmsgstr ""\n\nmsgid "One"\nmsgstr "Uno"\n\nmsgid "One"\nmsgstr "Una"\n',
        "defined twice",
    ),
    "merge markers": (
        'msgid ""\nmsgstr ""\n\n<<<<<<< HEAD\nmsgid "One"\nmsgstr "Uno"\n',
        "not a .po line",
    ),
    "a msgstr cut off": ('msgid ""\nmsgstr ""\n\nmsgid "One"\nmsgstr "Uno\n', "badly quoted"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_the_check_refuses_a_broken_file(case, tmp_path):
    text, error = BROKEN[case]
    path = tmp_path / "es.po"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CatalogError, match=error):
        read_catalog(path)
