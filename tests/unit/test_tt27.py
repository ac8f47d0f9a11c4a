"""TT 27/2020 assessment rules (docs/domain.md section 3)."""

import pytest

from odoo.addons.hocbaso_core.tools import tt27
from odoo.addons.hocbaso_core.tools.errors import RuleError
from odoo.addons.hocbaso_core.tools.tt27 import IncompleteAssessment


def pupil(grade, subjects=None, competencies=None, scores=None, default_score=10, default_competency="t"):
    """Full assessment of one pupil: every compulsory subject of the grade rated T, every quality and
    competency rated ``default_competency``, every end-of-year test at ``default_score``; then overrides."""
    subject_levels = dict.fromkeys(tt27.compulsory_subjects(grade), "t")
    competency_levels = dict.fromkeys(tt27.COMPETENCY_CODES, default_competency)
    end_year = {
        code: default_score for code in subject_levels if "cn" in tt27.tested_points(code, grade)
    }
    for target, overrides in ((subject_levels, subjects), (competency_levels, competencies), (end_year, scores)):
        for key, value in (overrides or {}).items():
            assert key in target, f"override of unknown key {key!r}"
            target[key] = value
    return subject_levels, competency_levels, end_year


def _example_7():
    subjects = tt27.compulsory_subjects(5)
    mixed = {code: ("h" if index % 2 else "t") for index, code in enumerate(subjects)}
    tested = [code for code in subjects if "cn" in tt27.tested_points(code, 5)]
    scores = {code: 5 + index % 4 for index, code in enumerate(tested)}  # 5, 6, 7, 8, 5, ...
    return pupil(5, subjects=mixed, scores=scores, default_competency="d")


# domain.md 3.6, examples 1-8, exactly as written
WORKED_EXAMPLES = [
    pytest.param(
        pupil(3, scores={"tieng_viet": 10, "toan": 9, "ngoai_ngu_1": 9, "tin_hoc_cong_nghe": 9}),
        "htxs",
        id="1-grade3-all-T-scores-10-9-9-9-HTXS",
    ),
    pytest.param(pupil(4, subjects={"am_nhac": "h"}), "ht", id="2-grade4-am-nhac-H-all-10-HT"),
    pytest.param(pupil(5, scores={"toan": 8}, default_score=9), "htt", id="3-grade5-toan-8-others-9-HTT"),
    pytest.param(pupil(2, scores={"tieng_viet": 4, "toan": 10}), "cht", id="4-grade2-TV-4-CHT"),
    pytest.param(
        pupil(1, competencies={"giao_tiep_hop_tac": "c"}, scores={"tieng_viet": 10, "toan": 10}),
        "cht",
        id="5-grade1-giao-tiep-can-co-gang-CHT",
    ),
    pytest.param(pupil(4, competencies={"cham_chi": "d"}, default_score=9), "ht", id="6-grade4-cham-chi-Dat-HT"),
    pytest.param(_example_7(), "ht", id="7-grade5-T-and-H-all-Dat-lowest-5-HT"),
    pytest.param(pupil(3, subjects={"giao_duc_the_chat": "c"}, default_score=9), "cht", id="8-grade3-GDTC-C-CHT"),
]


@pytest.mark.parametrize(("assessment", "expected"), WORKED_EXAMPLES)
def test_worked_examples(assessment, expected):
    subjects, competencies, scores = assessment
    assert len(competencies) == 15
    assert tt27.year_result(subjects, competencies, scores) == expected


def test_worked_example_inputs_match_the_table():
    subjects, _competencies, scores = WORKED_EXAMPLES[0].values[0]
    # example 1 lists exactly these four end-of-year tests for grade 3
    assert set(scores) == {"tieng_viet", "toan", "ngoai_ngu_1", "tin_hoc_cong_nghe"}
    assert "tu_nhien_xa_hoi" in subjects and "khoa_hoc" not in subjects
    # example 4: a grade-2 pupil has only Tiếng Việt and Toán tests (Ngoại ngữ 1 is optional)
    assert set(WORKED_EXAMPLES[3].values[0][2]) == {"tieng_viet", "toan"}
    # example 7: the lowest score is exactly 5, the highest 8, and both levels T and H occur
    subjects7, competencies7, scores7 = WORKED_EXAMPLES[6].values[0]
    assert min(scores7.values()) == 5 and max(scores7.values()) == 8
    assert set(subjects7.values()) == {"t", "h"} and set(competencies7.values()) == {"d"}


