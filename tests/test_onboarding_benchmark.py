"""The onboarding benchmark (`bench/onboarding_benchmark.py`) writes each
vendor's figures in a subsection of its own section of docs/benchmarks.md:
a run for one vendor leaves the other vendor's figures and the other
sections as they are."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import onboarding_benchmark as bench  # noqa: E402


def test_each_vendor_replaces_only_its_own_subsection(tmp_path, monkeypatch):
    path = tmp_path / "benchmarks.md"
    monkeypatch.setattr(bench, "DOC", path)
    # a section written before the vendors had subsections of their own
    path.write_text(
        "# Benchmarks\n\n## Onboarding a 1,000-system account\n\nold enphase figures\n\n"
        "## Snapshot check benchmark\n\n### Fleet a, seed 14\n\nkept\n"
    )
    bench.write_section("enphase", ["enphase 118"])
    bench.write_section("solaredge", ["solaredge 115"])
    bench.write_section("enphase", ["enphase 49"])
    text = path.read_text()
    assert "old enphase figures" not in text and "enphase 118" not in text
    assert "### Enphase\n\nenphase 49\n" in text
    assert "### SolarEdge\n\nsolaredge 115\n" in text
    assert text.index("### Enphase") < text.index("### SolarEdge")
    assert text.index("### SolarEdge") < text.index("## Snapshot check benchmark")
    assert "### Fleet a, seed 14\n\nkept\n" in text
    assert text.count(bench.HEADING) == 1


def test_a_first_run_adds_the_section_at_the_end(tmp_path, monkeypatch):
    path = tmp_path / "benchmarks.md"
    path.write_text("# Benchmarks\n\n## Fleet benchmark\n\nkept\n")
    monkeypatch.setattr(bench, "DOC", path)
    bench.write_section("solaredge", ["solaredge 49"])
    text = path.read_text()
    assert text.startswith("# Benchmarks\n\n## Fleet benchmark\n\nkept\n\n" + bench.HEADING)
    assert text.endswith("### SolarEdge\n\nsolaredge 49\n")
