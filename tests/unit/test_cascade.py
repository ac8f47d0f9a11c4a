"""Approval cascade of the year page and the subject sheet (hocbaso_signing.tools.cascade)."""

import pytest

from odoo.addons.hocbaso_core.tools.errors import RuleError
from odoo.addons.hocbaso_signing.tools import cascade
from odoo.addons.hocbaso_signing.tools.cascade import Actor, DocumentContext

HOMEROOM, TEACHER, LEADER, VICE, PRINCIPAL, CLERK, ADMIN, OTHER_TEACHER = 1, 2, 3, 4, 5, 6, 7, 8

ACTORS = {
    "homeroom": Actor(10, {"homeroom_teacher", "subject_teacher"}, HOMEROOM),
    "other_homeroom": Actor(18, {"homeroom_teacher", "subject_teacher"}, OTHER_TEACHER),
    "teacher": Actor(11, {"subject_teacher"}, TEACHER),
    "leader": Actor(12, {"team_leader", "subject_teacher"}, LEADER),
    "vice": Actor(13, {"vice_principal"}, VICE),
    "delegate": Actor(13, {"vice_principal"}, VICE, is_principal_delegate=True),
    "principal": Actor(14, {"principal"}, PRINCIPAL, holds_seal=True),
    "principal_no_seal": Actor(14, {"principal"}, PRINCIPAL),
    "clerk": Actor(15, {"clerk"}, CLERK, holds_seal=True),
    "clerk_no_seal": Actor(15, {"clerk"}, CLERK),
    "vice_seal": Actor(13, {"vice_principal"}, VICE, holds_seal=True),
    "admin": Actor(16, {"it_admin"}, ADMIN, holds_seal=True),
    "other_principal": Actor(17, {"principal"}, 99, holds_seal=True),
}

PAGE_ACTIONS = ("mark_ready", "sign_homeroom", "check", "sign_principal", "seal")


def page(state, **kw):
    values = {
        "state": state, "homeroom_employee_id": HOMEROOM, "subject_teacher_employee_ids": {HOMEROOM, TEACHER},
        "principal_employee_id": PRINCIPAL, "sheets_all_signed": True, "blocking_findings": 0,
        "seal_holder_position": "principal", "class_name": "3A",
    }
    values.update(kw)
    return DocumentContext(**values)


def sheet(state="draft", teachers=(TEACHER,)):
    return DocumentContext(state=state, subject_teacher_employee_ids=set(teachers), document="subject_sheet",
                           homeroom_employee_id=HOMEROOM, principal_employee_id=PRINCIPAL)


def code_of(action, actor, ctx):
    with pytest.raises(RuleError) as info:
        cascade.assert_allowed(action, actor, ctx)
    return info.value.code


# ---------------------------------------------------------------------------------------------
# States and steps
# ---------------------------------------------------------------------------------------------

def test_states_and_steps_form_a_chain():
    assert cascade.PAGE_STATES == ("draft", "ready", "homeroom_signed", "checked", "principal_signed", "issued")
    assert cascade.SHEET_STATES == ("draft", "signed")
    chain = [cascade.STEPS[a] for a in PAGE_ACTIONS]
    assert [s.from_state for s in chain] == list(cascade.PAGE_STATES[:-1])
    assert [s.to_state for s in chain] == list(cascade.PAGE_STATES[1:])
    assert [s.role for s in chain] == ["homeroom_teacher", "homeroom_teacher", "reviewer", "principal", "school_seal"]
    assert cascade.STEPS["sign_subject"].from_state == "draft"
    assert cascade.STEPS["sign_subject"].to_state == "signed"


@pytest.mark.parametrize("action", PAGE_ACTIONS)
def test_next_state(action):
    step = cascade.STEPS[action]
    assert cascade.next_state(step.from_state, action) == step.to_state
    wrong = next(s for s in cascade.PAGE_STATES if s != step.from_state and s != "issued")
    with pytest.raises(RuleError) as info:
        cascade.next_state(wrong, action)
    assert info.value.code == "action_state"
    with pytest.raises(RuleError) as info:
        cascade.next_state("issued", action)
    assert info.value.code == "issued_final"


