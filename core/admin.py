"""Admin pieces shared by the apps."""

from __future__ import annotations

from django.contrib import admin

from core.models import ChangeRecord


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
