"""Admin pieces shared by the apps."""

from __future__ import annotations

from django.contrib import admin

from core.models import ChangeRecord, LegalPage, LegalPageVersion


class ReadOnlyAdmin(admin.ModelAdmin):
    """For money and records that change only through the workflow services: the
    admin shows them, it never adds, edits or deletes them."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ChangeRecord)
class ChangeRecordAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor", "subject_type", "subject_label", "action"]
    list_filter = ["subject_type", "action"]
    search_fields = ["subject_label", "subject_id", "comment"]


# Legal pages change only through core.legal.legal_page_update (new version, history):
# the office edits them under /verwaltung/rechtstexte/, the admin only shows them.
@admin.register(LegalPage)
class LegalPageAdmin(ReadOnlyAdmin):
    list_display = ["kind", "title", "version", "updated_at", "updated_by"]


@admin.register(LegalPageVersion)
class LegalPageVersionAdmin(ReadOnlyAdmin):
    list_display = ["page", "version", "title", "at", "by"]
    list_filter = ["page"]
