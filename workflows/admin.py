from django.contrib import admin

from core.admin import ReadOnlyAdmin
from workflows.models import AuditRecord, CaseNote, StaffNotification


@admin.register(AuditRecord)
class AuditRecordAdmin(ReadOnlyAdmin):
    list_display = ["at", "action", "application", "payout", "proof_of_use", "actor", "from_state", "to_state"]
    list_filter = ["action"]
    search_fields = ["application__file_number", "payout__number", "action", "comment"]
    list_select_related = ["application", "payout", "proof_of_use", "actor"]


@admin.register(CaseNote)
class CaseNoteAdmin(ReadOnlyAdmin):
    """Read only, like the audit trail: a note is part of the file (see ``CaseNote``)."""

    list_display = ["created_at", "application", "author"]
    search_fields = ["application__file_number", "text"]
    list_select_related = ["application", "author"]


@admin.register(StaffNotification)
class StaffNotificationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "user", "event", "application", "sent_at"]
    list_filter = ["event", "sent_at"]
    search_fields = ["user__username", "user__email", "application__file_number", "event"]
    list_select_related = ["user", "application"]
