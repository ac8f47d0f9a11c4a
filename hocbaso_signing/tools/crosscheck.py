"""Consistency checks of a year page before it is locked (pure Python, no ORM).

Run before the homeroom teacher signs and again at the check step; any blocking finding stops signing
(``cascade.DocumentContext.blocking_findings``). Input is the year-page snapshot of
docs/signing-contract.md ("Year page keys").

==========================  ========  ================================================================
code                        severity  when
==========================  ========  ================================================================
level_missing               blocking  a compulsory subject or one of the 15 qualities/competencies is
                                      absent, or its level is empty at a required point
level_invalid               blocking  a level is not on its scale (T/H/C for subjects, T/Đ/C otherwise)
score_missing               blocking  no score at a point where the subject has a periodic test
score_untested              blocking  a score at a point where the subject has no periodic test
score_invalid               blocking  a score that is not a whole number from 0 to 10
level_score_inconsistent    warning   level T with a score below 5, or level C with a score of 7 or
                                      more at the same point (``tt27.level_score_findings``)
result_mismatch             blocking  the recorded result is empty or differs from TT 27 Art. 9; a
                                      re-assessment result on a pupil who was not CHT; a final result
                                      that is not the effective one
completion_mismatch         blocking  ``completed_grade`` / ``completed_primary`` do not follow from
                                      the final result
commendation_mismatch       blocking  ``tt27.check_commendation(result, commendation)`` fails
comment_missing             warning   empty homeroom comment; a subject or competency rated C at the
                                      end of year without a comment
identity                    blocking  no personal ID, an ID inconsistent with the pupil's data, or an
                                      ID check state ``mismatch`` / ``not_found``
identity                    warning   ID check state ``unchecked`` / ``valid_format`` (or not given):
                                      not yet matched with the population database
==========================  ========  ================================================================

The result, completion and commendation checks are skipped while a level or end-of-year score needed
by the TT 27 rule is missing or invalid (those are already blocking findings).
"""

import datetime
from dataclasses import dataclass

from odoo.addons.hocbaso_core.tools import personal_id as pid
from odoo.addons.hocbaso_core.tools import tt27
from odoo.addons.hocbaso_core.tools.errors import RuleError
from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__, default_lang="en_US")

__all__ = ["BLOCKING", "CODES", "WARNING", "Finding", "blocking", "findings", "has_blocking"]

BLOCKING = "blocking"
WARNING = "warning"
CODES = (
    "level_missing",
    "level_invalid",
    "score_missing",
    "score_untested",
    "score_invalid",
    "level_score_inconsistent",
    "result_mismatch",
    "completion_mismatch",
    "commendation_mismatch",
    "comment_missing",
    "identity",
)


@dataclass(frozen=True)
class Finding:
    """One problem on a year page.

    :param subject: the subject or competency code concerned (see ``kind``), None for the whole page
    :param point: assessment point code (``'gk1'``, ``'ck1'``, ``'gk2'``, ``'cn'``) or None
    :param message: lazy translatable English message
    :param kind: ``'subject'``, ``'competency'`` or None (``khoa_hoc`` is both a subject and a competency)
    """

    code: str
    severity: str
    subject: str | None
    point: str | None
    message: object
    kind: str | None = None

    @property
    def blocking(self):
        return self.severity == BLOCKING


def has_blocking(found):
    """True when any finding is blocking."""
    return any(f.severity == BLOCKING for f in found)


def blocking(found):
    """The blocking findings only (their count goes to ``DocumentContext.blocking_findings``)."""
    return [f for f in found if f.severity == BLOCKING]


def _empty(value):
    return value is None or value is False or (isinstance(value, str) and not value.strip())


def _level(value, scale):
    """(code or False, valid)."""
    try:
        return tt27.check_level(value, scale), True
    except RuleError:
        return False, False


def _label(point):
    return tt27.point_label(point)


