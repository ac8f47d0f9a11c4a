"""Approval cascade of the học bạ: who may move a document to which state (pure Python, no ORM).

Two state machines. The class **subject sheet** (one per class and subject) is signed by the subject's
assigned teacher. The pupil's **year page** (transcript) goes through the homeroom teacher (GVCN), a
reviewer (team leader or vice principal), the principal and the school seal::

    subject sheet
    ==============  ===========  ==========  ===============  ===========================================
    action          from         to          performed as     who, precondition
    ==============  ===========  ==========  ===============  ===========================================
    sign_subject    draft        signed      subject_teacher  role subject_teacher and assigned to the
                                                              subject (employee in
                                                              ``subject_teacher_employee_ids``)
    ==============  ===========  ==========  ===============  ===========================================

    year page
    ==============  ================  ================  ================  =================================
    action          from              to                performed as      who, precondition
    ==============  ================  ================  ================  =================================
    mark_ready      draft             ready             homeroom_teacher  homeroom teacher of the class;
                                                                          all subject sheets signed, no
                                                                          blocking cross-check finding
    sign_homeroom   ready             homeroom_signed   homeroom_teacher  homeroom teacher of the class;
                                                                          same preconditions (signature)
    check           homeroom_signed   checked           reviewer          team_leader or vice_principal,
                                                                          not the class's homeroom
                                                                          teacher; no blocking finding
    sign_principal  checked           principal_signed  principal         the school's principal, or a
                                                                          vice_principal configured as
                                                                          delegate (signature "KT.")
    seal            principal_signed  issued            school_seal       holder of the seal certificate,
                                                                          in the configured position
                                                                          (principal, vice_principal,
                                                                          clerk)
    ==============  ================  ================  ================  =================================

``issued`` is final: nothing moves it back; a correction makes a new version (:func:`correction_version`)
and the issued version stays signed, marked superseded. Before that any reviewer or signer can send a
document back one or more steps with a mandatory reason (:func:`return_to`, :func:`can_return`); the
signatures of the undone steps are recorded as invalidated, never deleted. The data is locked as soon
as a signature is present (:func:`locked_fields_state`). A returned subject sheet does not move the year
pages on its own: the Odoo layer returns the affected pages to ``draft`` (their snapshot embeds the
sheet hashes).

``it_admin`` never signs. Refusals are :class:`RuleError` with these codes: ``action_state`` (wrong
state), ``issued_final``, ``not_subject_teacher``, ``not_homeroom``, ``not_reviewer``,
``reviewer_is_homeroom``, ``not_principal``, ``not_delegate``, ``no_principal``, ``not_seal_holder``,
``sheets_unsigned``, ``blocking_findings``, ``return_reason``, ``return_target``, ``return_actor``,
``correction``.
"""

from dataclasses import dataclass, field

from odoo.addons.hocbaso_core.tools.errors import RuleError
from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__, default_lang="en_US")

__all__ = [
    "ACTOR_ROLES",
    "PAGE_STATES",
    "SEAL_HOLDER_POSITIONS",
    "SHEET_STATES",
    "STATES",
    "STEPS",
    "Actor",
    "DocumentContext",
    "Step",
    "acting_capacity",
    "allowed",
    "assert_allowed",
    "can_return",
    "correction_version",
    "invalidated_steps",
    "locked_fields_state",
    "next_state",
    "pending_action",
    "return_to",
    "signing_action",
    "state_label",
]

PAGE_STATES = ("draft", "ready", "homeroom_signed", "checked", "principal_signed", "issued")
SHEET_STATES = ("draft", "signed")
STATES = {"year_page": PAGE_STATES, "subject_sheet": SHEET_STATES}

ACTOR_ROLES = frozenset(
    {"subject_teacher", "homeroom_teacher", "team_leader", "vice_principal", "principal", "clerk", "it_admin"}
)
SEAL_HOLDER_POSITIONS = ("principal", "vice_principal", "clerk")


@dataclass(frozen=True)
class Step:
    """One transition. ``role`` is the capacity the step is performed in; ``signature_role`` is the
    signer role of docs/signing-contract.md when the step puts a digital signature on the document
    (None for the ready mark and the review)."""

    action: str
    document: str  # 'year_page' | 'subject_sheet'
    from_state: str
    to_state: str
    role: str
    signature_role: str | None = None


