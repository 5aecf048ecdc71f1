"""Master data: territory (Länder, Kreise, Gemeinden), structural status,
membership in the network, user affiliations and programme years with their rules."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

ags_land_validator = RegexValidator(r"^\d{2}$", _("Der Länderschlüssel hat zwei Ziffern."))
ags_kreis_validator = RegexValidator(r"^\d{5}$", _("Der Kreisschlüssel hat fünf Ziffern."))
ags_validator = RegexValidator(r"^\d{8}$", _("Der Amtliche Gemeindeschlüssel hat acht Ziffern."))


class Land(models.Model):
    """A federal state (Bundesland); ``code`` is the first two digits of every AGS."""

    code = models.CharField(_("Länderschlüssel"), max_length=2, unique=True, validators=[ags_land_validator])
    name = models.CharField(_("Name"), max_length=100)

    class Meta:
        verbose_name = _("Land")
        verbose_name_plural = _("Länder")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Kreis(models.Model):
    """A district (Landkreis, Kreis) or district-free city; ``ags`` has five digits."""

    class Kind(models.TextChoices):
        # Keys follow the Destatis "Textkennzeichen" of record type 40.
        KREISFREIE_STADT = "41", _("Kreisfreie Stadt")
        STADTKREIS = "42", _("Stadtkreis")
        KREIS = "43", _("Kreis")
        LANDKREIS = "44", _("Landkreis")
        REGIONALVERBAND = "45", _("Regionalverband")

    ags = models.CharField(_("Kreisschlüssel"), max_length=5, unique=True, validators=[ags_kreis_validator])
    name = models.CharField(_("Name"), max_length=150)
    kind = models.CharField(_("Art"), max_length=2, choices=Kind.choices)
    land = models.ForeignKey(Land, on_delete=models.PROTECT, related_name="kreise", verbose_name=_("Land"))

    class Meta:
        verbose_name = _("Kreis")
        verbose_name_plural = _("Kreise")
        ordering = ["ags"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"


class Municipality(models.Model):
    """A Gemeinde with its Amtlicher Gemeindeschlüssel (AGS, 8 digits).

    Source of the data: Statistisches Bundesamt (Destatis), Gemeindeverzeichnis,
    Datenlizenz Deutschland – Namensnennung – 2.0.
    """

    class Kind(models.TextChoices):
        # Keys follow the Destatis "Textkennzeichen" of record type 60.
        MARKT = "60", _("Markt")
        KREISFREIE_STADT = "61", _("Kreisfreie Stadt")
        STADTKREIS = "62", _("Stadtkreis")
        STADT = "63", _("Stadt")
        GEMEINDE = "64", _("Kreisangehörige Gemeinde")
        GEMEINDEFREI_BEWOHNT = "65", _("Gemeindefreies Gebiet, bewohnt")
        GEMEINDEFREI_UNBEWOHNT = "66", _("Gemeindefreies Gebiet, unbewohnt")
        GROSSE_KREISSTADT = "67", _("Große Kreisstadt")

    ags = models.CharField(_("AGS"), max_length=8, unique=True, validators=[ags_validator])
    name = models.CharField(_("Name"), max_length=150, db_index=True)
    kind = models.CharField(_("Art"), max_length=2, choices=Kind.choices)
    land = models.ForeignKey(Land, on_delete=models.PROTECT, related_name="municipalities", verbose_name=_("Land"))
    # Empty only for the two unincorporated areas directly under a Land (coastal
    # waters, the German-Luxembourg condominium), which the directory lists as Kreis 000.
    kreis = models.ForeignKey(
        Kreis,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="municipalities",
        verbose_name=_("Kreis"),
    )
    population = models.PositiveIntegerField(_("Einwohner"), null=True, blank=True)
    area_km2 = models.DecimalField(_("Fläche (km²)"), max_digits=9, decimal_places=2, null=True, blank=True)
    postcode = models.CharField(_("Postleitzahl"), max_length=5, blank=True)
    # The directory's centre point (WGS 84, decimal degrees), for the controllers' map.
    # Empty where Destatis gives none (coastal waters, the German-Luxembourg condominium).
    longitude = models.DecimalField(_("Längengrad"), max_digits=9, decimal_places=6, null=True, blank=True)
    latitude = models.DecimalField(_("Breitengrad"), max_digits=9, decimal_places=6, null=True, blank=True)

    class Meta:
        verbose_name = _("Kommune")
        verbose_name_plural = _("Kommunen")
        ordering = ["name", "ags"]
        # Granted per object (django-guardian) through an affiliation: the root of
        # everything an applicant may see; their applications inherit it.
        permissions = [("act_for_municipality", _("Darf für die Kommune handeln"))]

    def __str__(self) -> str:
        return f"{self.name} ({self.ags})"


class StructuralStatus(models.Model):
    """GRW assisted-area status of a Kreis, or of one Gemeinde overriding its Kreis.

    A row is valid from ``valid_from`` to ``valid_to`` inclusive (open end when empty).
    """

    class Status(models.TextChoices):
        C = "C", _("GRW-Fördergebiet C")
        D = "D", _("GRW-Fördergebiet D")
        NONE = "none", _("kein Fördergebiet")

    kreis = models.ForeignKey(
        Kreis, on_delete=models.CASCADE, null=True, blank=True, related_name="structural_statuses"
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, null=True, blank=True, related_name="structural_statuses"
    )
    status = models.CharField(_("Status"), max_length=4, choices=Status.choices)
    source = models.CharField(_("Quelle"), max_length=300)
    valid_from = models.DateField(_("gültig ab"))
    valid_to = models.DateField(_("gültig bis"), null=True, blank=True)

    class Meta:
        verbose_name = _("Strukturstatus")
        verbose_name_plural = _("Strukturstatus")
        ordering = ["kreis__ags", "municipality__ags", "-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kreis__isnull=False) & Q(municipality__isnull=True))
                | (Q(kreis__isnull=True) & Q(municipality__isnull=False)),
                name="structural_status_one_subject",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="structural_status_period_ordered",
            ),
            models.UniqueConstraint(fields=["kreis", "valid_from"], name="structural_status_kreis_from_unique"),
            models.UniqueConstraint(
                fields=["municipality", "valid_from"], name="structural_status_municipality_from_unique"
            ),
        ]

    def __str__(self) -> str:
        subject = self.kreis or self.municipality
        return f"{subject}: {self.get_status_display()} ab {self.valid_from:%d.%m.%Y}"


# Order of priority in the queue: C before D before none.
STRUCTURAL_PRIORITY = {StructuralStatus.Status.C: 0, StructuralStatus.Status.D: 1, StructuralStatus.Status.NONE: 2}


class MembershipStatus(models.Model):
    """One change of a municipality's membership in the network.

    The history is a list of changes; the status on a date is the one of the latest
    change on or before that date.
    """

    class Status(models.TextChoices):
        APPLIED = "applied", _("beantragt")
        ACTIVE = "active", _("aktiv")
        SUSPENDED = "suspended", _("ruhend")
        ENDED = "ended", _("beendet")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="membership_statuses", verbose_name=_("Kommune")
    )
    status = models.CharField(_("Status"), max_length=10, choices=Status.choices)
    since = models.DateField(_("seit"))
    note = models.CharField(_("Bemerkung"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("erfasst am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Mitgliedschaftsstatus")
        verbose_name_plural = _("Mitgliedschaftsstatus")
        ordering = ["municipality__name", "-since"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "since"], name="membership_status_one_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.municipality}: {self.get_status_display()} seit {self.since:%d.%m.%Y}"


class Affiliation(models.Model):
    """A user works for a municipality and acts for it as an applicant."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="affiliations", verbose_name=_("Person")
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="affiliations", verbose_name=_("Kommune")
    )
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    # The Hauptansprechperson confirms and invites colleagues; one per municipality.
    is_main_contact = models.BooleanField(_("Hauptansprechperson"), default=False)

    class Meta:
        verbose_name = _("Zugehörigkeit")
        verbose_name_plural = _("Zugehörigkeiten")
        constraints = [
            models.UniqueConstraint(fields=["user", "municipality"], name="affiliation_unique"),
            models.UniqueConstraint(
                fields=["municipality"],
                condition=Q(is_main_contact=True),
                name="affiliation_one_main_contact",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.municipality}"


postcode_validator = RegexValidator(r"^[0-9]{5}$", _("Die Postleitzahl hat fünf Ziffern."))


class MunicipalityAddress(models.Model):
    """The postal address notices go to, and how the municipality is reached centrally.

    Destatis' directory has no street addresses; the municipality's main contact (or the
    office) enters them. Either street and house number or a PO box (Postfach), always
    postcode and town. Every change is kept in the master-data history (core.ChangeRecord).
    """

    municipality = models.OneToOneField(
        Municipality, on_delete=models.CASCADE, related_name="address", verbose_name=_("Kommune")
    )
    recipient = models.CharField(
        _("Empfänger (Behörde)"),
        max_length=120,
        blank=True,
        help_text=_("Zum Beispiel „Stadtverwaltung Gardelegen“. Leer: der Name der Kommune."),
    )
    street = models.CharField(_("Straße"), max_length=100, blank=True)
    house_number = models.CharField(_("Hausnummer"), max_length=12, blank=True)
    po_box = models.CharField(_("Postfach"), max_length=12, blank=True)
    postcode = models.CharField(_("Postleitzahl"), max_length=5, blank=True, validators=[postcode_validator])
    town = models.CharField(_("Ort"), max_length=80, blank=True)
    email = models.EmailField(_("Zentrale E-Mail-Adresse"), max_length=254, blank=True)
    phone = models.CharField(_("Zentrale Telefonnummer"), max_length=40, blank=True)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    class Meta:
        verbose_name = _("Anschrift der Kommune")
        verbose_name_plural = _("Anschriften der Kommunen")

    def __str__(self) -> str:
        return f"{self.municipality}: {self.postcode} {self.town}".strip()


class AffiliationRequest(models.Model):
    """A registered person asks to act for a municipality; its main contact or the office decides."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("angefragt")
        CONFIRMED = "confirmed", _("bestätigt")
        DECLINED = "declined", _("abgelehnt")
        WITHDRAWN = "withdrawn", _("zurückgezogen")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="affiliation_requests",
        verbose_name=_("Person"),
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="affiliation_requests", verbose_name=_("Kommune")
    )
    function = models.CharField(_("Funktion"), max_length=200)
    join_network = models.BooleanField(_("Mitgliedschaft beantragt"), default=False)
    status = models.CharField(_("Status"), max_length=10, choices=Status.choices, default=Status.REQUESTED)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entschieden von"),
    )
    decided_at = models.DateTimeField(_("entschieden am"), null=True, blank=True)
    decision_reason = models.TextField(_("Begründung"), blank=True)
    created_at = models.DateTimeField(_("angefragt am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Anfrage auf Zugehörigkeit")
        verbose_name_plural = _("Anfragen auf Zugehörigkeit")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "municipality"],
                condition=Q(status="requested"),
                name="affiliation_request_one_open",
            ),
            models.CheckConstraint(
                condition=Q(status="requested") | Q(status="withdrawn") | Q(decided_at__isnull=False),
                name="affiliation_request_decided_at",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.municipality} ({self.get_status_display()})"


class Invitation(models.Model):
    """A main contact invites a colleague by e-mail; the link works once, for seven days.

    Only the SHA-256 of the token is stored: whoever reads the database cannot accept it.
    """

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("Kommune")
    )
    email = models.EmailField(_("E-Mail-Adresse"))
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("eingeladen von")
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("eingeladen am"))
    expires_at = models.DateTimeField(_("gültig bis"))
    used_at = models.DateTimeField(_("angenommen am"), null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("angenommen von"),
    )
    revoked_at = models.DateTimeField(_("zurückgezogen am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Einladung")
        verbose_name_plural = _("Einladungen")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(expires_at__gt=models.F("created_at")), name="invitation_expires"),
            models.CheckConstraint(
                condition=Q(used_at__isnull=True, used_by__isnull=True)
                | Q(used_at__isnull=False, used_by__isnull=False),
                name="invitation_used_by_with_used_at",
            ),
            models.CheckConstraint(
                condition=Q(used_at__isnull=True) | Q(revoked_at__isnull=True), name="invitation_used_or_revoked"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.municipality}"
