"""Bulk actions of the office, beside the lists they start from (under "arbeitskorb/")."""

from django.urls import path

from workflows.bulk import views

urlpatterns = [
    path("arbeitskorb/warteschlange/uebernehmen/", views.office_queue_claim, name="office_queue_claim"),
    path("arbeitskorb/verwendungsnachweise/erinnern/", views.proof_office_remind, name="proof_office_remind"),
    path("arbeitskorb/sammelaktionen/<str:token>/", views.bulk_result, name="bulk_result"),
]