STEPS = {
    "sign_subject": Step("sign_subject", "subject_sheet", "draft", "signed", "subject_teacher", "subject_teacher"),
    "mark_ready": Step("mark_ready", "year_page", "draft", "ready", "homeroom_teacher"),
    "sign_homeroom": Step("sign_homeroom", "year_page", "ready", "homeroom_signed", "homeroom_teacher",
                          "homeroom_teacher"),
    "check": Step("check", "year_page", "homeroom_signed", "checked", "reviewer"),
    "sign_principal": Step("sign_principal", "year_page", "checked", "principal_signed", "principal", "principal"),
    "seal": Step("seal", "year_page", "principal_signed", "issued", "school_seal", "school_seal"),
}



def signing_action(document, role):
    """The action by which signer ``role`` signs a ``document`` (``'year_page'`` / ``'subject_sheet'``), or
    None when that role does not sign that kind of document."""
    return next((s.action for s in STEPS.values() if s.document == document and s.signature_role == role), None)


def pending_action(state, document="year_page"):
    """The action a document in ``state`` waits for (None when it is final). The homeroom teacher marks a page
    ready and signs it in one go, so a page in data entry waits for ``sign_homeroom``."""
    step = next((s for s in STEPS.values() if s.document == document and s.from_state == state), None)
    if step is None:
        return None
    return "sign_homeroom" if step.action == "mark_ready" else step.action


_LOCKED = frozenset({"homeroom_signed", "checked", "principal_signed", "issued", "signed"})


@dataclass(frozen=True)
class Actor:
    """The user trying to act, described without the ORM.

    :param roles: subset of :data:`ACTOR_ROLES`
    :param employee_id: the user's employee id (None when the user has no employee)
    :param is_principal_delegate: the school configured this vice principal to sign for the principal
    :param holds_seal: the user holds the school's seal (organisation) certificate
    """

    user_id: int | None = None
    roles: frozenset = field(default_factory=frozenset)
    employee_id: int | None = None
    is_principal_delegate: bool = False
    holds_seal: bool = False

    def __post_init__(self):
        object.__setattr__(self, "roles", frozenset(self.roles or ()))
        unknown = self.roles - ACTOR_ROLES
        if unknown:
            raise ValueError(f"unknown actor roles {sorted(unknown)!r}")


@dataclass(frozen=True)
class DocumentContext:
    """What the records say about the document being acted on.

    For a subject sheet, ``subject_teacher_employee_ids`` are the teachers assigned to that subject in
    that class and ``document`` is ``'subject_sheet'``. ``blocking_findings`` is the number of blocking
    cross-check findings (``crosscheck.findings``) computed just before the action.
    """

    state: str
    homeroom_employee_id: int | None = None
    subject_teacher_employee_ids: frozenset = field(default_factory=frozenset)
    principal_employee_id: int | None = None
    sheets_all_signed: bool = False
    blocking_findings: int = 0
    seal_holder_position: str = "principal"
    document: str = "year_page"
    class_name: str = ""

    def __post_init__(self):
        object.__setattr__(self, "subject_teacher_employee_ids", frozenset(self.subject_teacher_employee_ids or ()))
        if self.document not in STATES:
            raise ValueError(f"unknown document kind {self.document!r}")
        if self.state not in STATES[self.document]:
            raise ValueError(f"unknown {self.document} state {self.state!r}")
        if self.seal_holder_position not in SEAL_HOLDER_POSITIONS:
            raise ValueError(f"unknown seal holder position {self.seal_holder_position!r}")


def _state_labels():
    return {
        "draft": _lt("Draft"),
        "ready": _lt("Ready to sign"),
        "homeroom_signed": _lt("Signed by the homeroom teacher"),
        "checked": _lt("Checked"),
        "principal_signed": _lt("Signed by the principal"),
        "issued": _lt("Issued"),
        "signed": _lt("Signed"),
    }


def state_label(state):
    """Lazy, translatable English label of a state code."""
    labels = _state_labels()
    if state not in labels:
        raise ValueError(f"unknown state {state!r}")
    return labels[state]


def _step(action):
    try:
        return STEPS[action]
    except KeyError:
        raise ValueError(f"unknown cascade action {action!r}") from None


def next_state(state, action):
    """State reached by ``action`` from ``state``; RuleError ``action_state`` when not possible there."""
    step = _step(action)
    if state != step.from_state:
        raise RuleError(_wrong_state(step, state), code="issued_final" if state == "issued" else "action_state")
    return step.to_state


