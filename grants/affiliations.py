"""Who acts for a municipality: requests, confirmations, invitations, the main contact,
the end of an affiliation, deactivated accounts and membership requests.

Each permission function answers ``(allowed, reason)`` and is asked by the page (for
its buttons), the view and the service alike. Every change is recorded with
``core.changes.change_record``; e-mails leave after commit (``grants.mail``).

Nothing here re-attributes what a person did: an ended affiliation or a deactivated
account keeps its applications and records under its name.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser, Group
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.selectors import user_has_confirmed_email, user_language
from core.changes import change_record
from grants.errors import GrantsError
from grants.mail import mail_after_commit, office_address, site_url
from grants.models import Affiliation, AffiliationRequest, Invitation, MembershipStatus, Municipality
from grants.roles import Role, user_roles
from grants.selectors import membership_status_on
from grants.services import affiliation_create, affiliation_delete

INVITATION_VALID_FOR = datetime.timedelta(days=7)
# The office roles that change accounts and affiliations; controllers only read.
OFFICE_WRITERS = (Role.CLERK, Role.APPROVER, Role.ADMIN)
OFFICE_ROLES = (Role.CLERK, Role.APPROVER, Role.CONTROLLER, Role.ADMIN)
FUNCTION_MAX_LENGTH = 200


# --- who may -------------------------------------------------------------------------------


def is_office_writer(user) -> bool:
    return bool(user_roles(user) & set(OFFICE_WRITERS))


def is_main_contact(*, user, municipality: Municipality) -> bool:
    if not user.is_authenticated:
        return False
    return Affiliation.objects.filter(user=user, municipality=municipality, is_main_contact=True).exists()


def can_manage_colleagues(*, user, municipality: Municipality) -> tuple[bool, str]:
    """Confirm or decline requests, end affiliations: the main contact or the office."""
    if is_office_writer(user) or is_main_contact(user=user, municipality=municipality):
        return True, ""
    return False, _("Das darf nur die Hauptansprechperson der Kommune oder die Geschäftsstelle.")


def can_invite(*, user, municipality: Municipality) -> tuple[bool, str]:
    if is_main_contact(user=user, municipality=municipality):
        return True, ""
    return False, _("Einladen darf nur die Hauptansprechperson der Kommune.")


def can_deactivate(*, user, target) -> tuple[bool, str]:
    """The office may deactivate anybody but itself; a main contact only someone who
    acts for no municipality but theirs and holds no office role."""
    if target.pk == user.pk:
        return False, _("Ihr eigenes Konto können Sie nicht deaktivieren.")
    if is_office_writer(user):
        return True, ""
    if user_roles(target) & set(OFFICE_ROLES):
        return False, _("Konten der Geschäftsstelle deaktiviert nur die Geschäftsstelle.")
    theirs = set(Affiliation.objects.filter(user=target).values_list("municipality_id", flat=True))
    mine = set(Affiliation.objects.filter(user=user, is_main_contact=True).values_list("municipality_id", flat=True))
    if theirs and theirs <= mine:
        return True, ""
    return False, _("Dieses Konto handelt auch für eine andere Kommune; deaktivieren kann es nur die Geschäftsstelle.")


def can_assign_roles(*, user) -> tuple[bool, str]:
    if Role.ADMIN in user_roles(user):
        return True, ""
    return False, _("Rollen vergibt nur die Administration.")


def clean_text(value: str | None) -> str:
    """Free text as stored: NUL characters (which PostgreSQL refuses) dropped, ends trimmed."""
    return (value or "").replace("\x00", "").strip()


def _require(allowed_reason: tuple[bool, str]) -> None:
    allowed, reason = allowed_reason
    if not allowed:
        raise GrantsError(reason, code="forbidden")


# --- helpers -------------------------------------------------------------------------------


def _lock_municipality(municipality: Municipality) -> Municipality:
    # One municipality's affiliations, requests and main contact change one at a time.
    return Municipality.objects.select_for_update().get(pk=municipality.pk)


def _main_contact(municipality: Municipality):
    affiliation = (
        Affiliation.objects.filter(municipality=municipality, is_main_contact=True).select_related("user").first()
    )
    return affiliation.user if affiliation else None


def display_name(user) -> str:
    return user.get_full_name() or user.get_username()


def _affiliation_grant(*, user: AbstractUser, municipality: Municipality, actor, how: str) -> Affiliation:
    """Create the affiliation (object permissions), give the applicant role, and make the
    first confirmed person of a municipality its main contact. Call with the municipality locked."""
    affiliation = affiliation_create(user=user, municipality=municipality)
    user.groups.add(Group.objects.get(name=Role.APPLICANT))
    first = not Affiliation.objects.filter(municipality=municipality, is_main_contact=True).exists()
    if first:
        affiliation.is_main_contact = True
        affiliation.save(update_fields=["is_main_contact"])
    change_record(
        actor=actor,
        subject=affiliation,
        action="grants.affiliation.created",
        changes={"user": user, "municipality": municipality, "is_main_contact": first, "how": how},
    )
    return affiliation


def _membership_record(*, municipality: Municipality, status: str, actor, note: str) -> MembershipStatus:
    today = timezone.localdate()
    before = membership_status_on(municipality=municipality, day=today)
    row, _created = MembershipStatus.objects.update_or_create(
        municipality=municipality, since=today, defaults={"status": status, "note": note}
    )
    change_record(
        actor=actor,
        subject=municipality,
        action=f"grants.membership.{status}",
        changes={"status": (before, status), "since": today},
        comment=note,
    )
    return row


# --- requests ------------------------------------------------------------------------------


def affiliation_request_create(
    *, user: AbstractUser, municipality: Municipality, function: str, join_network: bool = False
) -> AffiliationRequest:
    """``user`` asks to act for ``municipality``; with ``join_network`` the municipality,
    when it is no member yet, applies for membership (status "beantragt" from today)."""
    function = clean_text(function)
    if not function:
        raise GrantsError(_("Bitte nennen Sie Ihre Funktion in der Kommune."), code="function")
    if len(function) > FUNCTION_MAX_LENGTH:
        raise GrantsError(_("Die Funktion darf höchstens 200 Zeichen lang sein."), code="function")
    if not user.is_active:
        raise GrantsError(_("Dieses Konto ist deaktiviert."), code="inactive")
    with transaction.atomic():
        municipality = _lock_municipality(municipality)
        if Affiliation.objects.filter(user=user, municipality=municipality).exists():
            raise GrantsError(_("Sie handeln bereits für diese Kommune."), code="affiliated")
        if AffiliationRequest.objects.filter(
            user=user, municipality=municipality, status=AffiliationRequest.Status.REQUESTED
        ).exists():
            raise GrantsError(_("Ihre Anfrage für diese Kommune liegt bereits vor."), code="open")
        status = membership_status_on(municipality=municipality, day=timezone.localdate())
        applies = join_network and status not in (MembershipStatus.Status.ACTIVE, MembershipStatus.Status.APPLIED)
        try:
            with transaction.atomic():
                request = AffiliationRequest.objects.create(
                    user=user, municipality=municipality, function=function, join_network=applies
                )
        except IntegrityError:  # the constraint, should a second connection have won anyway
            raise GrantsError(_("Ihre Anfrage für diese Kommune liegt bereits vor."), code="open") from None
        change_record(
            actor=user,
            subject=request,
            action="grants.affiliation_request.created",
            changes={"municipality": municipality, "function": function, "join_network": applies},
        )
        if applies:
            _membership_record(
                municipality=municipality,
                status=MembershipStatus.Status.APPLIED,
                actor=user,
                note=_("beantragt von %(name)s") % {"name": display_name(user)},
            )
        main_contact = _main_contact(municipality)
        mail_after_commit(
            template="affiliation_requested",
            subject=gettext_lazy("Anfrage: %(requester)s möchte für %(municipality)s handeln"),
            subject_args={"requester": display_name(user), "municipality": municipality.name},
            recipients=[main_contact if main_contact else office_address()],
            context={
                "request": request,
                "requester": display_name(user),
                "to_office": main_contact is None,
                "link": site_url(
                    reverse("office_requests")
                    if main_contact is None
                    else reverse("municipality_detail", kwargs={"ags": municipality.ags})
                ),
            },
        )
    return request


def affiliation_request_withdraw(*, request: AffiliationRequest, user: AbstractUser) -> AffiliationRequest:
    with transaction.atomic():
        request = AffiliationRequest.objects.select_for_update().get(pk=request.pk)
        if request.user_id != user.pk:
            raise GrantsError(_("Das ist nicht Ihre Anfrage."), code="forbidden")
        if request.status != AffiliationRequest.Status.REQUESTED:
            raise GrantsError(_("Über diese Anfrage ist bereits entschieden."), code="state")
        request.status = AffiliationRequest.Status.WITHDRAWN
        request.save(update_fields=["status"])
        change_record(
            actor=user,
            subject=request,
            action="grants.affiliation_request.withdrawn",
            changes={"status": (AffiliationRequest.Status.REQUESTED, AffiliationRequest.Status.WITHDRAWN)},
        )
    return request


def affiliation_request_decide(
    *, request: AffiliationRequest, actor: AbstractUser, confirm: bool, reason: str = ""
) -> AffiliationRequest:
    """The main contact or the office confirms (the person then acts for the municipality)
    or declines (with a reason). Both the requester and the one who decided get an e-mail."""
    reason = clean_text(reason)
    if not confirm and not reason:
        raise GrantsError(_("Bitte begründen Sie die Ablehnung."), code="reason")
    with transaction.atomic():
        municipality = _lock_municipality(request.municipality)
        request = AffiliationRequest.objects.select_for_update().select_related("user").get(pk=request.pk)
        _require(can_manage_colleagues(user=actor, municipality=municipality))
        if request.status != AffiliationRequest.Status.REQUESTED:
            raise GrantsError(_("Über diese Anfrage ist bereits entschieden."), code="state")
        if not request.user.is_active:
            raise GrantsError(_("Das Konto der anfragenden Person ist deaktiviert."), code="inactive")
        new_status = AffiliationRequest.Status.CONFIRMED if confirm else AffiliationRequest.Status.DECLINED
        request.status = new_status
        request.decided_by = actor
        request.decided_at = timezone.now()
        request.decision_reason = reason
        request.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
        change_record(
            actor=actor,
            subject=request,
            action=f"grants.affiliation_request.{new_status}",
            changes={"status": (AffiliationRequest.Status.REQUESTED, new_status)},
            comment=reason,
        )
        became_main_contact = False
        if confirm:
            affiliation = _affiliation_grant(
                user=request.user, municipality=municipality, actor=actor, how="affiliation_request"
            )
            became_main_contact = affiliation.is_main_contact
        context = {
            "request": request,
            "municipality": municipality,
            "confirm": confirm,
            "reason": reason,
            "requester": display_name(request.user),
            "decider": display_name(actor),
            "main_contact": became_main_contact,
            "link": site_url(reverse("home")),
        }
        mail_after_commit(
            template="affiliation_decided",
            subject=gettext_lazy("Ihre Anfrage für %(municipality)s wurde bestätigt")
            if confirm
            else gettext_lazy("Ihre Anfrage für %(municipality)s wurde abgelehnt"),
            subject_args={"municipality": municipality.name},
            recipients=[request.user],
            context=context,
        )
        mail_after_commit(
            template="affiliation_decided_copy",
            subject=gettext_lazy("Sie haben die Anfrage von %(requester)s bestätigt")
            if confirm
            else gettext_lazy("Sie haben die Anfrage von %(requester)s abgelehnt"),
            subject_args={"requester": display_name(request.user)},
            recipients=[actor],
            context=context,
        )
    return request


# --- main contact ----------------------------------------------------------------------------


def main_contact_set(*, municipality: Municipality, user: AbstractUser, actor: AbstractUser) -> Affiliation:
    """The office makes ``user`` (who acts for the municipality) its main contact."""
    if not is_office_writer(actor):
        raise GrantsError(_("Die Hauptansprechperson ändert nur die Geschäftsstelle."), code="forbidden")
    with transaction.atomic():
        municipality = _lock_municipality(municipality)
        try:
            affiliation = Affiliation.objects.select_for_update().get(user=user, municipality=municipality)
        except Affiliation.DoesNotExist:
            raise GrantsError(_("Diese Person handelt nicht für die Kommune."), code="not_affiliated") from None
        before = _main_contact(municipality)
        if before is not None and before.pk == user.pk:
            return affiliation
        Affiliation.objects.filter(municipality=municipality, is_main_contact=True).update(is_main_contact=False)
        affiliation.is_main_contact = True
        affiliation.save(update_fields=["is_main_contact"])
        change_record(
            actor=actor,
            subject=municipality,
            action="grants.municipality.main_contact_set",
            changes={"main_contact": (before, user)},
        )
    return affiliation


# --- invitations -----------------------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_create(*, municipality: Municipality, email: str, actor: AbstractUser) -> tuple[Invitation, str]:
    """The main contact invites a colleague; returns the invitation and the token the
    e-mail carries (only its hash is stored)."""
    email = clean_text(email)
    if not email or "@" not in email or len(email) > 254:
        raise GrantsError(_("Bitte geben Sie eine gültige E-Mail-Adresse an."), code="email")
    with transaction.atomic():
        municipality = _lock_municipality(municipality)
        _require(can_invite(user=actor, municipality=municipality))
        if Affiliation.objects.filter(municipality=municipality, user__email__iexact=email).exists():
            raise GrantsError(_("Eine Person mit dieser E-Mail-Adresse handelt bereits für die Kommune."), code="dup")
        token = secrets.token_urlsafe(32)
        now = timezone.now()
        invitation = Invitation.objects.create(
            municipality=municipality,
            email=email,
            invited_by=actor,
            token_hash=_token_hash(token),
            created_at=now,
            expires_at=now + INVITATION_VALID_FOR,
        )
        change_record(
            actor=actor,
            subject=invitation,
            action="grants.invitation.created",
            changes={"email": email, "municipality": municipality, "expires_at": invitation.expires_at},
        )
        mail_after_commit(
            template="invitation",
            subject=gettext_lazy("Einladung: für %(municipality)s in der Mikroförderung handeln"),
            subject_args={"municipality": municipality.name},
            recipients=[email],
            # An address without an account has chosen no language; the inviting
            # colleague's choice is the best guess at what the invitee reads.
            default_language=user_language(actor),
            context={
                "invitation": invitation,
                "inviter": display_name(actor),
                "link": site_url(reverse("invitation_accept", kwargs={"token": token})),
                "expires_at": timezone.localtime(invitation.expires_at),
            },
        )
    return invitation, token


def invitation_for_token(*, token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("municipality", "invited_by")
        .filter(token_hash=_token_hash(token or ""))
        .first()
    )


def invitation_problem(invitation: Invitation | None, *, at: datetime.datetime | None = None) -> str:
    """Why the link does not work (empty when it does)."""
    at = at or timezone.now()
    if invitation is None:
        return _("Diesen Einladungslink gibt es nicht. Bitte prüfen Sie, ob Sie ihn vollständig übernommen haben.")
    if invitation.revoked_at is not None:
        return _("Diese Einladung wurde zurückgezogen.")
    if invitation.used_at is not None:
        return _("Diese Einladung wurde bereits angenommen; ein Einladungslink gilt nur einmal.")
    if at >= invitation.expires_at:
        return _("Diese Einladung ist abgelaufen (sie galt sieben Tage). Bitte lassen Sie sich erneut einladen.")
    return ""


def invitation_address_problem(*, invitation: Invitation, user: AbstractUser) -> str:
    """An invitation is for the address it was sent to: a forwarded link does not let
    somebody else act for the municipality. Empty when ``user`` may accept."""
    if user_has_confirmed_email(user=user, email=invitation.email):
        return ""
    return _(
        "Diese Einladung gilt für %(email)s. Ihr Konto hat diese Adresse nicht (oder sie ist noch nicht "
        "bestätigt). Bitte melden Sie sich mit dem Konto dieser Adresse an oder registrieren Sie sich damit."
    ) % {"email": invitation.email}


def invitation_accept(*, token: str, user: AbstractUser) -> Affiliation:
    """The logged-in ``user`` accepts: they act for the municipality from now on. Once, within seven days."""
    if not user.is_authenticated or not user.is_active:
        raise GrantsError(_("Bitte melden Sie sich an."), code="login")
    with transaction.atomic():
        found = invitation_for_token(token=token)
        if found is None:
            raise GrantsError(invitation_problem(None), code="unknown")
        municipality = _lock_municipality(found.municipality)
        invitation = Invitation.objects.select_for_update().get(pk=found.pk)
        problem = invitation_problem(invitation)
        if problem:
            raise GrantsError(problem, code="invalid")
        if Affiliation.objects.filter(user=user, municipality=municipality).exists():
            raise GrantsError(_("Sie handeln bereits für diese Kommune."), code="affiliated")
        problem = invitation_address_problem(invitation=invitation, user=user)
        if problem:
            raise GrantsError(problem, code="other_address")
        invitation.used_at = timezone.now()
        invitation.used_by = user
        invitation.save(update_fields=["used_at", "used_by"])
        change_record(actor=user, subject=invitation, action="grants.invitation.accepted", changes={"used_by": user})
        affiliation = _affiliation_grant(user=user, municipality=municipality, actor=user, how="invitation")
        # A request of the same person for the same municipality is answered by the invitation.
        for open_request in AffiliationRequest.objects.select_for_update().filter(
            user=user, municipality=municipality, status=AffiliationRequest.Status.REQUESTED
        ):
            open_request.status = AffiliationRequest.Status.CONFIRMED
            open_request.decided_by = invitation.invited_by
            open_request.decided_at = invitation.used_at
            open_request.decision_reason = _("Einladung angenommen")
            open_request.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
        mail_after_commit(
            template="invitation_accepted",
            subject=gettext_lazy("%(invitee)s hat Ihre Einladung für %(municipality)s angenommen"),
            subject_args={"invitee": display_name(user), "municipality": municipality.name},
            recipients=[invitation.invited_by],
            context={"invitation": invitation, "invitee": display_name(user), "email": user.email},
        )
    return affiliation


def invitation_revoke(*, invitation: Invitation, actor: AbstractUser) -> Invitation:
    with transaction.atomic():
        municipality = _lock_municipality(invitation.municipality)
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if not is_office_writer(actor):
            _require(can_invite(user=actor, municipality=municipality))
        if invitation.used_at is not None:
            raise GrantsError(_("Diese Einladung wurde bereits angenommen."), code="state")
        if invitation.revoked_at is not None:
            raise GrantsError(_("Diese Einladung ist bereits zurückgezogen."), code="state")
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        change_record(actor=actor, subject=invitation, action="grants.invitation.revoked", changes={})
    return invitation


# --- ending and deactivating -----------------------------------------------------------------


def affiliation_end(*, municipality: Municipality, user: AbstractUser, actor: AbstractUser) -> None:
    """The main contact or the office removes a person from the municipality. What the
    person did stays theirs; they only cannot act for the municipality any more."""
    with transaction.atomic():
        municipality = _lock_municipality(municipality)
        _require(can_manage_colleagues(user=actor, municipality=municipality))
        try:
            affiliation = Affiliation.objects.select_for_update().get(user=user, municipality=municipality)
        except Affiliation.DoesNotExist:
            raise GrantsError(_("Diese Person handelt nicht für die Kommune."), code="not_affiliated") from None
        if affiliation.is_main_contact and not is_office_writer(actor):
            raise GrantsError(
                _("Die Hauptansprechperson kann nur die Geschäftsstelle austragen (sie bestimmt dann eine neue)."),
                code="main_contact",
            )
        change_record(
            actor=actor,
            subject=affiliation,
            action="grants.affiliation.ended",
            changes={"user": user, "municipality": municipality, "is_main_contact": affiliation.is_main_contact},
        )
        affiliation_delete(user=user, municipality=municipality)
        if not Affiliation.objects.filter(user=user).exists():
            user.groups.remove(Group.objects.get(name=Role.APPLICANT))


def user_deactivate(*, user: AbstractUser, actor: AbstractUser, reason: str) -> AbstractUser:
    """Nobody can log in with the account any more; its applications and records stay its own."""
    reason = clean_text(reason)
    if not reason:
        raise GrantsError(_("Bitte nennen Sie den Grund für die Deaktivierung."), code="reason")
    with transaction.atomic():
        user = get_user_model().objects.select_for_update().get(pk=user.pk)
        _require(can_deactivate(user=actor, target=user))
        if not user.is_active:
            raise GrantsError(_("Dieses Konto ist bereits deaktiviert."), code="state")
        user.is_active = False
        user.save(update_fields=["is_active"])
        change_record(
            actor=actor,
            subject=user,
            action="auth.user.deactivated",
            changes={"is_active": (True, False)},
            comment=reason,
        )
    return user


def user_reactivate(*, user: AbstractUser, actor: AbstractUser, reason: str = "") -> AbstractUser:
    if not is_office_writer(actor):
        raise GrantsError(_("Konten reaktiviert nur die Geschäftsstelle."), code="forbidden")
    with transaction.atomic():
        user = get_user_model().objects.select_for_update().get(pk=user.pk)
        if user.is_active:
            raise GrantsError(_("Dieses Konto ist aktiv."), code="state")
        user.is_active = True
        user.save(update_fields=["is_active"])
        change_record(
            actor=actor,
            subject=user,
            action="auth.user.reactivated",
            changes={"is_active": (False, True)},
            comment=clean_text(reason),
        )
    return user


def user_roles_set(*, user: AbstractUser, roles: list[str], actor: AbstractUser) -> set[str]:
    """The administration sets the office roles of ``user`` (the applicant role follows affiliations)."""
    _require(can_assign_roles(user=actor))
    wanted = set(roles)
    unknown = wanted - {str(role) for role in OFFICE_ROLES}
    if unknown:
        raise GrantsError(_("Unbekannte Rolle."), code="role")
    with transaction.atomic():
        user = get_user_model().objects.select_for_update().get(pk=user.pk)
        before = set(user.groups.filter(name__in=OFFICE_ROLES).values_list("name", flat=True))
        if user.pk == actor.pk and Role.ADMIN in before and Role.ADMIN not in wanted and not user.is_superuser:
            raise GrantsError(_("Die eigene Administrationsrolle können Sie nicht abgeben."), code="self")
        if before == wanted:
            return wanted
        user.groups.remove(*Group.objects.filter(name__in=before - wanted))
        user.groups.add(*Group.objects.filter(name__in=wanted - before))
        change_record(
            actor=actor, subject=user, action="auth.user.roles_set", changes={"roles": (sorted(before), sorted(wanted))}
        )
        user.__dict__.pop("_role_cache", None)
    return wanted


def membership_activate(*, municipality: Municipality, actor: AbstractUser) -> MembershipStatus:
    """The office records the municipality as an active member from today."""
    if not is_office_writer(actor):
        raise GrantsError(_("Mitgliedschaften trägt nur die Geschäftsstelle ein."), code="forbidden")
    with transaction.atomic():
        municipality = _lock_municipality(municipality)
        if membership_status_on(municipality=municipality, day=timezone.localdate()) == MembershipStatus.Status.ACTIVE:
            raise GrantsError(_("Die Kommune ist bereits aktives Mitglied."), code="state")
        return _membership_record(
            municipality=municipality,
            status=MembershipStatus.Status.ACTIVE,
            actor=actor,
            note=_("aufgenommen von %(name)s") % {"name": display_name(actor)},
        )
