"""The one writer of the audit trail: who did what to which file, when, from which state to which.

Every record belongs to an application and, where it is about one, links to the payout
or the proof of use (``payout.audit_records``, ``proof.audit_records`` are their
histories). ``from_state``/``to_state`` are always the application's: a payout or proof
transition leaves the application's status as it is and names its own transition in the
comment's head instead.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.utils.translation import gettext as _

from budgets.models import Payout
from grants.models import Application, ProofOfUse
from workflows.models import AuditRecord


def audit_record(
    *,
    application: Application,
    action: str,
    actor: AbstractUser | None,
    from_state: str | None = None,
    comment: str = "",
    payout: Payout | None = None,
    proof_of_use: ProofOfUse | None = None,
) -> AuditRecord:
    """Write one record; ``from_state`` defaults to the application's status (nothing moved)."""
    return AuditRecord.objects.create(
        application=application,
        payout=payout,
        proof_of_use=proof_of_use,
        action=action,
        actor=actor,
        from_state=application.status if from_state is None else from_state,
        to_state=application.status,
        comment=comment,
    )


def _headed(head: str, comment: str) -> str:
    return f"{head}. {comment}" if comment else head


def audit_payout(
    *, payout: Payout, action: str, actor: AbstractUser | None, from_state: str, comment: str = ""
) -> AuditRecord:
    """One record for one payout transition (``from_state`` is the payout's), headed with its number."""
    if from_state and from_state != payout.status:
        head = _("Mittelabruf %(number)s: %(before)s → %(after)s") % {
            "number": payout.number,
            "before": Payout.Status(from_state).label,
            "after": payout.get_status_display(),
        }
    else:
        head = _("Mittelabruf %(number)s: %(status)s") % {
            "number": payout.number,
            "status": payout.get_status_display(),
        }
    return audit_record(
        application=payout.application, payout=payout, action=action, actor=actor, comment=_headed(head, comment)
    )


def audit_proof(
    *, proof: ProofOfUse, action: str, actor: AbstractUser | None, from_state: str, comment: str = ""
) -> AuditRecord:
    """One record for one proof-of-use transition or reminder (``from_state`` is the proof's)."""
    if from_state and from_state != proof.status:
        head = _("Verwendungsnachweis: %(before)s → %(after)s") % {
            "before": ProofOfUse.Status(from_state).label,
            "after": proof.get_status_display(),
        }
    else:
        head = _("Verwendungsnachweis: %(status)s") % {"status": proof.get_status_display()}
    return audit_record(
        application=proof.application, proof_of_use=proof, action=action, actor=actor, comment=_headed(head, comment)
    )
