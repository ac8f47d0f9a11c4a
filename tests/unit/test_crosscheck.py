"""Cross-check of a year page before it is locked (hocbaso_signing.tools.crosscheck)."""

import copy

import pytest

from odoo.addons.hocbaso_core.tools import tt27
from odoo.addons.hocbaso_signing.tools import crosscheck
from odoo.addons.hocbaso_signing.tools.crosscheck import Finding

# A grade-3 girl born in 2016 (Hà Nội): 001 + 3 (2000s, female) + 16 + serial.
PERSONAL_ID = "001316000123"


def make_page(grade=3, level="t", competency="t", score=10):
    """A complete, consistent year page: every compulsory subject and competency rated at the four points,
    every tested point scored, result/completion/commendation computed by TT 27."""
    subjects = []
    for code in tt27.compulsory_subjects(grade):
        tested = tt27.tested_points(code, grade)
        subjects.append({
            "code": code, "name": code, "teacher": "GV",
            "levels": dict.fromkeys(tt27.POINTS, level),
            "scores": dict.fromkeys(tested, score),
            "comment": "Tốt",
        })
    competencies = [{"code": code, "name": code, "kind": "quality", "levels": dict.fromkeys(tt27.POINTS, competency),
                     "comment": "Tốt"} for code in tt27.COMPETENCY_CODES]
    result = tt27.year_result(
        {s["code"]: level for s in subjects}, dict.fromkeys(tt27.COMPETENCY_CODES, competency),
        {s["code"]: score for s in subjects if "cn" in s["scores"]},
    )
    return {
        "kind": "year_page", "version": 1, "school_year": "2025-2026",
        "student": {"code": "HS1", "personal_id": PERSONAL_ID, "full_name": "Nguyễn Thị A",
                    "birthdate": "2016-05-01", "gender": "female"},
        "class": {"name": f"{grade}A", "grade": grade, "homeroom_teacher": "GVCN"},
        "subjects": subjects, "competencies": competencies,
        "result": result, "reassessment_result": None, "final_result": result,
        "completed_grade": tt27.completes_grade(result),
        "completed_primary": tt27.completes_primary(grade, result),
        "promoted": True, "commendation": tt27.proposed_commendation(result) or None,
        "homeroom_comment": "Chăm ngoan.",
    }


def subject(page, code):
    return next(s for s in page["subjects"] if s["code"] == code)


def competency(page, code):
    return next(c for c in page["competencies"] if c["code"] == code)


def codes(found):
    return sorted({f.code for f in found})


def only(found, code):
    hits = [f for f in found if f.code == code]
    assert hits, f"no {code} in {[(f.code, f.subject, f.point) for f in found]}"
    return hits


def run(page, **kw):
    kw.setdefault("id_check_state", "matched")
    return crosscheck.findings(page, **kw)


# ---------------------------------------------------------------------------------------------
# Clean pages
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("grade", tt27.GRADES)
def test_complete_page_has_no_finding(grade):
    assert run(make_page(grade)) == []


def test_complete_ht_page_has_no_finding():
    page = make_page(4, level="h", competency="d", score=6)
    assert page["result"] == "ht"
    assert run(page) == []


def test_finding_shape_and_helpers():
    page = make_page()
    page["homeroom_comment"] = ""
    subject(page, "toan")["levels"]["cn"] = None
    found = run(page)
    assert crosscheck.has_blocking(found)
    assert all(isinstance(f, Finding) for f in found)
    assert all(f.severity in ("blocking", "warning") for f in found)
    assert all(f.code in crosscheck.CODES for f in found)
    assert [f.code for f in crosscheck.blocking(found)] == ["level_missing"]
    warning = only(found, "comment_missing")[0]
    assert not warning.blocking and str(warning.message) == "The homeroom teacher's comment is empty."
    assert not crosscheck.has_blocking([warning])
    assert not crosscheck.has_blocking([])


# ---------------------------------------------------------------------------------------------
# Levels and scores
# ---------------------------------------------------------------------------------------------

