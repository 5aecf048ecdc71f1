"""E-mails to the programme office's staff: new tasks in their groups, answers received,
decisions waiting.

Each person chooses on their profile page (``UserProfile.staff_notifications``):
immediately (one e-mail per event, sent after the commit through the task queue),
a daily digest (a ``StaffNotification`` row, sent by ``manage.py staff_digest_send``),
or nothing. Whoever caused the event is never told about their own step.

Every message goes out through ``grants.mail.send_account_mail`` and so lands in the
e-mail log; an event's e-mail is filed with its application, the digest with none.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.models import UserProfile
from accounts.selectors import recipients_by_language, staff_notification_choices, user_language
from grants.mail import mail_template, send_account_mail, site_url
from grants.models import Application
from grants.roles import Role, has_role
from workflows.models import StaffNotification

N = UserProfile.StaffNotifications

# German msgids, translated in locale/en; each is the e-mail's subject and the digest's
# line. Bodies are templates per language: workflows/email/staff_<event>.txt and
# workflows/email/en/staff_<event>.txt.
STAFF_EVENTS = {
    "review_task": _("Neuer Antrag zur Prüfung: %(number)s"),
    "answer_received": _("Antwort der Kommune zum Antrag %(number)s"),
    "review_returned": _("Antrag %(number)s zur erneuten Prüfung zurückgegeben"),
    "decision_waiting": _("Entscheidung erbeten: Antrag %(number)s"),
    "payout_check": _("Mittelabruf %(payout_number)s zum Antrag %(number)s wartet auf Prüfung"),
    "payout_answer": _("Unterlagen zum Mittelabruf %(payout_number)s nachgereicht"),
    "payout_release": _("Mittelabruf %(payout_number)s zum Antrag %(number)s wartet auf Freigabe"),
    "proof_review": _("Verwendungsnachweis zum Antrag %(number)s wartet auf Prüfung"),
}
DIGEST_SUBJECT = _("Tagesübersicht der Geschäftsstelle vom %(date)s")


def role_members(role: Role) -> list[AbstractUser]:
    """The active members of a role's group, in a stable order."""
    return list(get_user_model().objects.filter(groups__name=role, is_active=True).order_by("pk").distinct())


def holder_or_role(holder: AbstractUser | None, role: Role) -> list[AbstractUser]:
    """The person who holds the work (a task's owner, the clerk who asked), if they still
    have the role; else everyone in the role."""
    if holder is not None and holder.is_active and has_role(holder, role):
        return [holder]
    return role_members(role)


def _link(event: str, application: Application | None, context: dict) -> str:
    """The office page where the notified step waits."""
    if event.startswith("payout_"):
        return reverse("payout_office_detail", kwargs={"pk": context["payout_id"]})
    if event == "proof_review":
        return reverse("proof_office_review", kwargs={"pk": context["proof_id"]})
    if event == "decision_waiting":
        return reverse("office_decision", kwargs={"pk": application.pk})
    return reverse("office_review", kwargs={"pk": application.pk})


def _subject_args(application: Application | None, context: dict) -> dict:
    number = (application.file_number or str(application.pk)) if application is not None else ""
    return {**context, "number": number}


def _render(event: str, application: Application | None, context: dict, link: str, language: str) -> tuple[str, str]:
    with translation.override(language):
        subject = str(STAFF_EVENTS[event]) % _subject_args(application, context)
        body = render_to_string(
            mail_template("workflows/email", f"staff_{event}", language),
            {**context, "application": application, "link": site_url(link)},
        )
    return subject, body


