"""The budget ledger, payouts and SEPA batches.

Every euro committed, released, paid out or refunded is one append-only ledger row;
budget figures are sums over it, never numbers edited in place.

A payout (Mittelabruf, reimbursement model) lists invoices the municipality has paid
and runs its own state machine::

    requested ──request_documents──▶ documents_requested ──resubmit──▶ requested
    requested ──mark_checked (accept or reduce)──▶ checked ──release (other person)──▶ released
    checked ──send_back──▶ requested
    released ──(in a SEPA batch) mark_exported──▶ exported ──mark_paid──▶ paid
    requested/documents_requested ──reject──▶ rejected, ──withdraw──▶ withdrawn

Released payouts leave in SEPA credit-transfer batches (pain.001.001.09). A batch is an
issued document: its XML and SHA-256 are frozen when it is created; each payout is in at
most one batch (``SepaBatchLine.payout`` is unique).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from grants.models import Application, CostType, Municipality, ProgrammeYear
from grants.models.application import StoredUpload


class Payout(ConcurrentTransitionMixin, models.Model):
    """A payout request (Mittelabruf) of an approved application.

    The payee's account is copied from the application when the request is made and
    never changes afterwards: what the clerk checked is what the bank receives.
    Saving checks that the state in the database is still the one this copy was loaded
    with (compare-and-swap), so a stale or replayed action cannot apply twice.
    """

    class Status(models.TextChoices):
        REQUESTED = "requested", _("abgerufen")
        DOCUMENTS_REQUESTED = "documents_requested", _("Unterlagen nachgefordert")
        CHECKED = "checked", _("geprüft")
        RELEASED = "released", _("freigegeben")
        EXPORTED = "exported", _("an die Bank übergeben")
        PAID = "paid", _("ausgezahlt")
        REJECTED = "rejected", _("abgelehnt")
        WITHDRAWN = "withdrawn", _("zurückgezogen")

    # Still on their way: they count against what may be requested next.
    OPEN = [
        Status.REQUESTED,
        Status.DOCUMENTS_REQUESTED,
        Status.CHECKED,
        Status.RELEASED,
        Status.EXPORTED,
    ]
    # The municipality may still add files or withdraw.
    WITH_APPLICANT = [Status.REQUESTED, Status.DOCUMENTS_REQUESTED]

    number = models.CharField(_("Nummer"), max_length=20, unique=True)
    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="payouts", verbose_name=_("Antrag")
    )
    status = FSMField(_("Status"), default=Status.REQUESTED, choices=Status.choices, protected=True, db_index=True)
    requested_amount = models.DecimalField(_("abgerufener Betrag (EUR)"), max_digits=12, decimal_places=2)
    # Set by the check: the requested amount, or less with a reason in ``check_note``.
    checked_amount = models.DecimalField(
        _("anerkannter Betrag (EUR)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    check_note = models.TextField(_("Prüfvermerk"), blank=True)
    rejection_reason = models.TextField(_("Begründung der Ablehnung"), blank=True)

    # Payee, frozen at the request (SEPA: Nm max. 70, TwnNm max. 35, BldgNb max. 16).
    account_holder = models.CharField(_("Kontoinhaber"), max_length=70)
    iban = models.CharField(_("IBAN"), max_length=34)
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    street = models.CharField(_("Straße"), max_length=70, blank=True)
    building_number = models.CharField(_("Hausnummer"), max_length=16, blank=True)
    postcode = models.CharField(_("Postleitzahl"), max_length=16, blank=True)
    town = models.CharField(_("Ort"), max_length=35)
    country = models.CharField(_("Land (ISO)"), max_length=2, default="DE")

    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("abgerufen am"), default=timezone.now)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    checked_at = models.DateTimeField(_("geprüft am"), null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    released_at = models.DateTimeField(_("freigegeben am"), null=True, blank=True)
    exported_at = models.DateTimeField(_("an die Bank übergeben am"), null=True, blank=True)
    value_date = models.DateField(_("Wertstellung"), null=True, blank=True)
    paid_at = models.DateTimeField(_("als ausgezahlt gebucht am"), null=True, blank=True)
    closed_at = models.DateTimeField(_("abgeschlossen am"), null=True, blank=True)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    class Meta:
        verbose_name = _("Mittelabruf")
        verbose_name_plural = _("Mittelabrufe")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            # Four-eyes: who checked a payout can never release it.
            models.CheckConstraint(
                condition=Q(checked_by__isnull=True) | Q(released_by__isnull=True) | ~Q(released_by=F("checked_by")),
                name="payout_four_eyes",
            ),
            models.CheckConstraint(
                condition=Q(released_by__isnull=True) | Q(checked_by__isnull=False), name="payout_released_was_checked"
            ),
            models.CheckConstraint(condition=Q(requested_amount__gt=0), name="payout_requested_positive"),
            models.CheckConstraint(
                condition=Q(checked_amount__isnull=True)
                | (Q(checked_amount__gt=0) & Q(checked_amount__lte=F("requested_amount"))),
                name="payout_checked_within_requested",
            ),
            # A reduction always carries its reason.
            models.CheckConstraint(
                condition=Q(checked_amount__isnull=True) | Q(checked_amount=F("requested_amount")) | ~Q(check_note=""),
                name="payout_reduction_needs_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status="paid") | Q(value_date__isnull=False), name="payout_paid_has_value_date"
            ),
        ]
        indexes = [models.Index(fields=["application", "status"])]

    def __str__(self) -> str:
        return f"{self.number} ({self.get_status_display()})"

    @property
    def awaits_documents(self) -> bool:
        """The office asked the municipality for documents; the next step is the municipality's."""
        return self.status == self.Status.DOCUMENTS_REQUESTED

    @property
    def amount(self):
        """What this payout claims now: the checked amount once checked, else the requested one."""
        return self.checked_amount if self.checked_amount is not None else self.requested_amount

    # --- transitions: state and timestamps only -------------------------------------

    @transition(field=status, source=Status.REQUESTED, target=Status.DOCUMENTS_REQUESTED)
    def request_documents(self) -> None:
        pass

    @transition(field=status, source=Status.DOCUMENTS_REQUESTED, target=Status.REQUESTED)
    def resubmit(self) -> None:
        pass

    # Not called ``check``: that name belongs to Django's system checks on every model.
    @transition(field=status, source=Status.REQUESTED, target=Status.CHECKED)
    def mark_checked(self) -> None:
        self.checked_at = timezone.now()

    @transition(field=status, source=Status.CHECKED, target=Status.REQUESTED)
    def send_back(self) -> None:
        self.checked_at = None

    @transition(field=status, source=Status.CHECKED, target=Status.RELEASED)
    def release(self) -> None:
        self.released_at = timezone.now()

    @transition(field=status, source=Status.RELEASED, target=Status.EXPORTED)
    def mark_exported(self) -> None:
        self.exported_at = timezone.now()

    @transition(field=status, source=Status.EXPORTED, target=Status.PAID)
    def mark_paid(self) -> None:
        self.paid_at = timezone.now()

    @transition(field=status, source=WITH_APPLICANT, target=Status.REJECTED)
    def reject(self) -> None:
        self.closed_at = timezone.now()

    @transition(field=status, source=WITH_APPLICANT, target=Status.WITHDRAWN)
    def withdraw(self) -> None:
        self.closed_at = timezone.now()