# ---- boundaries -------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("lowest", "expected"),
    [(10, "htxs"), (9, "htxs"), (8, "htt"), (7, "htt"), (6, "ht"), (5, "ht"), (4, "cht"), (0, "cht")],
)
def test_score_thresholds_with_all_top_ratings(lowest, expected):
    assert tt27.year_result(*pupil(5, scores={"khoa_hoc": lowest})) == expected


@pytest.mark.parametrize(("lowest", "expected"), [(10, "ht"), (5, "ht"), (4, "cht")])
def test_score_thresholds_with_one_h(lowest, expected):
    assert tt27.year_result(*pupil(4, subjects={"dao_duc": "h"}, scores={"toan": lowest})) == expected


def test_only_end_of_year_scores_count():
    # the caller passes only end-of-year scores; a pupil without tested subjects is judged on ratings
    assert tt27.year_result({"dao_duc": "t"}, {"yeu_nuoc": "t"}, {}) == "htxs"
    assert tt27.year_result({"dao_duc": "t"}, {"yeu_nuoc": "d"}, {}) == "ht"


def test_competency_c_fails_ht_even_with_top_scores():
    assert tt27.year_result(*pupil(5, competencies={"the_chat": "c"})) == "cht"


def test_levels_are_normalised_in_year_result():
    subjects, competencies, scores = pupil(3, default_score=9)
    subjects = {code: level.upper() for code, level in subjects.items()}
    competencies = {code: "Đ" for code in competencies}
    assert tt27.year_result(subjects, competencies, scores) == "ht"


def test_year_result_rejects_values_off_scale():
    subjects, competencies, scores = pupil(3)
    competencies["yeu_nuoc"] = "h"  # H exists only on the subject scale
    with pytest.raises(RuleError) as info:
        tt27.year_result(subjects, competencies, scores)
    assert info.value.code == "level_scale"
    subjects, competencies, scores = pupil(3)
    scores["toan"] = 11
    with pytest.raises(RuleError) as info:
        tt27.year_result(subjects, competencies, scores)
    assert info.value.code == "score_range"


# ---- missing data -----------------------------------------------------------------------------

def test_missing_ratings_and_scores_are_listed():
    subjects, competencies, scores = pupil(
        4, subjects={"khoa_hoc": None}, competencies={"khoa_hoc": ""}, scores={"toan": None}
    )
    with pytest.raises(IncompleteAssessment) as info:
        tt27.year_result(subjects, competencies, scores)
    error = info.value
    assert isinstance(error, RuleError)
    assert error.code == "incomplete"
    assert error.missing == [("subject", "khoa_hoc"), ("competency", "khoa_hoc"), ("score", "toan")]
    text = str(error)
    assert "Missing subject ratings: khoa_hoc." in text
    assert "Missing end-of-year test scores: toan." in text


def test_missing_score_refuses_even_when_result_would_be_cht():
    with pytest.raises(IncompleteAssessment) as info:
        tt27.year_result(*pupil(2, subjects={"am_nhac": "c"}, scores={"toan": None}))
    assert info.value.missing == [("score", "toan")]


def test_zero_is_a_score_not_a_missing_value():
    assert tt27.year_result(*pupil(2, scores={"toan": 0})) == "cht"


@pytest.mark.parametrize(
    ("subjects", "competencies", "kind"),
    [({}, {"yeu_nuoc": "t"}, "subject"), ({"toan": "t"}, {}, "competency")],
)
def test_empty_rating_dicts_refuse(subjects, competencies, kind):
    with pytest.raises(IncompleteAssessment) as info:
        tt27.year_result(subjects, competencies, {})
    assert info.value.missing == [(kind, None)]


