"""The approval workflow: ONE transition table, and the only code that writes `Delegation.status`.

    draft ──submit──▶ submitted ──head_sign──▶ head_signed[review step 1 … n, then "approve"]
                        │ head_return              │ review_pass: the next step
                        ▼                          │ review_return (reason) ──▶ returned
                     returned ◀────────────────────┘ approve ──▶ approved (approval number)
                                                     reject (reason) ──▶ rejected
    approved ──depart──▶ abroad ──register_return──▶ returned_home ──file_report──▶ report_filed
             ──evaluate──▶ evaluated ──archive──▶ archived
    withdraw: draft, submitted, head_signed, returned ──▶ withdrawn (liaison, before approval)
    cancel (reason): approved ──▶ cancelled (liaison or approver, after approval, before leaving)

The FAO part of the chain is data: `review_chain_for(top_rank, trip_type)` picks the review steps
from settings.WAISHI_DELEGATION_REVIEW_CHAINS (first matching entry), each step done by the role
settings.WAISHI_DELEGATION_REVIEW_STEPS names; the final step is always "approve" (approver).
The chain is fixed at each submission, so a later change of configuration never reroutes an
application already in review.

Resubmission after a return (退件) — the exact rule:
  * returned by the unit head → back to "submitted": the head signs again;
  * returned by an FAO step, chain unchanged → straight back to that step; the steps before it
    that had passed are not repeated (they stay in the history);
  * returned by an FAO step, but the corrected application has a different chain (the highest
    rank or the trip type changed) → FAO review restarts at the chain's first step.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from waishi.core.access import grants_of, user_is_active
from waishi.core.roles import Role
from waishi.delegations.models import Delegation, Status
from waishi.people.services import ConflictError as PeopleConflictError

S = Status
HEAD_STEP = "head"
APPROVE_STEP = "approve"
DEFAULT_REVIEW_STEPS = {"review": Role.REVIEWER, "leader_review": Role.APPROVER}
DEFAULT_REVIEW_CHAINS = [
    # Bureau rank and above: the FAO's leadership reviews before the approver signs.
    {"top_rank": ["provincial", "bureau"], "steps": ["review", "leader_review"]},
    {"steps": ["review"]},
]
STEP_LABELS = {
    HEAD_STEP: gettext_lazy("Unit head sign-off"),
    "review": gettext_lazy("FAO review"),
    "leader_review": gettext_lazy("FAO leadership review"),
    APPROVE_STEP: gettext_lazy("Approval"),
}


class InvalidTransition(Exception):
    """The action is not possible in the delegation's present state."""


class ConflictError(PeopleConflictError):
    """Someone else acted on the delegation since the user loaded it.

    A subclass of the people app's ConflictError so one `except` serves every optimistic-lock
    conflict; defined here because waishi.core has no shared errors module."""

    def __init__(self, message=None):
        super().__init__(
            message or _("Someone else acted on this delegation first; reload it and try again.")
        )


class PolicyBlocked(ValidationError):
    """A blocking policy finding stands: the application cannot go on until it is fixed."""

    def __init__(self, findings):
        self.findings = list(findings)
        super().__init__(
            _("A blocking policy finding stands; correct the application first: %(list)s")
            % {"list": "；".join(f.message for f in self.findings)}
        )


class JustificationRequired(ValidationError):
    """A warning finding has no written justification yet."""

    def __init__(self, findings):
        self.findings = list(findings)
        super().__init__(
            _("Explain why the trip should go ahead despite each warning: %(list)s")
            % {"list": "；".join(f.message for f in self.findings)}
        )


class Action:
    SUBMIT = "submit"
    HEAD_SIGN = "head_sign"
    HEAD_RETURN = "head_return"
    REVIEW_PASS = "review_pass"  # noqa: S105 — an action's name, not a password
    REVIEW_RETURN = "review_return"
    APPROVE = "approve"
    REJECT = "reject"
    WITHDRAW = "withdraw"
    CANCEL = "cancel"
    DEPART = "depart"
    REGISTER_RETURN = "register_return"
    FILE_REPORT = "file_report"
    EVALUATE = "evaluate"
    ARCHIVE = "archive"