class PayoutInvoice(models.Model):
    """One paid invoice listed in a payout request."""

    payout = models.ForeignKey(Payout, on_delete=models.CASCADE, related_name="invoices")
    issuer = models.CharField(_("Rechnungssteller"), max_length=200)
    number = models.CharField(_("Rechnungsnummer"), max_length=100)
    invoice_date = models.DateField(_("Rechnungsdatum"))
    amount = models.DecimalField(_("Betrag (EUR)"), max_digits=12, decimal_places=2)
    cost_type = models.ForeignKey(CostType, on_delete=models.PROTECT, verbose_name=_("Kostenart"))
    # Dated before the measure could start (approval, or submission when an early start
    # was allowed): kept as a flag for the clerk, who must record why it is accepted.
    before_start = models.BooleanField(_("vor zulässigem Maßnahmebeginn datiert"), default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("Rechnung")
        verbose_name_plural = _("Rechnungen")
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payout_invoice_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.issuer} {self.number}"


def invoice_file_path(instance: InvoiceFile, filename: str) -> str:
    # The stored name never contains the user's file name: no path tricks, no collisions.
    payout = instance.payout
    return f"payouts/{payout.application.programme_year.year}/{payout.application_id}/{payout.pk}/{instance.token}"


class InvoiceFile(StoredUpload):
    """A scan of invoices or proofs of payment."""

    payout = models.ForeignKey(Payout, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to=invoice_file_path, max_length=200)

    class Meta(StoredUpload.Meta):
        verbose_name = _("Beleg")
        verbose_name_plural = _("Belege")


