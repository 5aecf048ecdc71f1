"""Payout, SEPA and budget screens: the municipality's under "antraege/", the office's
under "auszahlungen/" and "haushalt/"."""

from django.urls import path

from workflows.payouts import views, views_budget, views_sepa

urlpatterns = [
    # The municipality.
    path("antraege/<int:pk>/mittelabruf/", views.applicant_payout_new, name="applicant_payout_new"),
    path(
        "antraege/<int:pk>/mittelabrufe/<int:payout_pk>/",
        views.applicant_payout_detail,
        name="applicant_payout_detail",
    ),
    path(
        "antraege/<int:pk>/mittelabrufe/<int:payout_pk>/zurueckziehen/",
        views.applicant_payout_withdraw,
        name="applicant_payout_withdraw",
    ),
    # Both: the municipality for its own payouts, the office for all.
    path(
        "mittelabrufe/<int:payout_pk>/belege/<int:file_pk>/",
        views.invoice_file_download,
        name="invoice_file_download",
    ),
    # The programme office.
    path("auszahlungen/", views.payout_queue, name="payout_queue"),
    path("auszahlungen/<int:pk>/", views.payout_office_detail, name="payout_office_detail"),
    path("auszahlungen/sepa/", views_sepa.sepa_overview, name="sepa_overview"),
    path("auszahlungen/sepa/<int:pk>/", views_sepa.sepa_batch_detail, name="sepa_batch_detail"),
    path("auszahlungen/sepa/<int:pk>/xml/", views_sepa.sepa_batch_download, name="sepa_batch_download"),
    path("haushalt/", views_budget.budget_overview, name="budget_overview"),
    path("haushalt/<int:year>/", views_budget.budget_overview, name="budget_year"),
    path("haushalt/<int:year>/verfall/", views_budget.budget_lapse, name="budget_lapse"),
]