ACTION_LABELS = {
    Action.SUBMIT: gettext_lazy("Submit"),
    Action.HEAD_SIGN: gettext_lazy("Sign off"),
    Action.HEAD_RETURN: gettext_lazy("Return to the liaison"),
    Action.REVIEW_PASS: gettext_lazy("Pass review"),
    Action.REVIEW_RETURN: gettext_lazy("Return for correction"),
    Action.APPROVE: gettext_lazy("Approve"),
    Action.REJECT: gettext_lazy("Reject"),
    Action.WITHDRAW: gettext_lazy("Withdraw"),
    Action.CANCEL: gettext_lazy("Cancel the trip"),
    Action.DEPART: gettext_lazy("Record departure"),
    Action.REGISTER_RETURN: gettext_lazy("Register return"),
    Action.FILE_REPORT: gettext_lazy("File the trip report"),
    Action.EVALUATE: gettext_lazy("Record the evaluation"),
    Action.ARCHIVE: gettext_lazy("Archive"),
}

# Which pending FAO step an action needs while the delegation is head_signed.
REVIEW_PHASE, APPROVE_PHASE, ANY_PHASE = "review", "approve", "any"


@dataclass(frozen=True)
class Transition:
    sources: frozenset[str]
    roles: tuple[Role, ...] | None  # None: the role of the pending step
    target: str | None  # None: worked out (submit resumes where the application was returned)
    needs_reason: bool = False
    phase: str | None = None  # REVIEW_PHASE / APPROVE_PHASE / ANY_PHASE while head_signed
    approval_stage: bool = True  # the policy findings are recorded with the step


TRANSITIONS: dict[str, Transition] = {
    Action.SUBMIT: Transition(frozenset({S.DRAFT, S.RETURNED}), (Role.LIAISON,), None),
    Action.HEAD_SIGN: Transition(frozenset({S.SUBMITTED}), (Role.UNIT_HEAD,), S.HEAD_SIGNED),
    Action.HEAD_RETURN: Transition(
        frozenset({S.SUBMITTED}), (Role.UNIT_HEAD,), S.RETURNED, needs_reason=True
    ),
    Action.REVIEW_PASS: Transition(
        frozenset({S.HEAD_SIGNED}), None, S.HEAD_SIGNED, phase=REVIEW_PHASE
    ),
    Action.REVIEW_RETURN: Transition(
        frozenset({S.HEAD_SIGNED}), None, S.RETURNED, needs_reason=True, phase=ANY_PHASE
    ),
    Action.APPROVE: Transition(
        frozenset({S.HEAD_SIGNED}), (Role.APPROVER,), S.APPROVED, phase=APPROVE_PHASE
    ),
    Action.REJECT: Transition(
        frozenset({S.HEAD_SIGNED}),
        (Role.APPROVER,),
        S.REJECTED,
        needs_reason=True,
        phase=APPROVE_PHASE,
    ),
    Action.WITHDRAW: Transition(
        frozenset({S.DRAFT, S.SUBMITTED, S.HEAD_SIGNED, S.RETURNED}),
        (Role.LIAISON,),
        S.WITHDRAWN,
        approval_stage=False,
    ),
    Action.CANCEL: Transition(
        frozenset({S.APPROVED}),
        (Role.LIAISON, Role.APPROVER),
        S.CANCELLED,
        needs_reason=True,
        approval_stage=False,
    ),
    Action.DEPART: Transition(
        frozenset({S.APPROVED}), (Role.LIAISON,), S.ABROAD, approval_stage=False
    ),
    Action.REGISTER_RETURN: Transition(
        frozenset({S.ABROAD}), (Role.LIAISON,), S.RETURNED_HOME, approval_stage=False
    ),
    Action.FILE_REPORT: Transition(
        frozenset({S.RETURNED_HOME}), (Role.LIAISON,), S.REPORT_FILED, approval_stage=False
    ),
    Action.EVALUATE: Transition(
        frozenset({S.REPORT_FILED}), (Role.EVALUATOR,), S.EVALUATED, approval_stage=False
    ),
    Action.ARCHIVE: Transition(
        frozenset({S.EVALUATED}),
        (Role.REVIEWER, Role.APPROVER),
        S.ARCHIVED,
        approval_stage=False,
    ),
}