class SepaBatch(ConcurrentTransitionMixin, models.Model):
    """A SEPA credit-transfer file (pain.001) with the released payouts it pays.

    ``xml`` and ``sha256`` are written once at creation and never changed: the file the
    bank receives is the file on record.
    """

    class Status(models.TextChoices):
        CREATED = "created", _("erstellt")
        EXPORTED = "exported", _("an die Bank übergeben")
        BOOKED = "booked", _("als ausgezahlt gebucht")

    number = models.CharField(_("Nummer"), max_length=20, unique=True)
    status = FSMField(_("Status"), default=Status.CREATED, choices=Status.choices, protected=True, db_index=True)
    schema = models.CharField(_("Schema"), max_length=20)
    message_id = models.CharField(_("Nachrichten-ID"), max_length=35, unique=True)
    execution_date = models.DateField(_("Ausführungstermin"))
    debtor_name = models.CharField(_("Auftraggeber"), max_length=70)
    debtor_iban = models.CharField(_("IBAN des Auftraggebers"), max_length=34)
    debtor_bic = models.CharField(_("BIC des Auftraggebers"), max_length=11, blank=True)
    transaction_count = models.PositiveIntegerField(_("Anzahl der Überweisungen"))
    control_sum = models.DecimalField(_("Kontrollsumme (EUR)"), max_digits=14, decimal_places=2)
    xml = models.TextField(_("XML"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("erstellt am"), default=timezone.now)
    exported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    exported_at = models.DateTimeField(_("an die Bank übergeben am"), null=True, blank=True)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    booked_at = models.DateTimeField(_("gebucht am"), null=True, blank=True)
    value_date = models.DateField(_("Wertstellung"), null=True, blank=True)

    class Meta:
        verbose_name = _("SEPA-Sammelüberweisung")
        verbose_name_plural = _("SEPA-Sammelüberweisungen")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(transaction_count__gt=0), name="sepa_batch_not_empty"),
            models.CheckConstraint(condition=Q(control_sum__gt=0), name="sepa_batch_control_sum_positive"),
            models.CheckConstraint(
                condition=~Q(status="booked") | Q(value_date__isnull=False), name="sepa_batch_booked_has_value_date"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.get_status_display()})"

    @property
    def file_name(self) -> str:
        return f"{self.number}.xml"

    @property
    def xml_bytes(self) -> bytes:
        return self.xml.encode("utf-8")

    @transition(field=status, source=Status.CREATED, target=Status.EXPORTED)
    def mark_exported(self) -> None:
        self.exported_at = timezone.now()

    @transition(field=status, source=Status.EXPORTED, target=Status.BOOKED)
    def book(self) -> None:
        self.booked_at = timezone.now()