def staff_notify(
    *,
    recipients: Iterable[AbstractUser],
    event: str,
    application: Application | None,
    context: dict | None = None,
    actor: AbstractUser | None = None,
) -> None:
    """Tell ``recipients`` about ``event`` of ``application``, each as they chose.

    Call it inside the service's transaction: an immediate e-mail is rendered now and
    queued when the transaction commits (nothing leaves after a rollback); a digest
    item is a row written in the same transaction. ``context`` holds plain values
    (strings, numbers, ids) for the templates, e.g. ``payout_id``, ``payout_number``,
    ``amount`` (a decimal as a string), ``message``. ``actor``, who caused the event,
    is left out of ``recipients``.
    """
    if event not in STAFF_EVENTS:
        raise ValueError(f"Unknown staff event {event!r}")
    context = dict(context or {})
    seen: dict[int, AbstractUser] = {}
    for user in recipients:
        if user is None or not user.is_active or not (user.email or "").strip():
            continue
        if actor is not None and user.pk == actor.pk:
            continue
        seen.setdefault(user.pk, user)
    if not seen:
        return
    link = _link(event, application, context)
    choices = staff_notification_choices(seen)
    digest = [user for user_id, user in seen.items() if choices[user_id] == N.DIGEST]
    immediate = [user for user_id, user in seen.items() if choices[user_id] == N.IMMEDIATE]
    StaffNotification.objects.bulk_create(
        [
            StaffNotification(user=user, event=event, application=application, context=context, link=link)
            for user in digest
        ]
    )
    application_id = application.pk if application is not None else None
    for language, addresses in recipients_by_language(immediate).items():
        subject, body = _render(event, application, context, link, language)
        message = {
            "subject": subject,
            "body": body,
            "recipients": addresses,
            "kind": f"staff_{event}",
            "language": language,
            "application_id": application_id,
        }
        transaction.on_commit(lambda message=message: send_account_mail.enqueue(**message))


def _digest_lines(items: list[StaffNotification]) -> list[dict]:
    return [
        {
            "title": str(STAFF_EVENTS[item.event]) % _subject_args(item.application, item.context),
            "link": site_url(item.link),
            "at": item.created_at,
        }
        for item in items
        if item.event in STAFF_EVENTS
    ]


def _digest_one(user_id: int) -> bool:
    """Send one person's pending items in one e-mail; True when an e-mail was queued.

    The items are locked and marked sent in the transaction that queues the e-mail, so
    two runs at once, or one after the other, send it once.
    """
    with transaction.atomic():
        pending = list(
            StaffNotification.objects.select_for_update()
            .filter(user_id=user_id, sent_at__isnull=True)
            .values_list("pk", flat=True)
        )
        if not pending:
            return False
        items = list(
            StaffNotification.objects.filter(pk__in=pending)
            .select_related("user", "application")
            .order_by("created_at", "pk")
        )
        user = items[0].user
        choice = staff_notification_choices([user_id])[user_id]
        address = (user.email or "").strip()
        if not user.is_active or not address or choice == N.OFF:
            # Whoever left the office or turned the e-mails off meanwhile gets nothing.
            StaffNotification.objects.filter(pk__in=pending).delete()
            return False
        now = timezone.now()
        StaffNotification.objects.filter(pk__in=pending).update(sent_at=now)
        language = user_language(user)
        with translation.override(language):
            lines = _digest_lines(items)
            subject = str(DIGEST_SUBJECT) % {"date": formats.date_format(timezone.localdate(now), "SHORT_DATE_FORMAT")}
            body = render_to_string(
                mail_template("workflows/email", "staff_digest", language),
                {"user": user, "lines": lines, "office_url": site_url(reverse("office_queue"))},
            )
        message = {
            "subject": subject,
            "body": body,
            "recipients": [address],
            "kind": "staff_digest",
            "language": language,
            "application_id": None,
        }
        transaction.on_commit(lambda: send_account_mail.enqueue(**message))
    return True


def staff_digest_send() -> int:
    """Send every digest that is due: one e-mail per person with pending items. Returns how many."""
    user_ids = sorted(set(StaffNotification.objects.filter(sent_at__isnull=True).values_list("user_id", flat=True)))
    return sum(1 for user_id in user_ids if _digest_one(user_id))
