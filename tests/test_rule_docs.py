"""The rule pages in docs/ are generated from the rules' docstrings and
fields (`python -m solar_om_engine rules --write docs`): a rule is described
once, in the code, and the pages never drift from it."""

from pathlib import Path

import pytest

from solar_om_engine.__main__ import RULE_PAGES, RULES_COMMAND, main, rules_page
from solar_om_engine.classify import CHECK_RULES

DOCS = Path(__file__).resolve().parents[1] / "docs"


@pytest.mark.parametrize(("name", "title", "module"), RULE_PAGES)
def test_the_rule_pages_are_what_the_rules_say(name, title, module):
    page = DOCS / name
    assert page.exists(), f"docs/{name} is missing: run `{RULES_COMMAND}`"
    assert page.read_text(encoding="utf-8") == rules_page(title, module), (
        f"docs/{name} is stale: run `{RULES_COMMAND}`"
    )


def test_the_check_page_lists_every_rule_in_order_with_its_thresholds():
    text = (DOCS / "check-rules.md").read_text(encoding="utf-8")
    assert RULES_COMMAND in text.splitlines()[2]
    rows = [line for line in text.splitlines() if line.startswith("| ") and "`" in line]
    names = [row.split("|")[2].strip().strip("`") for row in rows]
    assert names == [type(rule).__name__ for rule in CHECK_RULES]
    assert "`stale_after` = 45 min" in text and "`min_elevation_deg` = 10.0" in text


def test_the_command_writes_both_pages(tmp_path, capsys):
    assert main(["rules", "--write", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["check-rules.md", "day-rules.md"]
    assert main(["rules"]) == 0
    out = capsys.readouterr().out
    assert "## How a check judges a site" in out and "## How a day is judged" in out