def findings(snapshot, tested_points=None, id_check_state=None, required_points=tt27.POINTS):
    """Cross-check a year-page snapshot; return a list of :class:`Finding` (page order).

    :param tested_points: ``{subject_code: tuple of points}`` overriding the TT 27 default test schedule
        (``tt27.tested_points(code, grade)``) for the subjects it names (school catalogue)
    :param id_check_state: the pupil's ID check state (``unchecked``, ``valid_format``, ``matched``,
        ``mismatch``, ``not_found``); None is treated as not matched yet
    :param required_points: points whose levels (and scores, where tested) must be present; all four
        by default, the year page being checked at the end of the year
    """
    tested_points = tested_points or {}
    grade = (snapshot.get("class") or {}).get("grade")
    out = []

    def add(code, severity, message, subject=None, point=None, kind=None):
        out.append(Finding(code, severity, subject, point, message, kind))

    # --- subjects --------------------------------------------------------------------------
    subjects = snapshot.get("subjects") or []
    present = {s.get("code") for s in subjects}
    for code in tt27.compulsory_subjects(grade) if grade in tt27.GRADES else ():
        if code not in present:
            add("level_missing", BLOCKING, _lt("The subject %(subject)s is missing from the page.", subject=code),
                code, None, "subject")

    subject_cn, scores_cn, computable = {}, {}, True
    for subject in subjects:
        code = subject.get("code")
        name = subject.get("name") or code
        levels = subject.get("levels") or {}
        scores = subject.get("scores") or {}
        tested = tuple(tested_points[code]) if code in tested_points else tt27.tested_points(code, grade)
        valid_levels = {}
        for point in tt27.POINTS:
            value = levels.get(point)
            level, valid = _level(value, "subject")
            if not valid:
                add("level_invalid", BLOCKING,
                    _lt("%(subject)s: “%(value)s” is not a subject rating (%(point)s).",
                        subject=name, value=value, point=_label(point)), code, point, "subject")
                if point == "cn":
                    computable = False
            elif level:
                valid_levels[point] = level
            elif point in required_points:
                add("level_missing", BLOCKING,
                    _lt("%(subject)s: the rating is missing (%(point)s).", subject=name, point=_label(point)),
                    code, point, "subject")
                if point == "cn":
                    computable = False
        subject_cn[code] = valid_levels.get("cn")

        for point in tt27.POINTS:
            value = scores.get(point)
            if _empty(value):
                if point in tested and point in required_points:
                    add("score_missing", BLOCKING,
                        _lt("%(subject)s: the test score is missing (%(point)s).", subject=name,
                            point=_label(point)), code, point, "subject")
                    if point == "cn":
                        computable = False
                continue
            try:
                score = tt27.check_score(value, point in tested, name, point)
            except RuleError as err:
                if err.code == "score_not_tested":
                    add("score_untested", BLOCKING, err.message, code, point, "subject")
                else:
                    add("score_invalid", BLOCKING, err.message, code, point, "subject")
                    if point == "cn":
                        computable = False
                continue
            if point == "cn":
                scores_cn[code] = score
            if point in valid_levels:
                hints = tt27.level_score_findings(valid_levels[point], score)
                if "level_high_score_failing" in hints:
                    add("level_score_inconsistent", WARNING,
                        _lt("%(subject)s: rated Completed well (T) but the test score is %(score)s (%(point)s): "
                            "check the rating or set a retest.", subject=name, score=score, point=_label(point)),
                        code, point, "subject")
                if "level_low_score_good" in hints:
                    add("level_score_inconsistent", WARNING,
                        _lt("%(subject)s: rated Not completed (C) but the test score is %(score)s (%(point)s): "
                            "check the rating.", subject=name, score=score, point=_label(point)),
                        code, point, "subject")
        if "cn" in tested and code not in scores_cn:
            computable = False  # missing (already reported, possibly outside required_points) or invalid
        if valid_levels.get("cn") == "c" and _empty(subject.get("comment")):
            add("comment_missing", WARNING,
                _lt("%(subject)s: rated Not completed (C) at the end of the year without a comment.", subject=name),
                code, None, "subject")

    # --- qualities and competencies ----------------------------------------------------------
    competencies = snapshot.get("competencies") or []
    present = {c.get("code") for c in competencies}
    for code in tt27.COMPETENCY_CODES:
        if code not in present:
            add("level_missing", BLOCKING,
                _lt("The quality or competency %(competency)s is missing from the page.", competency=code),
                code, None, "competency")
            computable = False
    competency_cn = {}
    for competency in competencies:
        code = competency.get("code")
        name = competency.get("name") or code
        levels = competency.get("levels") or {}
        for point in tt27.POINTS:
            value = levels.get(point)
            level, valid = _level(value, "competency")
            if not valid:
                add("level_invalid", BLOCKING,
                    _lt("%(competency)s: “%(value)s” is not a quality or competency rating (%(point)s).",
                        competency=name, value=value, point=_label(point)), code, point, "competency")
                if point == "cn":
                    computable = False
            elif level:
                if point == "cn":
                    competency_cn[code] = level
            elif point in required_points:
                add("level_missing", BLOCKING,
                    _lt("%(competency)s: the rating is missing (%(point)s).", competency=name, point=_label(point)),
                    code, point, "competency")
                if point == "cn":
                    computable = False
        if competency_cn.get(code) == "c" and _empty(competency.get("comment")):
            add("comment_missing", WARNING,
                _lt("%(competency)s: rated Needs effort (C) at the end of the year without a comment.",
                    competency=name), code, None, "competency")
    if any(level is None for level in subject_cn.values()) or not subject_cn or not competency_cn:
        computable = False

    # --- result, completion, commendation -----------------------------------------------------
    if computable:
        _check_result(snapshot, grade, subject_cn, competency_cn, scores_cn, add)

    if _empty(snapshot.get("homeroom_comment")):
        add("comment_missing", WARNING, _lt("The homeroom teacher's comment is empty."))

    _check_identity(snapshot.get("student") or {}, id_check_state, add)
    return out