def _wrong_state(step, state):
    if state == "issued":
        return _lt("The page is issued and can no longer change: make a correction (a new version) instead.")
    if step.action == "sign_principal":
        return _lt("The page must be checked before the principal signs.")
    if step.action == "seal":
        return _lt("The page must be signed by the principal before the school seal is applied.")
    if step.action == "check":
        return _lt("The page must be signed by the homeroom teacher before it is checked.")
    if step.action == "sign_homeroom":
        return _lt("The page must be ready (all subject sheets signed) before the homeroom teacher signs.")
    return _lt(
        "This action needs the document in state “%(expected)s”, but it is “%(state)s”.",
        expected=state_label(step.from_state),
        state=state_label(state),
    )


# ---------------------------------------------------------------------------------------------
# Who may act
# ---------------------------------------------------------------------------------------------

def _actor_fits(step, actor, ctx):
    """(code, message) when ``actor`` cannot perform ``step`` on this document whatever its state, else None."""
    if step.role == "subject_teacher":
        if "subject_teacher" not in actor.roles or actor.employee_id is None or (
            actor.employee_id not in ctx.subject_teacher_employee_ids
        ):
            return "not_subject_teacher", _lt("Only the teacher assigned to this subject can sign its sheet.")
        return None
    if step.role == "homeroom_teacher":
        if "homeroom_teacher" not in actor.roles or actor.employee_id is None or (
            actor.employee_id != ctx.homeroom_employee_id
        ):
            if step.action == "mark_ready":
                return "not_homeroom", _lt(
                    "Only the homeroom teacher of class %(klass)s can mark this page ready.", klass=ctx.class_name
                )
            return "not_homeroom", _lt(
                "Only the homeroom teacher of class %(klass)s can sign this page.", klass=ctx.class_name
            )
        return None
    if step.role == "reviewer":
        if not actor.roles & {"team_leader", "vice_principal"}:
            return "not_reviewer", _lt("Only a team leader or a vice principal can check this page.")
        if actor.employee_id is not None and actor.employee_id == ctx.homeroom_employee_id:
            return "reviewer_is_homeroom", _lt(
                "The homeroom teacher who signed the page cannot also check it: another reviewer must do it."
            )
        return None
    if step.role == "principal":
        if ctx.principal_employee_id is None:
            return "no_principal", _lt("The school has no principal configured.")
        if "principal" in actor.roles and actor.employee_id == ctx.principal_employee_id:
            return None
        if "vice_principal" in actor.roles:
            if actor.is_principal_delegate:
                return None
            return "not_delegate", _lt(
                "A vice principal signs for the principal only when configured as delegate."
            )
        return "not_principal", _lt("Only the principal of the school (or the configured delegate) can sign here.")
    if step.role == "school_seal":
        if not actor.holds_seal or ctx.seal_holder_position not in actor.roles:
            return "not_seal_holder", _lt(
                "Only the holder of the school's seal certificate (%(position)s) can apply the school seal.",
                position=_position_label(ctx.seal_holder_position),
            )
        return None
    raise ValueError(f"unknown step role {step.role!r}")  # pragma: no cover


def _position_label(position):
    return {
        "principal": _lt("principal"),
        "vice_principal": _lt("vice principal"),
        "clerk": _lt("clerk"),
    }[position]


def _refusal(action, actor, ctx):
    step = _step(action)
    if step.document != ctx.document:
        raise ValueError(f"action {action!r} applies to a {step.document}, not a {ctx.document}")
    if ctx.state != step.from_state:
        return ("issued_final" if ctx.state == "issued" else "action_state"), _wrong_state(step, ctx.state)
    refused = _actor_fits(step, actor, ctx)
    if refused:
        return refused
    if action in ("mark_ready", "sign_homeroom") and not ctx.sheets_all_signed:
        return "sheets_unsigned", _lt("The subject sheets of the class are not all signed yet.")
    if action in ("mark_ready", "sign_homeroom", "check") and ctx.blocking_findings:
        return "blocking_findings", _lt(
            "The cross-check found %(count)s blocking problem(s) on this page: correct them before signing.",
            count=ctx.blocking_findings,
        )
    return None


def allowed(action, actor, ctx):
    """``(True, None)`` when ``actor`` may perform ``action`` on the document, else ``(False, reason)``
    with ``reason`` a lazy translatable message. Unknown actions raise ValueError."""
    refused = _refusal(action, actor, ctx)
    if refused:
        return False, refused[1]
    return True, None


def assert_allowed(action, actor, ctx):
    """Return the state reached by ``action``; raise :class:`RuleError` (with a code) when refused."""
    refused = _refusal(action, actor, ctx)
    if refused:
        code, message = refused
        raise RuleError(message, code=code)
    return STEPS[action].to_state


