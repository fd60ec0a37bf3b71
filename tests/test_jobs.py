"""The job steps per path, findings, roof-leak intake, escalation and appraisal."""

from datetime import date

import pytest

from solar_om_engine import jobs


def test_audit_walks_its_steps_in_the_documents_order():
    codes = [step.code for step in jobs.steps_for("visit_audit")]
    assert codes == ["confirm", "schedule", "audit_checklist", "review_artefacts", "outcome"]
    done = []
    for code in codes:
        assert jobs.next_step("visit_audit", done).code == code
        done.append(code)
    assert jobs.next_step("visit_audit", done) is None


def test_replacement_ends_with_serials_and_regulatory_documents_before_the_outcome():
    codes = [step.code for step in jobs.steps_for("visit_replacement")]
    assert codes[-4:] == ["review_artefacts", "serial_update", "regulatory_documents", "outcome"]
    assert codes.index("prestart_checklist") < codes.index("commissioning")


def test_paths_without_a_visit_have_no_steps():
    assert jobs.steps_for("internal") == ()
    assert jobs.steps_for(None) == ()
    assert jobs.next_step("manufacturer", []) is None
    assert jobs.review_blocker("internal", []) is None


def test_a_step_out_of_turn_names_the_earlier_step_still_to_do():
    with pytest.raises(jobs.JobStepError, match="'audit_checklist' is still to do") as error:
        jobs.check_can_complete("visit_audit", "review_artefacts", ["confirm", "schedule"])
    assert error.value.step == "audit_checklist"
    step = jobs.check_can_complete(
        "visit_audit", "review_artefacts", ["confirm", "schedule", "audit_checklist"]
    )
    assert step.role is jobs.Role.BACK_OFFICE
    with pytest.raises(jobs.JobStepError, match="serial_update"):
        jobs.check_can_complete("visit_audit", "serial_update", [])


def test_review_is_blocked_by_the_first_required_step_left_undone():
    done = ["confirm", "schedule", "prestart_checklist", "commissioning", "review_artefacts"]
    assert jobs.review_blocker("visit_replacement", done) == "serial_update"
    assert jobs.review_blocker("visit_replacement", [*done, "serial_update"]) == (
        "regulatory_documents"
    )
    assert (
        jobs.review_blocker("visit_replacement", [*done, "serial_update", "regulatory_documents"])
        is None
    )


def test_a_return_visit_needs_only_the_review_of_the_artefacts():
    done = ["confirm", "schedule", "prestart_checklist", "commissioning"]
    assert jobs.review_blocker("visit_replacement", done, "return_visit") == "review_artefacts"
    done.append("review_artefacts")
    assert jobs.review_blocker("visit_replacement", done, "return_visit") is None
    assert jobs.review_blocker("visit_replacement", done, "resolved") == "serial_update"


def test_checklist_group_done_only_when_its_required_items_are():
    items = [
        ("prestart", True, "done"),
        ("prestart", False, "todo"),  # optional left open: still done
        ("commissioning", True, "done"),
        ("commissioning", True, "cancel"),  # a required item cancelled is not done
        (None, True, "todo"),  # an item of no group is not a step
    ]
    assert jobs.checklists_done(items) == frozenset({"prestart"})
    assert jobs.checklists_done([]) == frozenset()


def test_findings_send_a_case_to_sales_or_to_a_workmanship_repair():
    assert jobs.finding_effect("not_ours", roof_leak=False) == "sales"
    assert jobs.finding_effect("not_ours", roof_leak=True) == "sales"
    assert jobs.finding_effect("ours", roof_leak=True) == "workmanship_repair"
    assert jobs.finding_effect("ours", roof_leak=False) == "none"
    with pytest.raises(ValueError, match="unknown finding 'maybe'"):
        jobs.finding_effect("maybe", roof_leak=True)


def test_roof_leak_intake_names_what_is_missing():
    assert jobs.roof_leak_intake_missing(False, None) == ("media", "leak_started_on")
    assert jobs.roof_leak_intake_missing(True, None) == ("leak_started_on",)
    assert jobs.roof_leak_intake_missing(True, date(2026, 11, 2)) == ()


def test_a_photo_item_needs_a_photo_before_it_is_ticked():
    assert jobs.item_evidence_missing(True, 0) == ("photo",)
    assert jobs.item_evidence_missing(True, 1) == ()
    assert jobs.item_evidence_missing(False, 0) == ()


def test_an_order_is_signed_off_with_its_resolution_in_words():
    assert jobs.sign_off_missing(None) == ("resolution",)
    assert jobs.sign_off_missing("") == ("resolution",)
    assert jobs.sign_off_missing(" \n\t ") == ("resolution",)
    assert jobs.sign_off_missing("Replaced the blown DC fuse; string back at 9.4 A.") == ()


def test_replacement_value_is_rate_per_kw_times_size():
    lines, total = jobs.replacement_value(8.4, [("Modules", 900.0), ("Inverter", 350.0)])
    assert [line.amount for line in lines] == [7560.0, 2940.0]
    assert total == 10500.0
    with pytest.raises(ValueError, match="must be positive"):
        jobs.replacement_value(0, [("Modules", 900.0)])
    with pytest.raises(ValueError, match="no replacement rate"):
        jobs.replacement_value(5, [])