def test_unknown_action_and_values():
    with pytest.raises(ValueError):
        cascade.next_state("draft", "approve")
    with pytest.raises(ValueError):
        cascade.allowed("approve", ACTORS["principal"], page("draft"))
    with pytest.raises(ValueError):
        Actor(1, {"janitor"}, 1)
    with pytest.raises(ValueError):
        page("signed")
    with pytest.raises(ValueError):
        page("draft", seal_holder_position="janitor")
    with pytest.raises(ValueError):  # a page action on a sheet context
        cascade.allowed("mark_ready", ACTORS["homeroom"], sheet())


def test_state_labels():
    for state in cascade.PAGE_STATES + cascade.SHEET_STATES:
        assert str(cascade.state_label(state))
    with pytest.raises(ValueError):
        cascade.state_label("nope")


# ---------------------------------------------------------------------------------------------
# Who may act: full matrix per step
# ---------------------------------------------------------------------------------------------

EXPECTED = {
    # action: {actor: None (allowed) or refusal code}, seal holder = principal
    "mark_ready": {"homeroom": None, "other_homeroom": "not_homeroom", "teacher": "not_homeroom",
                   "leader": "not_homeroom", "vice": "not_homeroom", "delegate": "not_homeroom",
                   "principal": "not_homeroom", "clerk": "not_homeroom", "admin": "not_homeroom"},
    "sign_homeroom": {"homeroom": None, "other_homeroom": "not_homeroom", "teacher": "not_homeroom",
                      "leader": "not_homeroom", "vice": "not_homeroom", "delegate": "not_homeroom",
                      "principal": "not_homeroom", "clerk": "not_homeroom", "admin": "not_homeroom"},
    "check": {"homeroom": "not_reviewer", "other_homeroom": "not_reviewer", "teacher": "not_reviewer",
              "leader": None, "vice": None, "delegate": None, "principal": "not_reviewer",
              "clerk": "not_reviewer", "admin": "not_reviewer"},
    "sign_principal": {"homeroom": "not_principal", "teacher": "not_principal", "leader": "not_principal",
                       "vice": "not_delegate", "delegate": None, "principal": None,
                       "other_principal": "not_principal", "clerk": "not_principal", "admin": "not_principal"},
    "seal": {"homeroom": "not_seal_holder", "leader": "not_seal_holder", "vice_seal": "not_seal_holder",
             "delegate": "not_seal_holder", "principal": None, "principal_no_seal": "not_seal_holder",
             "other_principal": None, "clerk": "not_seal_holder", "admin": "not_seal_holder"},
}

MATRIX = [(action, actor, code) for action, row in EXPECTED.items() for actor, code in row.items()]


@pytest.mark.parametrize(("action", "actor", "code"), MATRIX)
def test_permission_matrix(action, actor, code):
    ctx = page(cascade.STEPS[action].from_state)
    ok, reason = cascade.allowed(action, ACTORS[actor], ctx)
    if code is None:
        assert ok and reason is None
        assert cascade.assert_allowed(action, ACTORS[actor], ctx) == cascade.STEPS[action].to_state
    else:
        assert not ok and str(reason)
        assert code_of(action, ACTORS[actor], ctx) == code


@pytest.mark.parametrize(
    ("position", "actor", "code"),
    [
        ("clerk", "clerk", None),
        ("clerk", "clerk_no_seal", "not_seal_holder"),
        ("clerk", "principal", "not_seal_holder"),
        ("vice_principal", "vice_seal", None),
        ("vice_principal", "vice", "not_seal_holder"),
        ("vice_principal", "clerk", "not_seal_holder"),
        ("principal", "principal", None),
        ("principal", "clerk", "not_seal_holder"),
    ],
)
def test_seal_holder_position(position, actor, code):
    ctx = page("principal_signed", seal_holder_position=position)
    ok, _reason = cascade.allowed("seal", ACTORS[actor], ctx)
    assert ok is (code is None)
    if code:
        assert code_of("seal", ACTORS[actor], ctx) == code
    else:
        assert cascade.assert_allowed("seal", ACTORS[actor], ctx) == "issued"


