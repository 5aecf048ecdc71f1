from django.contrib import admin

from budgets.models import BaseRate, LedgerEntry, Payout, RefundClaim, SepaBatch
from core.admin import ReadOnlyAdmin


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ["booked_at", "kind", "amount", "application", "municipality", "programme_year"]
    list_filter = ["kind", "programme_year"]
    search_fields = ["application__file_number", "municipality__name", "municipality__ags"]
    list_select_related = ["application", "municipality", "programme_year"]


@admin.register(Payout)
class PayoutAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "status", "application"]
    list_filter = ["status"]
    search_fields = ["application__file_number"]
    list_select_related = ["application"]


@admin.register(SepaBatch)
class SepaBatchAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "status"]
    list_filter = ["status"]
    exclude = ["xml"]


@admin.register(RefundClaim)
class RefundClaimAdmin(ReadOnlyAdmin):
    list_display = ["__str__"]


@admin.register(BaseRate)
class BaseRateAdmin(ReadOnlyAdmin):
    # New rates are entered on the application's own page (/verwaltung/basiszinssatz/),
    # which checks the half-year order under a lock; here they are only shown.
    list_display = ["valid_from", "rate", "source", "published_on", "created_by"]
    list_select_related = ["created_by"]
