"""Assessment rules of Thông tư 27/2020/TT-BGDĐT (primary school, grades 1-5).

Pure functions, no ORM: the models call them and turn :class:`RuleError` into user errors.
See docs/domain.md section 3 for the rules and the worked examples reproduced in the unit tests.
"""

import math

from odoo.tools.translate import LazyTranslate

from .errors import RuleError

_lt = LazyTranslate(__name__, default_lang="en_US")

__all__ = [
    "COMMENDATIONS",
    "COMPETENCY_CODES",
    "COMPETENCY_LEVELS",
    "COMPLETING_RESULTS",
    "GRADES",
    "OPTIONAL",
    "POINTS",
    "RESULTS",
    "SUBJECT_CODES",
    "SUBJECT_LEVELS",
    "IncompleteAssessment",
    "RuleError",
    "can_reassess",
    "check_commendation",
    "check_level",
    "check_result",
    "check_score",
    "completes_grade",
    "completes_primary",
    "compulsory_subjects",
    "effective_result",
    "is_optional",
    "level_score_findings",
    "point_label",
    "proposed_commendation",
    "subject_grades",
    "tested_points",
    "year_result",
]

GRADES = (1, 2, 3, 4, 5)

# Rating scales (Art. 7). 't' means different things on the two scales: keep them apart.
SUBJECT_LEVELS = ("t", "h", "c")  # Hoàn thành tốt / Hoàn thành / Chưa hoàn thành
COMPETENCY_LEVELS = ("t", "d", "c")  # Tốt / Đạt / Cần cố gắng
RESULTS = ("htxs", "htt", "ht", "cht")  # year-end result (Art. 9 cl. 2)
COMPLETING_RESULTS = ("htxs", "htt", "ht")  # Art. 11: the pupil completes the grade
POINTS = ("gk1", "ck1", "gk2", "cn")  # giữa HK I, cuối HK I, giữa HK II, cuối năm
COMMENDATIONS = ("xuat_sac", "tieu_bieu")  # Art. 13

# 5 qualities, 3 general competencies, 7 specific competencies (15 ratings per point).
COMPETENCY_CODES = (
    "yeu_nuoc",
    "nhan_ai",
    "cham_chi",
    "trung_thuc",
    "trach_nhiem",
    "tu_chu_tu_hoc",
    "giao_tiep_hop_tac",
    "giai_quyet_van_de",
    "ngon_ngu",
    "tinh_toan",
    "khoa_hoc",
    "cong_nghe",
    "tin_hoc",
    "tham_mi",
    "the_chat",
)

# Subjects and activities of the 2018 programme, with the grades where each is taught (domain.md 3.2).
_SUBJECT_GRADES = {
    "tieng_viet": GRADES,
    "toan": GRADES,
    "ngoai_ngu_1": GRADES,  # optional in grades 1-2
    "dao_duc": GRADES,
    "tu_nhien_xa_hoi": (1, 2, 3),
    "lich_su_dia_li": (4, 5),
    "khoa_hoc": (4, 5),
    "tin_hoc_cong_nghe": (3, 4, 5),
    "giao_duc_the_chat": GRADES,
    "am_nhac": GRADES,
    "mi_thuat": GRADES,
    "hoat_dong_trai_nghiem": GRADES,
    "tieng_dan_toc": GRADES,  # optional everywhere
}
SUBJECT_CODES = tuple(_SUBJECT_GRADES)

# (subject, grade) pairs that a school may or may not teach.
OPTIONAL = frozenset({("ngoai_ngu_1", 1), ("ngoai_ngu_1", 2)} | {("tieng_dan_toc", g) for g in GRADES})

_TWO_TESTS = ("ck1", "cn")
_FOUR_TESTS = POINTS


def _point_labels():
    return {
        "gk1": _lt("mid-term, semester I"),
        "ck1": _lt("end of semester I"),
        "gk2": _lt("mid-term, semester II"),
        "cn": _lt("end of year"),
    }


def point_label(point):
    """Lazy, translatable English label of an assessment point code (``'cn'`` -> "end of year")."""
    labels = _point_labels()
    if point not in labels:
        raise ValueError(f"unknown assessment point {point!r}")
    return labels[point]


def subject_grades(subject_code):
    """Grades (tuple of ints) in which ``subject_code`` is taught, optional grades included."""
    return _SUBJECT_GRADES.get(subject_code, ())


def is_optional(subject_code, grade):
    """True when the subject is optional in that grade (ngoai_ngu_1 in grades 1-2, tieng_dan_toc)."""
    return (subject_code, grade) in OPTIONAL


def compulsory_subjects(grade):
    """Codes of the subjects every pupil of ``grade`` is rated on, in catalogue order."""
    return tuple(
        code for code in SUBJECT_CODES if grade in subject_grades(code) and not is_optional(code, grade)
    )