def test_level_missing_subject_point():
    page = make_page()
    subject(page, "dao_duc")["levels"]["gk2"] = ""
    (finding,) = run(page)
    assert (finding.code, finding.severity, finding.subject, finding.point, finding.kind) == \
        ("level_missing", "blocking", "dao_duc", "gk2", "subject")
    assert "mid-term, semester II" in str(finding.message)


def test_level_missing_at_end_of_year_skips_result_check():
    page = make_page()
    subject(page, "am_nhac")["levels"]["cn"] = None
    page["result"] = "cht"  # would be a mismatch, but the result cannot be computed
    assert codes(run(page)) == ["level_missing"]


def test_level_missing_only_at_required_points():
    page = make_page()
    subject(page, "dao_duc")["levels"]["gk1"] = None
    competency(page, "nhan_ai")["levels"]["gk1"] = None
    assert run(page, required_points=("ck1", "gk2", "cn")) == []
    assert len(only(run(page), "level_missing")) == 2


def test_missing_subject_and_competency():
    page = make_page()
    page["subjects"] = [s for s in page["subjects"] if s["code"] != "mi_thuat"]
    page["competencies"] = [c for c in page["competencies"] if c["code"] != "khoa_hoc"]
    found = only(run(page), "level_missing")
    assert {(f.subject, f.kind, f.point) for f in found} == {("mi_thuat", "subject", None),
                                                              ("khoa_hoc", "competency", None)}
    assert codes(run(page)) == ["level_missing"]  # result not computable: no result_mismatch


def test_level_missing_competency_point():
    page = make_page()
    competency(page, "cham_chi")["levels"]["ck1"] = None
    (finding,) = run(page)
    assert (finding.code, finding.subject, finding.point, finding.kind) == \
        ("level_missing", "cham_chi", "ck1", "competency")


def test_level_invalid():
    page = make_page()
    subject(page, "toan")["levels"]["gk1"] = "d"  # Đạt is a competency level
    competency(page, "nhan_ai")["levels"]["gk1"] = "h"
    found = run(page)
    assert codes(found) == ["level_invalid"]
    assert {f.kind for f in found} == {"subject", "competency"}
    assert all(f.severity == "blocking" for f in found)


def test_levels_are_case_insensitive():
    page = make_page()
    subject(page, "toan")["levels"]["cn"] = "T"
    competency(page, "nhan_ai")["levels"]["cn"] = "T"
    assert run(page) == []


def test_score_missing():
    page = make_page(4)
    del subject(page, "toan")["scores"]["gk1"]
    subject(page, "khoa_hoc")["scores"]["cn"] = None
    found = run(page)
    assert codes(found) == ["score_missing"]
    assert {(f.subject, f.point) for f in found} == {("toan", "gk1"), ("khoa_hoc", "cn")}


def test_score_missing_not_required_for_untested_subject():
    page = make_page(3)
    assert subject(page, "dao_duc")["scores"] == {}
    assert "gk1" not in subject(page, "toan")["scores"]  # grade 3: no mid-term test
    assert run(page) == []


def test_score_untested():
    page = make_page(3)
    subject(page, "toan")["scores"]["gk1"] = 8  # grade 3 Toán has no mid-term test
    subject(page, "dao_duc")["scores"]["cn"] = 9
    found = run(page)
    assert codes(found) == ["score_untested"]
    assert {(f.subject, f.point) for f in found} == {("toan", "gk1"), ("dao_duc", "cn")}
    assert all(f.severity == "blocking" for f in found)


def test_tested_points_override():
    page = make_page(3)
    subject(page, "dao_duc")["scores"]["cn"] = 9
    found = run(page, tested_points={"dao_duc": ("ck1", "cn")})
    assert [(f.code, f.subject, f.point) for f in found] == [("score_missing", "dao_duc", "ck1")]
    # a school without an end-of-semester test in Tin học: the score becomes untested
    found = run(make_page(3), tested_points={"tin_hoc_cong_nghe": ("cn",)})
    assert [(f.code, f.subject, f.point) for f in found] == [("score_untested", "tin_hoc_cong_nghe", "ck1")]


