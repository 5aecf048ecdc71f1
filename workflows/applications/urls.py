"""The application's screens: the municipality's under "antraege/", the office's under "arbeitskorb/"."""

from django.urls import path

from workflows.applications import views_applicant, views_office

urlpatterns = [
    path("antraege/neu/", views_applicant.applicant_application_new, name="applicant_application_new"),
    path("antraege/<int:pk>/", views_applicant.applicant_application_detail, name="applicant_application_detail"),
    path(
        "antraege/<int:pk>/bearbeiten/", views_applicant.applicant_application_edit, name="applicant_application_edit"
    ),
    path("antraege/<int:pk>/anlagen/", views_applicant.applicant_attachment_upload, name="applicant_attachment_upload"),
    path(
        "antraege/<int:pk>/anlagen/<int:attachment_pk>/",
        views_applicant.attachment_download,
        name="attachment_download",
    ),
    path(
        "antraege/<int:pk>/anlagen/<int:attachment_pk>/entfernen/",
        views_applicant.applicant_attachment_delete,
        name="applicant_attachment_delete",
    ),
    path(
        "antraege/<int:pk>/programmjahr/", views_applicant.applicant_application_move, name="applicant_application_move"
    ),
    path(
        "antraege/<int:pk>/zurueckziehen/",
        views_applicant.applicant_application_withdraw,
        name="applicant_application_withdraw",
    ),
    path(
        "antraege/<int:pk>/antworten/",
        views_applicant.applicant_application_answer,
        name="applicant_application_answer",
    ),
    path(
        "antraege/<int:pk>/vorzeitiger-beginn/",
        views_applicant.applicant_application_early_start,
        name="applicant_application_early_start",
    ),
    path("arbeitskorb/warteschlange/", views_office.office_queue, name="office_queue"),
    path("arbeitskorb/<int:pk>/", views_office.office_review, name="office_review"),
    path("arbeitskorb/<int:pk>/entscheidung/", views_office.office_decision, name="office_decision"),
    path("arbeitskorb/<int:pk>/vorzeitiger-beginn/", views_office.office_early_start, name="office_early_start"),
]