def _result_name(code):
    return (code or "-").upper()


def _check_result(snapshot, grade, subject_cn, competency_cn, scores_cn, add):
    expected = tt27.year_result(subject_cn, competency_cn, scores_cn)
    try:
        result = tt27.check_result(snapshot.get("result"))
        reassessed = tt27.check_result(snapshot.get("reassessment_result"))
        final = tt27.check_result(snapshot.get("final_result"))
    except RuleError as err:
        add("result_mismatch", BLOCKING, err.message)
        return
    if not result:
        add("result_mismatch", BLOCKING,
            _lt("The year-end result is not recorded; the ratings and scores give %(expected)s.",
                expected=_result_name(expected)))
        return
    if result != expected:
        add("result_mismatch", BLOCKING,
            _lt("The year-end result is %(result)s but the ratings and scores give %(expected)s (TT 27 Art. 9).",
                result=_result_name(result), expected=_result_name(expected)))
    if reassessed and result != "cht":
        add("result_mismatch", BLOCKING,
            _lt("A re-assessment result is recorded although the first result is %(result)s: only a pupil "
                "who did not complete (CHT) is re-assessed.", result=_result_name(result)))
    effective = tt27.effective_result(result, reassessed)
    if final and final != effective:
        add("result_mismatch", BLOCKING,
            _lt("The final result is %(final)s but should be %(effective)s.",
                final=_result_name(final), effective=_result_name(effective)))

    completes = tt27.completes_grade(effective)
    if "completed_grade" in snapshot and bool(snapshot.get("completed_grade")) != completes:
        add("completion_mismatch", BLOCKING,
            _lt("“Completed the grade” is %(value)s but the final result %(result)s says %(expected)s.",
                value=_yes_no(snapshot.get("completed_grade")), result=_result_name(effective),
                expected=_yes_no(completes)))
    primary = tt27.completes_primary(grade, effective)
    if "completed_primary" in snapshot and bool(snapshot.get("completed_primary")) != primary:
        add("completion_mismatch", BLOCKING,
            _lt("“Completed the primary programme” is %(value)s but should be %(expected)s (grade %(grade)s, "
                "final result %(result)s).", value=_yes_no(snapshot.get("completed_primary")),
                expected=_yes_no(primary), grade=grade, result=_result_name(effective)))

    try:
        tt27.check_commendation(result, snapshot.get("commendation"))
    except RuleError as err:
        add("commendation_mismatch", BLOCKING, err.message)


def _yes_no(value):
    return _lt("yes") if value else _lt("no")


def _check_identity(student, id_check_state, add):
    number = student.get("personal_id")
    if _empty(number):
        add("identity", BLOCKING, _lt("The pupil has no personal ID."))
        return
    birthdate = student.get("birthdate")
    if isinstance(birthdate, str):
        try:
            birthdate = datetime.date.fromisoformat(birthdate)
        except ValueError:
            birthdate = None
    try:
        pid.validate(number, birthdate=birthdate, gender=student.get("gender"))
    except RuleError as err:
        add("identity", BLOCKING, err.message)
        return
    if id_check_state in ("mismatch", "not_found"):
        if id_check_state == "mismatch":
            message = _lt("The pupil's personal ID does not match the population database.")
        else:
            message = _lt("The pupil's personal ID was not found in the population database.")
        add("identity", BLOCKING, message)
    elif id_check_state != "matched":
        add("identity", WARNING,
            _lt("The pupil's personal ID has not been matched with the population database yet."))