@pytest.mark.parametrize("value", [11, -1, 7.5, "abc"])
def test_score_invalid(value):
    page = make_page()
    subject(page, "toan")["scores"]["ck1"] = value
    found = run(page)
    assert codes(found) == ["score_invalid"]


def test_score_invalid_at_end_of_year_skips_result_check():
    page = make_page()
    subject(page, "toan")["scores"]["cn"] = 12
    page["result"] = "ht"
    assert codes(run(page)) == ["score_invalid"]


@pytest.mark.parametrize(("level", "score", "warned"), [("t", 4, True), ("t", 5, False), ("c", 7, True),
                                                        ("c", 6, False), ("h", 2, False), ("h", 10, False)])
def test_level_score_inconsistent(level, score, warned):
    page = make_page()
    subject(page, "toan")["levels"]["ck1"] = level
    subject(page, "toan")["scores"]["ck1"] = score
    found = [f for f in run(page) if f.code == "level_score_inconsistent"]
    if warned:
        (finding,) = found
        assert (finding.severity, finding.subject, finding.point) == ("warning", "toan", "ck1")
        assert str(score) in str(finding.message)
    else:
        assert found == []


def test_score_three_rated_completed_well_is_flagged():
    page = make_page()
    subject(page, "tieng_viet")["scores"]["ck1"] = 3
    found = run(page)
    assert codes(found) == ["level_score_inconsistent"]
    assert not crosscheck.has_blocking(found)


# ---------------------------------------------------------------------------------------------
# Result, completion, commendation
# ---------------------------------------------------------------------------------------------

def test_result_mismatch():
    page = make_page()  # HTXS
    page["result"] = page["final_result"] = "htt"
    page["commendation"] = None
    (finding,) = run(page)
    assert (finding.code, finding.severity) == ("result_mismatch", "blocking")
    assert "HTT" in str(finding.message) and "HTXS" in str(finding.message)


def test_result_missing():
    page = make_page()
    page["result"] = page["final_result"] = None
    page["commendation"] = None
    page["completed_grade"] = page["completed_primary"] = False
    found = run(page)
    assert codes(found) == ["result_mismatch"]
    assert "HTXS" in str(found[0].message)


def test_result_bad_code():
    page = make_page()
    page["result"] = "xx"
    assert codes(run(page)) == ["result_mismatch"]


def test_worked_example_score_8_is_htt():
    page = make_page(5)
    subject(page, "toan")["scores"]["cn"] = 8
    assert codes(run(page)) == ["result_mismatch"]  # still says HTXS
    page["result"] = page["final_result"] = "htt"
    page["commendation"] = None
    assert run(page) == []


def test_reassessment_only_after_cht():
    page = make_page()
    page["reassessment_result"] = "ht"
    page["final_result"] = "ht"
    found = run(page)
    assert "result_mismatch" in codes(found)


def test_reassessed_pupil_is_consistent():
    page = make_page(level="t")
    subject(page, "am_nhac")["levels"]["cn"] = "c"
    page.update(result="cht", reassessment_result="ht", final_result="ht", completed_grade=True,
                commendation=None)
    assert [f.code for f in run(page)] == []


def test_final_result_mismatch():
    page = make_page()
    page["final_result"] = "ht"
    found = only(run(page), "result_mismatch")
    assert "final result" in str(found[0].message)


def test_completion_mismatch_grade():
    page = make_page()
    page["completed_grade"] = False
    (finding,) = run(page)
    assert (finding.code, finding.severity) == ("completion_mismatch", "blocking")


def test_completion_mismatch_primary():
    page = make_page(5)
    assert page["completed_primary"] is True
    page["completed_primary"] = False
    assert codes(run(page)) == ["completion_mismatch"]
    page = make_page(4)
    page["completed_primary"] = True
    assert codes(run(page)) == ["completion_mismatch"]