def test_messages():
    _ok, reason = cascade.allowed("sign_homeroom", ACTORS["teacher"], page("ready"))
    assert str(reason) == "Only the homeroom teacher of class 3A can sign this page."
    _ok, reason = cascade.allowed("mark_ready", ACTORS["teacher"], page("draft"))
    assert "class 3A can mark this page ready" in str(reason)
    _ok, reason = cascade.allowed("sign_homeroom", ACTORS["homeroom"], page("ready", sheets_all_signed=False))
    assert str(reason) == "The subject sheets of the class are not all signed yet."
    _ok, reason = cascade.allowed("sign_principal", ACTORS["principal"], page("homeroom_signed"))
    assert str(reason) == "The page must be checked before the principal signs."
    _ok, reason = cascade.allowed("sign_principal", ACTORS["vice"], page("checked"))
    assert str(reason) == "A vice principal signs for the principal only when configured as delegate."
    _ok, reason = cascade.allowed("check", ACTORS["leader"], page("homeroom_signed", blocking_findings=3))
    assert "3 blocking problem(s)" in str(reason)
    _ok, reason = cascade.allowed("seal", ACTORS["clerk"], page("principal_signed"))
    assert "(principal)" in str(reason)


def test_error_repr_carries_code():
    with pytest.raises(RuleError) as info:
        cascade.assert_allowed("sign_principal", ACTORS["vice"], page("checked"))
    assert info.value.code == "not_delegate"
    assert "delegate" in info.value.translate("en_US")


# ---------------------------------------------------------------------------------------------
# Preconditions
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("action", ["mark_ready", "sign_homeroom"])
def test_sheets_must_be_signed(action):
    ctx = page(cascade.STEPS[action].from_state, sheets_all_signed=False)
    assert code_of(action, ACTORS["homeroom"], ctx) == "sheets_unsigned"


@pytest.mark.parametrize(("action", "actor"), [("mark_ready", "homeroom"), ("sign_homeroom", "homeroom"),
                                               ("check", "leader"), ("check", "vice")])
def test_blocking_findings_stop_signing(action, actor):
    ctx = page(cascade.STEPS[action].from_state, blocking_findings=1)
    assert code_of(action, ACTORS[actor], ctx) == "blocking_findings"


@pytest.mark.parametrize(("action", "actor"), [("sign_principal", "principal"), ("seal", "principal")])
def test_later_steps_do_not_rerun_crosscheck(action, actor):
    ctx = page(cascade.STEPS[action].from_state, blocking_findings=2, sheets_all_signed=False)
    assert cascade.allowed(action, ACTORS[actor], ctx) == (True, None)


def test_reviewer_cannot_be_the_homeroom_teacher():
    leader_homeroom = Actor(10, {"homeroom_teacher", "team_leader"}, HOMEROOM)
    assert code_of("check", leader_homeroom, page("homeroom_signed")) == "reviewer_is_homeroom"
    # the same team leader checks another class
    assert cascade.allowed("check", leader_homeroom, page("homeroom_signed", homeroom_employee_id=42))[0]


def test_no_principal_configured():
    assert code_of("sign_principal", ACTORS["principal"], page("checked", principal_employee_id=None)) == \
        "no_principal"


def test_homeroom_without_employee_is_refused():
    no_employee = Actor(10, {"homeroom_teacher"}, None)
    assert code_of("sign_homeroom", no_employee, page("ready", homeroom_employee_id=None)) == "not_homeroom"