def acting_capacity(action, actor, ctx):
    """How the signature is shown: ``'principal_delegate'`` when a vice principal signs for the principal
    (the document shows "KT. Hiệu trưởng"), else the step's role. Call after :func:`assert_allowed`."""
    step = _step(action)
    if step.role == "principal" and not (
        "principal" in actor.roles and actor.employee_id == ctx.principal_employee_id
    ):
        return "principal_delegate"
    return step.role


# ---------------------------------------------------------------------------------------------
# Returns, locking, corrections
# ---------------------------------------------------------------------------------------------

def _document_of(state, document):
    if document is None:
        document = "subject_sheet" if state == "signed" else "year_page"
    if document not in STATES:
        raise ValueError(f"unknown document kind {document!r}")
    if state not in STATES[document]:
        raise ValueError(f"unknown {document} state {state!r}")
    return document


def invalidated_steps(state, target_state, document=None):
    """Steps undone by a return from ``state`` to ``target_state`` (chronological order)."""
    document = _document_of(state, document)
    states = STATES[document]
    start, end = states.index(target_state), states.index(state)
    return [s for s in STEPS.values() if s.document == document and start <= states.index(s.from_state) < end]


def return_to(state, target_state, reason, document=None):
    """Validate a return and give the signer roles whose signatures it invalidates.

    :param document: ``'year_page'`` or ``'subject_sheet'``; guessed from ``state`` when None
        (``'signed'`` only exists on the sheet, ``'draft'`` is ambiguous but has nothing to return to)
    :returns: list of signer roles (docs/signing-contract.md) of the signing steps between
        ``target_state`` and ``state``, e.g. ``['homeroom_teacher', 'principal']``; empty when only the
        ready mark or the review is undone. The signatures are recorded as invalidated, not deleted.
    :raises RuleError: ``return_reason`` (empty reason), ``return_target`` (target not earlier),
        ``issued_final`` (issued documents are corrected by a new version)
    """
    document = _document_of(state, document)
    states = STATES[document]
    if state == "issued":
        raise RuleError(
            _lt("The page is issued and can no longer be returned: make a correction (a new version) instead."),
            code="issued_final",
        )
    if target_state not in states or states.index(target_state) >= states.index(state):
        raise RuleError(
            _lt(
                "A document in state “%(state)s” can only be returned to an earlier state, not to “%(target)s”.",
                state=state_label(state),
                target=target_state,
            ),
            code="return_target",
        )
    if not reason or not str(reason).strip():
        raise RuleError(_lt("Give the reason for returning the document."), code="return_reason")
    return [s.signature_role for s in invalidated_steps(state, target_state, document) if s.signature_role]


def can_return(actor, ctx, target_state):
    """``(True, None)`` when ``actor`` may send the document back to ``target_state``, else
    ``(False, reason)``. Allowed: whoever may perform the pending step (the reviewer of the current
    state) and whoever may perform one of the steps being undone (a signer). The reason text itself is
    checked by :func:`return_to`."""
    document = ctx.document
    states = STATES[document]
    if ctx.state == "issued":
        return False, _lt(
            "The page is issued and can no longer be returned: make a correction (a new version) instead."
        )
    if target_state not in states or states.index(target_state) >= states.index(ctx.state):
        return False, _lt(
            "A document in state “%(state)s” can only be returned to an earlier state, not to “%(target)s”.",
            state=state_label(ctx.state),
            target=target_state,
        )
    candidates = invalidated_steps(ctx.state, target_state, document)
    candidates += [s for s in STEPS.values() if s.document == document and s.from_state == ctx.state]
    if any(_actor_fits(step, actor, ctx) is None for step in candidates):
        return True, None
    return False, _lt("Only a reviewer or a signer of this document can send it back.")


def locked_fields_state(state):
    """True when the document's data is locked: a signature is present (year page past ``ready``,
    signed subject sheet)."""
    if state not in PAGE_STATES and state not in SHEET_STATES:
        raise ValueError(f"unknown state {state!r}")
    return state in _LOCKED


def correction_version(state, version, reason):
    """Version number of the correction of an issued page (``version + 1``). The issued version stays
    signed and becomes superseded. RuleError ``correction`` when the page is not issued (return it
    instead) or ``return_reason`` when the reason is empty."""
    if state != "issued":
        raise RuleError(
            _lt("Only an issued page is corrected by a new version; before that, return it to the signer."),
            code="correction",
        )
    if not reason or not str(reason).strip():
        raise RuleError(_lt("Give the reason for the correction."), code="return_reason")
    return int(version or 1) + 1