def test_cht_pupil_does_not_complete():
    page = make_page(2)
    subject(page, "tieng_viet")["scores"]["cn"] = 4  # worked example 4
    page.update(result="cht", final_result="cht", completed_grade=False, commendation=None)
    found = run(page)
    assert codes(found) == ["level_score_inconsistent"]  # T with 4
    page["completed_grade"] = True
    assert "completion_mismatch" in codes(run(page))


@pytest.mark.parametrize(("result_level", "commendation", "mismatch"), [
    ("t", "xuat_sac", False), ("t", "tieu_bieu", True), ("h", "xuat_sac", True), ("t", "bogus", True),
])
def test_commendation_mismatch(result_level, commendation, mismatch):
    page = make_page(level=result_level, competency="t" if result_level == "t" else "d")
    page["commendation"] = commendation
    found = run(page)
    assert ("commendation_mismatch" in codes(found)) is mismatch
    if mismatch:
        assert only(found, "commendation_mismatch")[0].severity == "blocking"


def test_tieu_bieu_fits_htt():
    page = make_page(score=8)
    assert page["result"] == "htt"
    page["commendation"] = "tieu_bieu"
    assert run(page) == []


# ---------------------------------------------------------------------------------------------
# Comments and identity
# ---------------------------------------------------------------------------------------------

def test_comment_missing_homeroom():
    page = make_page()
    page["homeroom_comment"] = "  "
    (finding,) = run(page)
    assert (finding.code, finding.severity, finding.subject) == ("comment_missing", "warning", None)


def test_comment_missing_on_c_subject_and_competency():
    page = make_page(level="h", competency="d", score=6)
    subject(page, "am_nhac")["levels"]["cn"] = "c"
    subject(page, "am_nhac")["comment"] = ""
    competency(page, "trung_thuc")["levels"]["cn"] = "c"
    competency(page, "trung_thuc")["comment"] = None
    subject(page, "mi_thuat")["comment"] = ""  # H without comment: fine
    page.update(result="cht", final_result="cht", completed_grade=False)
    found = run(page)
    assert codes(found) == ["comment_missing"]
    assert {(f.subject, f.kind, f.severity) for f in found} == {("am_nhac", "subject", "warning"),
                                                               ("trung_thuc", "competency", "warning")}


@pytest.mark.parametrize(("state", "severity"), [
    ("matched", None), ("valid_format", "warning"), ("unchecked", "warning"), (None, "warning"),
    ("mismatch", "blocking"), ("not_found", "blocking"),
])
def test_identity_state(state, severity):
    found = crosscheck.findings(make_page(), id_check_state=state)
    if severity is None:
        assert found == []
    else:
        (finding,) = found
        assert (finding.code, finding.severity) == ("identity", severity)


@pytest.mark.parametrize("personal_id", ["", None])
def test_identity_missing_personal_id(personal_id):
    page = make_page()
    page["student"]["personal_id"] = personal_id
    (finding,) = run(page)
    assert (finding.code, finding.severity) == ("identity", "blocking")
    assert str(finding.message) == "The pupil has no personal ID."


@pytest.mark.parametrize("personal_id", ["001216000123", "001315000123", "12345", "999316000123"])
def test_identity_inconsistent_personal_id(personal_id):
    page = make_page()  # a girl born in 2016
    page["student"]["personal_id"] = personal_id
    (finding,) = run(page)
    assert (finding.code, finding.severity) == ("identity", "blocking")


def test_snapshot_not_modified():
    page = make_page()
    page["homeroom_comment"] = ""
    before = copy.deepcopy(page)
    run(page)
    assert page == before


def test_every_code_is_reachable():
    """Each finding code of the table has a test above; keep the list in sync."""
    assert set(crosscheck.CODES) == {
        "level_missing", "level_invalid", "score_missing", "score_untested", "score_invalid",
        "level_score_inconsistent", "result_mismatch", "completion_mismatch", "commendation_mismatch",
        "comment_missing", "identity",
    }