# The business date each action stamps (set to now; the trip dates are days given by the user).
DATE_FIELDS = {
    Action.SUBMIT: "submitted_at",
    Action.HEAD_SIGN: "head_signed_at",
    Action.HEAD_RETURN: "sent_back_at",
    Action.REVIEW_PASS: "reviewed_at",
    Action.REVIEW_RETURN: "sent_back_at",
    Action.APPROVE: "approved_at",
    Action.REJECT: "rejected_at",
    Action.WITHDRAW: "withdrawn_at",
    Action.CANCEL: "cancelled_at",
    Action.FILE_REPORT: "report_filed_at",
    Action.EVALUATE: "evaluated_at",
    Action.ARCHIVE: "archived_at",
}


# --- the configurable FAO chain ---------------------------------------------------------------


def review_steps() -> dict[str, Role]:
    configured = getattr(settings, "WAISHI_DELEGATION_REVIEW_STEPS", DEFAULT_REVIEW_STEPS)
    try:
        steps = {str(step): Role(role) for step, role in configured.items()}
    except ValueError as exc:
        raise ImproperlyConfigured(f"WAISHI_DELEGATION_REVIEW_STEPS: {exc}") from exc
    if HEAD_STEP in steps or APPROVE_STEP in steps:
        raise ImproperlyConfigured("WAISHI_DELEGATION_REVIEW_STEPS may not redefine head/approve")
    return steps


def review_chain_for(top_rank: str, trip_type: str) -> list[str]:
    """The FAO review steps (before the final approval) for a delegation of this highest rank
    and trip type: the first entry of the configured chains that matches both."""
    chains = getattr(settings, "WAISHI_DELEGATION_REVIEW_CHAINS", DEFAULT_REVIEW_CHAINS)
    known = review_steps()
    for entry in chains:
        if top_rank not in entry.get("top_rank", [top_rank]):
            continue
        if trip_type not in entry.get("trip_type", [trip_type]):
            continue
        unknown = [step for step in entry["steps"] if step not in known]
        if unknown:
            raise ImproperlyConfigured(f"unknown review steps in a chain: {', '.join(unknown)}")
        return list(entry["steps"])
    raise ImproperlyConfigured("WAISHI_DELEGATION_REVIEW_CHAINS has no entry for every case")


def step_role(step: str) -> Role | None:
    if step == HEAD_STEP:
        return Role.UNIT_HEAD
    if step == APPROVE_STEP:
        return Role.APPROVER
    return review_steps().get(step)


def step_label(step: str) -> str:
    return str(STEP_LABELS.get(step, step))


# --- who may do what, now ---------------------------------------------------------------------


def roles_for(delegation: Delegation, action: str) -> tuple[Role, ...]:
    transition = TRANSITIONS[action]
    if transition.roles is not None:
        return transition.roles
    role = step_role(delegation.pending_step)
    return (role,) if role else ()


def covers(user, unit, roles) -> bool:
    """Whether the user holds one of `roles` on a unit subtree that contains `unit`.

    Computed from the grants already read for the request: no query per action."""
    if not user_is_active(user):
        return False
    for role, path, unit_id, subtree in grants_of(user).rows:
        if role in roles and (unit.path.startswith(path) if subtree else unit.pk == unit_id):
            return True
    return False


def state_allows(delegation: Delegation, action: str) -> bool:
    transition = TRANSITIONS[action]
    if delegation.status not in transition.sources:
        return False
    if delegation.status != S.HEAD_SIGNED or transition.phase in (None, ANY_PHASE):
        return True
    at_approval = delegation.pending_step == APPROVE_STEP
    return at_approval if transition.phase == APPROVE_PHASE else not at_approval