@pytest.mark.parametrize("action", PAGE_ACTIONS)
@pytest.mark.parametrize("state", cascade.PAGE_STATES)
def test_every_action_refused_in_every_other_state(action, state):
    step = cascade.STEPS[action]
    if state == step.from_state:
        return
    actor = {"mark_ready": "homeroom", "sign_homeroom": "homeroom", "check": "leader",
             "sign_principal": "principal", "seal": "principal"}[action]
    expected = "issued_final" if state == "issued" else "action_state"
    assert code_of(action, ACTORS[actor], page(state)) == expected


def test_full_walk_through():
    actors = ["homeroom", "homeroom", "vice", "delegate", "clerk"]
    state = "draft"
    for action, actor in zip(PAGE_ACTIONS, actors, strict=True):
        state = cascade.assert_allowed(action, ACTORS[actor], page(state, seal_holder_position="clerk"))
    assert state == "issued"


def test_acting_capacity_shows_delegate():
    ctx = page("checked")
    assert cascade.acting_capacity("sign_principal", ACTORS["principal"], ctx) == "principal"
    assert cascade.acting_capacity("sign_principal", ACTORS["delegate"], ctx) == "principal_delegate"
    assert cascade.acting_capacity("sign_homeroom", ACTORS["homeroom"], page("ready")) == "homeroom_teacher"


# ---------------------------------------------------------------------------------------------
# Subject sheet
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("actor", "code"),
    [("teacher", None), ("homeroom", "not_subject_teacher"), ("leader", "not_subject_teacher"),
     ("principal", "not_subject_teacher"), ("admin", "not_subject_teacher")],
)
def test_sign_subject_sheet(actor, code):
    ctx = sheet()
    if code is None:
        assert cascade.assert_allowed("sign_subject", ACTORS[actor], ctx) == "signed"
    else:
        assert code_of("sign_subject", ACTORS[actor], ctx) == code


def test_sign_subject_sheet_needs_role_and_assignment():
    assigned_without_role = Actor(19, {"homeroom_teacher"}, TEACHER)
    assert code_of("sign_subject", assigned_without_role, sheet()) == "not_subject_teacher"
    assert cascade.allowed("sign_subject", ACTORS["homeroom"], sheet(teachers=(HOMEROOM, TEACHER)))[0]
    assert code_of("sign_subject", ACTORS["teacher"], sheet("signed")) == "action_state"


# ---------------------------------------------------------------------------------------------
# Returns
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("state", "target", "roles"),
    [
        ("ready", "draft", []),
        ("homeroom_signed", "ready", ["homeroom_teacher"]),
        ("homeroom_signed", "draft", ["homeroom_teacher"]),
        ("checked", "homeroom_signed", []),
        ("checked", "ready", ["homeroom_teacher"]),
        ("principal_signed", "checked", ["principal"]),
        ("principal_signed", "homeroom_signed", ["principal"]),
        ("principal_signed", "ready", ["homeroom_teacher", "principal"]),
        ("principal_signed", "draft", ["homeroom_teacher", "principal"]),
    ],
)
def test_return_invalidates_signatures_between(state, target, roles):
    assert cascade.return_to(state, target, "Sai điểm Toán") == roles


def test_return_subject_sheet():
    assert cascade.return_to("signed", "draft", "wrong score") == ["subject_teacher"]
    with pytest.raises(RuleError) as info:
        cascade.return_to("draft", "draft", "x", document="subject_sheet")
    assert info.value.code == "return_target"


@pytest.mark.parametrize("reason", [None, "", "   ", False])
def test_return_needs_reason(reason):
    with pytest.raises(RuleError) as info:
        cascade.return_to("checked", "ready", reason)
    assert info.value.code == "return_reason"


@pytest.mark.parametrize(("state", "target"), [("ready", "ready"), ("ready", "checked"), ("draft", "draft"),
                                               ("checked", "signed"), ("checked", "nope")])
def test_return_target_must_be_earlier(state, target):
    with pytest.raises(RuleError) as info:
        cascade.return_to(state, target, "reason")
    assert info.value.code == "return_target"


