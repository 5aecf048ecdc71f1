"""Applicant screens, all under "antraege/"."""

from django.urls import path

from workflows import views_applicant as views

urlpatterns = [
    path("antraege/neu/", views.applicant_application_new, name="applicant_application_new"),
    path("antraege/<int:pk>/", views.applicant_application_detail, name="applicant_application_detail"),
    path("antraege/<int:pk>/bearbeiten/", views.applicant_application_edit, name="applicant_application_edit"),
    path("antraege/<int:pk>/anlagen/", views.applicant_attachment_upload, name="applicant_attachment_upload"),
    path(
        "antraege/<int:pk>/anlagen/<int:attachment_pk>/",
        views.attachment_download,
        name="attachment_download",
    ),
    path(
        "antraege/<int:pk>/anlagen/<int:attachment_pk>/entfernen/",
        views.applicant_attachment_delete,
        name="applicant_attachment_delete",
    ),
    path("antraege/<int:pk>/programmjahr/", views.applicant_application_move, name="applicant_application_move"),
    path(
        "antraege/<int:pk>/zurueckziehen/",
        views.applicant_application_withdraw,
        name="applicant_application_withdraw",
    ),
    path("antraege/<int:pk>/antworten/", views.applicant_application_answer, name="applicant_application_answer"),
]