def check_allowed(user, delegation: Delegation, action: str) -> None:
    """Raise InvalidTransition or PermissionDenied, with a message for the user."""
    if action not in TRANSITIONS:
        raise InvalidTransition(_("“%(action)s” is not a workflow action.") % {"action": action})
    if not state_allows(delegation, action):
        raise InvalidTransition(
            _("A delegation that is “%(status)s” cannot be given the action “%(action)s”.")
            % {"status": delegation.get_status_display(), "action": ACTION_LABELS[action]}
        )
    if not covers(user, delegation.organising_unit, roles_for(delegation, action)):
        raise PermissionDenied(
            _("You may not “%(action)s” this delegation: your role does not allow it.")
            % {"action": ACTION_LABELS[action]}
        )


def allowed_actions(delegation: Delegation, user) -> list[str]:
    """The actions `user` may take on `delegation` now, in table order (for the page's buttons).

    Stale-version and policy refusals can still happen when the action is taken."""
    return [
        action
        for action in TRANSITIONS
        if state_allows(delegation, action)
        and covers(user, delegation.organising_unit, roles_for(delegation, action))
    ]


def needs_reason(action: str) -> bool:
    return TRANSITIONS[action].needs_reason


# --- the move itself --------------------------------------------------------------------------


@dataclass(frozen=True)
class Move:
    action: str
    step: str  # the step this action completed or returned from ("" outside approval)
    from_status: str
    to_status: str


def move(delegation: Delegation, action: str, *, chain: list[str] | None = None, on=None) -> Move:
    """Apply `action` to the locked, checked delegation in memory; the caller saves it.

    `chain` is the FAO chain worked out at submission; `on` the day of departure or return.
    Everything that writes the status goes through here."""
    before, step = delegation.status, _completed_step(delegation, action)
    if action == Action.SUBMIT:
        target, pending = _resubmission(delegation, list(chain or []))
        delegation.review_chain = list(chain or [])
        delegation.pending_step, delegation.returned_by_step = pending, ""
    else:
        target = TRANSITIONS[action].target
        _advance_step(delegation, action)
    if action in DATE_FIELDS:
        setattr(delegation, DATE_FIELDS[action], timezone.now())
    if action == Action.DEPART:
        delegation.departed_on = on
    if action == Action.REGISTER_RETURN:
        delegation.returned_at = on
    delegation.status = target
    delegation._workflow_move = True
    return Move(action, step, before, target)


def _completed_step(delegation: Delegation, action: str) -> str:
    if action in (Action.HEAD_SIGN, Action.HEAD_RETURN):
        return HEAD_STEP
    if action in (Action.REVIEW_PASS, Action.REVIEW_RETURN, Action.APPROVE, Action.REJECT):
        return delegation.pending_step
    return ""


def _resubmission(delegation: Delegation, chain: list[str]) -> tuple[str, str]:
    """(status, pending step) after submit: the unit head first, unless an FAO step returned it
    and the chain is unchanged, in which case straight back to that step (module docstring)."""
    returned_by = delegation.returned_by_step
    if delegation.status == S.DRAFT or returned_by in ("", HEAD_STEP):
        return S.SUBMITTED, HEAD_STEP
    steps = [*chain, APPROVE_STEP]
    if chain == list(delegation.review_chain) and returned_by in steps:
        return S.HEAD_SIGNED, returned_by
    return S.HEAD_SIGNED, steps[0]


def _advance_step(delegation: Delegation, action: str) -> None:
    steps = [*delegation.review_chain, APPROVE_STEP]
    if action == Action.HEAD_SIGN:
        delegation.pending_step = steps[0]
    elif action == Action.REVIEW_PASS:
        delegation.pending_step = steps[steps.index(delegation.pending_step) + 1]
    elif action in (Action.HEAD_RETURN, Action.REVIEW_RETURN):
        delegation.returned_by_step, delegation.pending_step = delegation.pending_step, ""
    else:
        delegation.pending_step = ""


def require_reason(action: str, comment: str) -> None:
    if needs_reason(action) and not comment.strip():
        raise ValidationError(
            {
                "comment": _("Give a reason: “%(action)s” needs one.")
                % {"action": ACTION_LABELS[action]}
            }
        )