def tested_points(subject_code, grade):
    """Default periodic-test schedule of TT 27 Art. 7 for a subject in a grade (tuple of POINTS codes).

    Tiếng Việt and Toán: end of semester I and end of year, plus both mid-terms in grades 4-5.
    Ngoại ngữ 1 (grades 3-5), Lịch sử và Địa lí, Khoa học, Tin học và Công nghệ: end of semester I
    and end of year. Everything else, optional subjects and grades where the subject is not taught: none.
    """
    if grade not in subject_grades(subject_code) or is_optional(subject_code, grade):
        return ()
    if subject_code in ("tieng_viet", "toan"):
        return _FOUR_TESTS if grade >= 4 else _TWO_TESTS
    if subject_code in ("ngoai_ngu_1", "lich_su_dia_li", "khoa_hoc", "tin_hoc_cong_nghe"):
        return _TWO_TESTS
    return ()


# ---------------------------------------------------------------------------------------------
# Levels and scores
# ---------------------------------------------------------------------------------------------

def _is_empty(value):
    return value is None or value is False or (isinstance(value, str) and not value.strip())


def check_level(value, scale):
    """Normalise a rating to its code on ``scale`` (``'subject'`` or ``'competency'``).

    Case-insensitive; the competency level Đạt may be written ``Đ``/``đ``/``D``. Returns False when
    empty, raises ``RuleError('level_scale')`` when the value is not on the scale.
    """
    if scale not in ("subject", "competency"):
        raise ValueError(f"unknown rating scale {scale!r}")
    if _is_empty(value):
        return False
    code = str(value).strip().lower()
    if scale == "subject":
        if code == "cht":  # one product writes Chưa hoàn thành as CHT
            code = "c"
        if code in SUBJECT_LEVELS:
            return code
        raise RuleError(
            _lt(
                "“%(value)s” is not a subject rating: use T (Completed well), H (Completed) or C (Not completed).",
                value=value,
            ),
            code="level_scale",
        )
    if code == "đ":
        code = "d"
    if code in COMPETENCY_LEVELS:
        return code
    raise RuleError(
        _lt(
            "“%(value)s” is not a quality or competency rating: use T (Good), Đ (Satisfactory) or C (Needs effort).",
            value=value,
        ),
        code="level_scale",
    )