def test_issued_cannot_be_returned():
    with pytest.raises(RuleError) as info:
        cascade.return_to("issued", "principal_signed", "reason")
    assert info.value.code == "issued_final"
    ok, reason = cascade.can_return(ACTORS["principal"], page("issued"), "draft")
    assert not ok and "correction" in str(reason)


def test_invalidated_steps():
    steps = cascade.invalidated_steps("principal_signed", "ready")
    assert [s.action for s in steps] == ["sign_homeroom", "check", "sign_principal"]


@pytest.mark.parametrize(
    ("state", "target", "actor", "ok"),
    [
        ("ready", "draft", "homeroom", True),          # signer of the next step sends back
        ("homeroom_signed", "ready", "leader", True),  # reviewer
        ("homeroom_signed", "ready", "homeroom", True),  # own signature
        ("checked", "ready", "principal", True),       # next signer
        ("checked", "ready", "delegate", True),
        ("checked", "ready", "vice", True),            # was a reviewer of the undone check
        ("checked", "ready", "teacher", False),
        ("checked", "ready", "admin", False),
        ("principal_signed", "checked", "principal", True),
        ("principal_signed", "checked", "clerk", False),  # seal holder is the principal here
        ("principal_signed", "draft", "homeroom", True),
        ("ready", "draft", "teacher", False),
    ],
)
def test_can_return(state, target, actor, ok):
    allowed, reason = cascade.can_return(ACTORS[actor], page(state), target)
    assert allowed is ok
    assert (reason is None) is ok


def test_can_return_seal_holder_and_sheet():
    assert cascade.can_return(ACTORS["clerk"], page("principal_signed", seal_holder_position="clerk"), "checked")[0]
    assert cascade.can_return(ACTORS["teacher"], sheet("signed"), "draft")[0]
    assert not cascade.can_return(ACTORS["teacher"], sheet("draft"), "draft")[0]
    assert not cascade.can_return(ACTORS["principal"], sheet("signed"), "draft")[0]


# ---------------------------------------------------------------------------------------------
# Locking and corrections
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("state", "locked"),
    [("draft", False), ("ready", False), ("homeroom_signed", True), ("checked", True),
     ("principal_signed", True), ("issued", True), ("signed", True)],
)
def test_locked_fields_state(state, locked):
    assert cascade.locked_fields_state(state) is locked


def test_locked_unknown_state():
    with pytest.raises(ValueError):
        cascade.locked_fields_state("archived")


def test_correction_version():
    assert cascade.correction_version("issued", 1, "wrong birth date") == 2
    assert cascade.correction_version("issued", 3, "x") == 4
    with pytest.raises(RuleError) as info:
        cascade.correction_version("principal_signed", 1, "x")
    assert info.value.code == "correction"
    with pytest.raises(RuleError) as info:
        cascade.correction_version("issued", 1, " ")
    assert info.value.code == "return_reason"


@pytest.mark.parametrize(("document", "role", "action"), [
    ("subject_sheet", "subject_teacher", "sign_subject"),
    ("year_page", "homeroom_teacher", "sign_homeroom"),
    ("year_page", "principal", "sign_principal"),
    ("year_page", "school_seal", "seal"),
    ("year_page", "subject_teacher", None),
    ("subject_sheet", "principal", None),
])
def test_signing_action_of_a_role(document, role, action):
    assert cascade.signing_action(document, role) == action


@pytest.mark.parametrize(("state", "action"), [
    ("draft", "sign_homeroom"),  # the homeroom teacher marks ready and signs in one go
    ("ready", "sign_homeroom"),
    ("homeroom_signed", "check"),
    ("checked", "sign_principal"),
    ("principal_signed", "seal"),
    ("issued", None),
])
def test_pending_action_of_a_page(state, action):
    assert cascade.pending_action(state) == action


def test_pending_action_of_a_sheet():
    assert cascade.pending_action("draft", "subject_sheet") == "sign_subject"
    assert cascade.pending_action("signed", "subject_sheet") is None