# ---- scales -----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("value", "scale", "expected"),
    [
        ("T", "subject", "t"),
        (" h ", "subject", "h"),
        ("c", "subject", "c"),
        ("CHT", "subject", "c"),
        ("t", "competency", "t"),
        ("Đ", "competency", "d"),
        ("đ", "competency", "d"),
        ("D", "competency", "d"),
        ("C", "competency", "c"),
        (None, "subject", False),
        ("", "competency", False),
        (False, "competency", False),
    ],
)
def test_check_level(value, scale, expected):
    assert tt27.check_level(value, scale) == expected


@pytest.mark.parametrize(("value", "scale"), [("H", "competency"), ("D", "subject"), ("Đ", "subject"), ("x", "subject")])
def test_check_level_rejects(value, scale):
    with pytest.raises(RuleError) as info:
        tt27.check_level(value, scale)
    assert info.value.code == "level_scale"
    assert f"“{value}”" in str(info.value)


def test_check_level_unknown_scale_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown rating scale"):
        tt27.check_level("t", "result")


# ---- scores -----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("value", "expected"),
    [(7, 7), (0, 0), (10, 10), (7.0, 7), ("7", 7), (" 9 ", 9), ("8.0", 8), (None, False), ("", False), (False, False)],
)
def test_check_score_accepts(value, expected):
    result = tt27.check_score(value, True, "Toán", "cn")
    assert result == expected and type(result) is type(expected)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (7.5, "score_integer"),
        ("7,5", "score_integer"),
        ("abc", "score_integer"),
        (True, "score_integer"),
        (float("nan"), "score_integer"),
        (11, "score_range"),
        (-1, "score_range"),
        ("12", "score_range"),
    ],
)
def test_check_score_rejects(value, code):
    with pytest.raises(RuleError) as info:
        tt27.check_score(value, True, "Toán", "ck1")
    assert info.value.code == code
    assert "Toán" in str(info.value) and "end of semester I" in str(info.value)


def test_score_on_untested_point_is_refused():
    with pytest.raises(RuleError) as info:
        tt27.check_score(8, False, "Đạo đức", "gk1")
    assert info.value.code == "score_not_tested"
    assert str(info.value) == "Đạo đức has no periodic test at this point (mid-term, semester I): leave the score empty."
    assert tt27.check_score(None, False, "Đạo đức", "gk1") is False


# ---- test schedule and catalogue --------------------------------------------------------------

@pytest.mark.parametrize(
    ("subject", "grade", "points"),
    [
        ("tieng_viet", 1, ("ck1", "cn")),
        ("toan", 3, ("ck1", "cn")),
        ("tieng_viet", 4, ("gk1", "ck1", "gk2", "cn")),
        ("toan", 5, ("gk1", "ck1", "gk2", "cn")),
        ("ngoai_ngu_1", 1, ()),
        ("ngoai_ngu_1", 2, ()),
        ("ngoai_ngu_1", 3, ("ck1", "cn")),
        ("lich_su_dia_li", 4, ("ck1", "cn")),
        ("lich_su_dia_li", 3, ()),
        ("khoa_hoc", 5, ("ck1", "cn")),
        ("tin_hoc_cong_nghe", 3, ("ck1", "cn")),
        ("tin_hoc_cong_nghe", 2, ()),
        ("dao_duc", 4, ()),
        ("am_nhac", 5, ()),
        ("tieng_dan_toc", 3, ()),
        ("unknown_subject", 3, ()),
    ],
)
def test_tested_points(subject, grade, points):
    assert tt27.tested_points(subject, grade) == points


def test_subject_grades_and_optional():
    assert tt27.subject_grades("tu_nhien_xa_hoi") == (1, 2, 3)
    assert tt27.subject_grades("lich_su_dia_li") == (4, 5)
    assert tt27.subject_grades("tin_hoc_cong_nghe") == (3, 4, 5)
    assert tt27.subject_grades("ngoai_ngu_1") == (1, 2, 3, 4, 5)
    assert tt27.subject_grades("nope") == ()
    assert tt27.is_optional("ngoai_ngu_1", 2) and not tt27.is_optional("ngoai_ngu_1", 3)
    assert all(tt27.is_optional("tieng_dan_toc", grade) for grade in tt27.GRADES)
    every_subject = set(tt27.compulsory_subjects(1)) | set(tt27.compulsory_subjects(5)) | {"tieng_dan_toc"}
    assert set(tt27.SUBJECT_CODES) == every_subject