def _parse_whole_number(value):
    """Return ``value`` as an int when it is a whole number, else None (bools are never numbers)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if math.isfinite(value) and value.is_integer() else None
    if isinstance(value, str):
        text = value.strip()
        try:
            return int(text)
        except ValueError:
            pass
        try:
            number = float(text)
        except ValueError:
            return None
        return int(number) if math.isfinite(number) and number.is_integer() else None
    return None


def check_score(value, tested, subject_name, point):
    """Validate a periodic-test score; return it as an int, or False when empty.

    :param tested: whether the subject has a periodic test at ``point`` (see :func:`tested_points`)
    :param subject_name: subject name used in the messages
    :param point: one of :data:`POINTS`
    """
    if _is_empty(value):
        return False
    if not tested:
        raise RuleError(
            _lt(
                "%(subject)s has no periodic test at this point (%(point)s): leave the score empty.",
                subject=subject_name,
                point=point_label(point),
            ),
            code="score_not_tested",
        )
    score = _parse_whole_number(value)
    if score is None:
        raise RuleError(
            _lt(
                "The %(subject)s test score (%(point)s) must be a whole number from 0 to 10 (got “%(value)s”).",
                subject=subject_name,
                point=point_label(point),
                value=value,
            ),
            code="score_integer",
        )
    if not 0 <= score <= 10:
        raise RuleError(
            _lt(
                "The %(subject)s test score (%(point)s) must be between 0 and 10 (got %(value)s).",
                subject=subject_name,
                point=point_label(point),
                value=score,
            ),
            code="score_range",
        )
    return score


def level_score_findings(level, score):
    """Consistency hints between a subject level and its test score (TT 27: a retest may be set when
    the score is out of line with continuous assessment). Returns a list of short codes:

    * ``'level_high_score_failing'``: rated T (Completed well) but scored below 5;
    * ``'level_low_score_good'``: rated C (Not completed) but scored 7 or more.
    """
    level = check_level(level, "subject")
    if not level or score is None or score is False:
        return []
    findings = []
    if level == "t" and score < 5:
        findings.append("level_high_score_failing")
    if level == "c" and score >= 7:
        findings.append("level_low_score_good")
    return findings


# ---------------------------------------------------------------------------------------------
# Year-end result (Art. 9 cl. 2)
# ---------------------------------------------------------------------------------------------

class IncompleteAssessment(RuleError):
    """The year-end result cannot be computed yet.

    ``missing`` lists what is missing as ``(kind, code)`` tuples, kind being ``'subject'`` (a subject
    rating), ``'competency'`` (a quality/competency rating) or ``'score'`` (an end-of-year test score).
    The kind is needed because ``khoa_hoc`` is both a subject and a competency code.
    """

    def __init__(self, message, missing=(), code="incomplete"):
        super().__init__(message, code=code)
        self.missing = list(missing)


def check_result(value):
    """Normalise a year-end result code (case-insensitive); False when empty."""
    if _is_empty(value):
        return False
    code = str(value).strip().lower()
    if code not in RESULTS:
        raise RuleError(
            _lt("“%(value)s” is not a year-end result: use HTXS, HTT, HT or CHT.", value=value),
            code="result_code",
        )
    return code


def year_result(subject_levels, competency_levels, end_year_scores):
    """Year-end result of a pupil (TT 27 Art. 9 cl. 2).

    :param subject_levels: ``{subject_code: level}`` for every subject/activity of the pupil
    :param competency_levels: ``{competency_code: level}`` for every quality and competency
    :param end_year_scores: ``{subject_code: score}`` for exactly the subjects with an end-of-year
        test; a key with ``None`` is a missing score
    :returns: ``'htxs'``, ``'htt'``, ``'ht'`` or ``'cht'``
    :raises IncompleteAssessment: when a rating or required score is missing
    :raises RuleError: when a value is not on its scale
    """
    if not subject_levels:
        raise IncompleteAssessment(
            _lt("Cannot compute the year-end result: no subject has been rated."), missing=[("subject", None)]
        )
    if not competency_levels:
        raise IncompleteAssessment(
            _lt("Cannot compute the year-end result: no quality or competency has been rated."),
            missing=[("competency", None)],
        )
    subjects = {code: check_level(level, "subject") for code, level in subject_levels.items()}
    competencies = {code: check_level(level, "competency") for code, level in competency_levels.items()}
    scores = {}
    for code, value in (end_year_scores or {}).items():
        scores[code] = check_score(value, True, code, "cn")

    missing = [("subject", code) for code, level in subjects.items() if not level]
    missing += [("competency", code) for code, level in competencies.items() if not level]
    missing += [("score", code) for code, score in scores.items() if score is False]
    if missing:
        def listed(kind):
            return ", ".join(code for k, code in missing if k == kind) or "-"

        raise IncompleteAssessment(
            _lt(
                "Cannot compute the year-end result while ratings or scores are missing. Missing subject "
                "ratings: %(subjects)s. Missing quality and competency ratings: %(competencies)s. Missing "
                "end-of-year test scores: %(scores)s.",
                subjects=listed("subject"),
                competencies=listed("competency"),
                scores=listed("score"),
            ),
            missing=missing,
        )

    subject_values = set(subjects.values())
    competency_values = set(competencies.values())
    lowest = min(scores.values(), default=10)
    all_top = subject_values == {"t"} and competency_values == {"t"}
    if all_top and lowest >= 9:
        return "htxs"
    if all_top and lowest >= 7:
        return "htt"
    if subject_values <= {"t", "h"} and competency_values <= {"t", "d"} and lowest >= 5:
        return "ht"
    return "cht"


# ---------------------------------------------------------------------------------------------
# Completion, re-assessment (Art. 11) and commendation (Art. 13)
# ---------------------------------------------------------------------------------------------

def completes_grade(result):
    """True when the year-end result means the pupil completes the grade (HTXS, HTT or HT)."""
    return check_result(result) in COMPLETING_RESULTS


def completes_primary(grade, result):
    """True when a grade-5 pupil completes the grade, hence the primary programme."""
    return grade == 5 and completes_grade(result)


def can_reassess(first_result):
    """Only a pupil who did not complete (CHT) gets the additional (summer) re-assessment."""
    return check_result(first_result) == "cht"


def effective_result(first_result, reassessed_result):
    """The result that counts: the re-assessment result when there is one, else the first result.

    The first result is kept unchanged on the record; this only says which one applies.
    """
    return check_result(reassessed_result) or check_result(first_result)


def proposed_commendation(result):
    """Commendation the software may propose from the result: Xuất sắc for HTXS, else False.

    Tiêu biểu is never proposed: it needs a nomination approved by the class.
    """
    return "xuat_sac" if check_result(result) == "htxs" else False


def check_commendation(result, commendation):
    """Raise ``RuleError('commendation')`` when the commendation does not fit the year-end result."""
    if _is_empty(commendation):
        return
    result = check_result(result)
    if commendation == "xuat_sac":
        if result != "htxs":
            raise RuleError(
                _lt(
                    "The “Outstanding pupil” (Học sinh Xuất sắc) commendation is only for pupils whose "
                    "year-end result is Completed excellently (HTXS)."
                ),
                code="commendation",
            )
    elif commendation == "tieu_bieu":
        if result != "htt":
            raise RuleError(
                _lt(
                    "The “Exemplary pupil” (Học sinh Tiêu biểu) commendation is only for pupils whose "
                    "year-end result is Completed well (HTT)."
                ),
                code="commendation",
            )
    else:
        raise RuleError(
            _lt("“%(value)s” is not a known commendation.", value=commendation), code="commendation"
        )
