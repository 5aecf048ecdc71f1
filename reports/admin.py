"""Issued notices and exports are shown, never added, changed or deleted here."""

from django.contrib import admin

from reports.models import Notice, ReportExport


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdmin):
    list_display = ["number", "kind", "application", "issued_at", "issued_by", "supersedes", "rendered_at"]
    list_filter = ["kind"]
    search_fields = ["number", "application__file_number", "application__municipality__name"]
    list_select_related = ["application", "issued_by", "supersedes"]
    date_hierarchy = "issued_at"


@admin.register(ReportExport)
class ReportExportAdmin(ReadOnlyAdmin):
    list_display = ["exporter", "year", "status", "requested_by", "requested_at", "finished_at", "rows_written"]
    list_filter = ["exporter", "status", "year"]
    list_select_related = ["requested_by"]