def test_compulsory_subjects_per_grade():
    assert tt27.compulsory_subjects(1) == (
        "tieng_viet", "toan", "dao_duc", "tu_nhien_xa_hoi", "giao_duc_the_chat", "am_nhac", "mi_thuat",
        "hoat_dong_trai_nghiem",
    )  # fmt: skip
    assert "ngoai_ngu_1" in tt27.compulsory_subjects(3) and "tin_hoc_cong_nghe" in tt27.compulsory_subjects(3)
    assert len(tt27.compulsory_subjects(5)) == 11  # 6 tested + 5 rated only


def test_constants():
    assert len(tt27.COMPETENCY_CODES) == len(set(tt27.COMPETENCY_CODES)) == 15
    assert len(tt27.SUBJECT_CODES) == 13
    assert tt27.POINTS == ("gk1", "ck1", "gk2", "cn")
    assert tt27.RESULTS == ("htxs", "htt", "ht", "cht")


# ---- completion, re-assessment, commendation --------------------------------------------------

@pytest.mark.parametrize(("result", "completes"), [("htxs", True), ("htt", True), ("HT", True), ("cht", False)])
def test_completes_grade(result, completes):
    assert tt27.completes_grade(result) is completes


def test_completes_primary_only_in_grade_5():
    assert tt27.completes_primary(5, "ht") is True
    assert tt27.completes_primary(5, "cht") is False
    assert tt27.completes_primary(4, "htxs") is False


def test_reassessment():
    assert tt27.can_reassess("cht") is True
    assert not any(tt27.can_reassess(result) for result in ("htxs", "htt", "ht"))
    assert tt27.effective_result("cht", "ht") == "ht"
    assert tt27.effective_result("cht", False) == "cht"
    assert tt27.effective_result("cht", None) == "cht"
    assert tt27.effective_result("cht", "cht") == "cht"


def test_result_codes_are_checked():
    assert tt27.check_result("HTXS") == "htxs"
    assert tt27.check_result(None) is False
    with pytest.raises(RuleError) as info:
        tt27.completes_grade("xs")
    assert info.value.code == "result_code"


def test_proposed_commendation():
    assert tt27.proposed_commendation("htxs") == "xuat_sac"
    assert [tt27.proposed_commendation(r) for r in ("htt", "ht", "cht")] == [False, False, False]


@pytest.mark.parametrize(
    ("result", "commendation", "allowed"),
    [
        ("htxs", "xuat_sac", True),
        ("htt", "xuat_sac", False),
        ("ht", "xuat_sac", False),
        ("htt", "tieu_bieu", True),
        ("htxs", "tieu_bieu", False),
        ("ht", "tieu_bieu", False),
        ("cht", "tieu_bieu", False),
        ("cht", False, True),
        ("ht", None, True),
        ("htxs", "bang_khen", False),
    ],
)
def test_check_commendation(result, commendation, allowed):
    if allowed:
        assert tt27.check_commendation(result, commendation) is None
    else:
        with pytest.raises(RuleError) as info:
            tt27.check_commendation(result, commendation)
        assert info.value.code == "commendation"


def test_level_score_findings():
    assert tt27.level_score_findings("t", 4) == ["level_high_score_failing"]
    assert tt27.level_score_findings("C", 8) == ["level_low_score_good"]
    assert tt27.level_score_findings("t", 5) == []
    assert tt27.level_score_findings("h", 2) == []
    assert tt27.level_score_findings("t", None) == []
    assert tt27.level_score_findings(None, 3) == []


# ---- error object -----------------------------------------------------------------------------

def test_rule_error_carries_lazy_message_and_code():
    with pytest.raises(RuleError) as info:
        tt27.check_score(12, True, "Toán", "cn")
    error = info.value
    assert isinstance(error, ValueError)
    assert error.code == "score_range"
    assert type(error.message).__name__ == "LazyGettext"
    assert str(error) == "The Toán test score (end of year) must be between 0 and 10 (got 12)."
    assert error.translate("en_US") == str(error)
    assert error.translate("vi_VN")  # no vi.po yet: falls back to the English source