class SepaBatchLine(models.Model):
    """One credit transfer of a batch, as written into its XML.

    ``payout`` is unique: the database itself refuses a payout in a second batch.
    """

    batch = models.ForeignKey(SepaBatch, on_delete=models.PROTECT, related_name="lines")
    payout = models.OneToOneField(Payout, on_delete=models.PROTECT, related_name="sepa_line")
    end_to_end_id = models.CharField(_("Ende-zu-Ende-Referenz"), max_length=35)
    amount = models.DecimalField(_("Betrag (EUR)"), max_digits=12, decimal_places=2)
    creditor_name = models.CharField(_("Empfänger"), max_length=70)
    iban = models.CharField(_("IBAN"), max_length=34)
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    remittance = models.CharField(_("Verwendungszweck"), max_length=140)

    class Meta:
        verbose_name = _("Überweisung")
        verbose_name_plural = _("Überweisungen")
        ordering = ["batch", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="sepa_line_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.end_to_end_id}: {self.amount}"


class LedgerEntry(models.Model):
    class Kind(models.TextChoices):
        COMMITMENT = "commitment", _("Bindung")
        RELEASE = "release", _("Freigabe")
        PAYOUT = "payout", _("Auszahlung")
        REFUND = "refund", _("Rückzahlung")

    programme_year = models.ForeignKey(ProgrammeYear, on_delete=models.PROTECT, related_name="ledger_entries")
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="ledger_entries")
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="ledger_entries")
    # Set on payout entries: the payout they pay, so that none is ever booked twice.
    payout = models.ForeignKey(Payout, on_delete=models.PROTECT, null=True, blank=True, related_name="ledger_entries")
    kind = models.CharField(_("Art"), max_length=12, choices=Kind.choices)
    amount = models.DecimalField(_("Betrag (EUR)"), max_digits=14, decimal_places=2)
    booked_at = models.DateTimeField(_("gebucht am"), default=timezone.now)
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    note = models.CharField(_("Vermerk"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("Buchung")
        verbose_name_plural = _("Haushaltsbuch")
        ordering = ["booked_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="ledger_amount_positive"),
            # One commitment per application: approval books it exactly once.
            models.UniqueConstraint(
                fields=["application"], condition=Q(kind="commitment"), name="ledger_one_commitment_per_application"
            ),
            # One payout entry per payout: booking a bank statement twice has no second effect.
            models.UniqueConstraint(
                fields=["payout"], condition=Q(kind="payout"), name="ledger_one_payout_entry_per_payout"
            ),
        ]
        indexes = [models.Index(fields=["programme_year", "municipality", "kind"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount} ({self.application_id})"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Ledger entries are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Ledger entries are append-only.")


class BaseRate(models.Model):
    """The Basiszinssatz per § 247 BGB as published by the Deutsche Bundesbank.

    One row per half-year (1 January, 1 July), also when the rate stayed the same, so
    the table says how far it is known. The history up to 2026 ships with the
    application (``budgets/data/basiszinssatz.csv``, loaded by migrations); each later
    publication is entered by an administrator (``budgets.base_rates.base_rate_add``).
    A published rate never changes: rows are only ever added.
    """

    valid_from = models.DateField(_("gültig ab"), unique=True)
    rate = models.DecimalField(_("Basiszinssatz (Prozent)"), max_digits=5, decimal_places=2)
    source = models.CharField(_("Quelle"), max_length=200)
    published_on = models.DateField(_("veröffentlicht am"), null=True, blank=True)
    # Empty for rows that did not come through the page: the shipped history, the demo.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("eingetragen am"), default=timezone.now)

    class Meta:
        verbose_name = _("Basiszinssatz")
        verbose_name_plural = _("Basiszinssätze")
        ordering = ["valid_from"]
        constraints = [
            # § 247 Abs. 1 Satz 2 BGB: the rate changes on 1 January and 1 July only.
            models.CheckConstraint(
                condition=Q(valid_from__day=1) & Q(valid_from__month__in=[1, 7]),
                name="base_rate_starts_a_half_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.valid_from:%d.%m.%Y}: {self.rate} %"

    def save(self, *args, **kwargs):
        # Interest already computed rests on the published value; a correction would rewrite it.
        if not self._state.adding:
            raise ValueError("A published base rate is never changed.")
        super().save(*args, **kwargs)


class RefundClaim(models.Model):
    """A refund claim (Rückforderung) after the review of a proof of use.

    The principal is what was paid and not used or not eligible; it goes back to the
    ledger as one "refund" entry when the money arrives. Interest per § 49a Abs. 3
    VwVfG (5 percentage points above the Basiszinssatz a year, from ``arises_on`` to
    the day of payment) is computed then and recorded here, not in the ledger: it is
    general revenue of the budget, not programme money that could be committed again.
    """

    number = models.CharField(_("Nummer"), max_length=20, unique=True)
    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="refund_claims", verbose_name=_("Antrag")
    )
    proof = models.OneToOneField(
        "grants.ProofOfUse",
        on_delete=models.PROTECT,
        related_name="refund_claim",
        verbose_name=_("Verwendungsnachweis"),
    )
    amount = models.DecimalField(_("Rückforderungsbetrag (EUR)"), max_digits=12, decimal_places=2)
    reason = models.TextField(_("Begründung"))
    # The whole amount paid is claimed back: the grant is revoked (Widerruf) in full.
    full_revocation = models.BooleanField(_("vollständiger Widerruf"), default=False)
    arises_on = models.DateField(_("Erstattungsanspruch entstanden am"))
    due_on = models.DateField(_("zu zahlen bis"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("angelegt am"), default=timezone.now)

    # Set once, when the refund is booked as received.
    paid_on = models.DateField(_("eingegangen am"), null=True, blank=True)
    # Computed with the payment date; stays empty (pending) while the Basiszinssatz of a
    # day of the period is not yet in the table, and is computed once it is.
    interest_amount = models.DecimalField(
        _("Zinsen nach § 49a Abs. 3 VwVfG (EUR)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    interest_calculation = models.TextField(_("Zinsberechnung"), blank=True)
    interest_computed_at = models.DateTimeField(_("Zinsen berechnet am"), null=True, blank=True)
    refund_entry = models.OneToOneField(
        LedgerEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="refund_claim"
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    booked_at = models.DateTimeField(_("gebucht am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Rückforderung")
        verbose_name_plural = _("Rückforderungen")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="refund_claim_amount_positive"),
            models.CheckConstraint(condition=Q(due_on__gte=F("arises_on")), name="refund_claim_due_after_arising"),
            models.CheckConstraint(
                condition=Q(paid_on__isnull=True) | Q(paid_on__gte=F("arises_on")),
                name="refund_claim_paid_after_arising",
            ),
            # Booked means: payment date and ledger entry, both or neither.
            models.CheckConstraint(
                condition=(Q(paid_on__isnull=True) & Q(refund_entry__isnull=True))
                | (Q(paid_on__isnull=False) & Q(refund_entry__isnull=False)),
                name="refund_claim_booked_completely",
            ),
            # Interest exists only for a payment, and is never negative.
            models.CheckConstraint(
                condition=Q(interest_amount__isnull=True) | (Q(paid_on__isnull=False) & Q(interest_amount__gte=0)),
                name="refund_claim_interest_after_payment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.amount} EUR)"

    @property
    def is_open(self) -> bool:
        return self.paid_on is None

    @property
    def interest_pending(self) -> bool:
        return self.paid_on is not None and self.interest_amount is None
