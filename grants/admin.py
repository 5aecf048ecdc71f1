from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdmin
from core.forms import GermanDecimalField
from grants.models import (
    Affiliation,
    Application,
    CostType,
    Kreis,
    Land,
    LegalTextBlock,
    MembershipStatus,
    Municipality,
    ProgrammeYear,
    ProofOfUse,
    StructuralStatus,
)
from grants.services import affiliation_create, affiliation_delete


@admin.register(Land)
class LandAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Kreis)
class KreisAdmin(admin.ModelAdmin):
    list_display = ["ags", "name", "kind", "land"]
    list_filter = ["land", "kind"]
    search_fields = ["ags", "name"]
    list_select_related = ["land"]


class MembershipStatusInline(admin.TabularInline):
    model = MembershipStatus
    extra = 1
    fields = ["status", "since", "note"]


class StructuralStatusInline(admin.TabularInline):
    model = StructuralStatus
    fk_name = "municipality"
    extra = 0
    fields = ["status", "source", "valid_from", "valid_to"]
    verbose_name_plural = _("Strukturstatus (abweichend vom Kreis)")


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["ags", "name", "kind", "kreis", "land", "population"]
    list_filter = ["land", "kind"]
    search_fields = ["ags", "name", "postcode"]
    list_select_related = ["land", "kreis"]
    raw_id_fields = ["kreis"]
    inlines = [MembershipStatusInline, StructuralStatusInline]


@admin.register(StructuralStatus)
class StructuralStatusAdmin(admin.ModelAdmin):
    list_display = ["__str__", "status", "valid_from", "valid_to", "source"]
    list_filter = ["status"]
    search_fields = ["kreis__name", "kreis__ags", "municipality__name", "municipality__ags"]
    raw_id_fields = ["kreis", "municipality"]


@admin.register(MembershipStatus)
class MembershipStatusAdmin(admin.ModelAdmin):
    list_display = ["municipality", "status", "since", "note"]
    list_filter = ["status"]
    search_fields = ["municipality__name", "municipality__ags"]
    raw_id_fields = ["municipality"]
    date_hierarchy = "since"


@admin.register(Affiliation)
class AffiliationAdmin(admin.ModelAdmin):
    list_display = ["user", "municipality", "created_at"]
    search_fields = ["user__username", "user__email", "municipality__name", "municipality__ags"]
    raw_id_fields = ["user", "municipality"]

    # The object permissions follow the affiliation, so both go through the service.
    def save_model(self, request, obj, form, change):
        if change:
            old = Affiliation.objects.get(pk=obj.pk)
            affiliation_delete(user=old.user, municipality=old.municipality)
        saved = affiliation_create(user=obj.user, municipality=obj.municipality)
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        affiliation_delete(user=obj.user, municipality=obj.municipality)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            affiliation_delete(user=obj.user, municipality=obj.municipality)


@admin.register(CostType)
class CostTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "billed_by_day"]


class LegalTextBlockInline(admin.StackedInline):
    model = LegalTextBlock
    extra = 0


@admin.register(ProgrammeYear)
class ProgrammeYearAdmin(admin.ModelAdmin):
    # Office staff type amounts the German way: "5.000,00".
    formfield_overrides = {models.DecimalField: {"form_class": GermanDecimalField}}
    list_display = ["year", "cap_per_municipality", "budget", "max_day_rate", "application_deadline"]
    filter_horizontal = ["eligible_cost_types"]
    inlines = [LegalTextBlockInline]
    fieldsets = [
        (None, {"fields": ["year", "rule_set_version", "anbest_pdf"]}),
        (_("Geld"), {"fields": ["cap_per_municipality", "budget", "max_day_rate", "eligible_cost_types"]}),
        (
            _("Fristen"),
            {
                "fields": [
                    "application_deadline",
                    "invoice_deadline",
                    "payout_window_start",
                    "payout_window_end",
                    "proof_of_use_months",
                ]
            },
        ),
    ]


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ["file_number", "title", "municipality", "programme_year", "status", "requested_amount"]
    list_filter = ["status", "programme_year"]
    search_fields = ["file_number", "title", "municipality__name", "municipality__ags"]
    list_select_related = ["municipality", "programme_year"]


@admin.register(ProofOfUse)
class ProofOfUseAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "status", "due_date"]
    list_filter = ["status"]
