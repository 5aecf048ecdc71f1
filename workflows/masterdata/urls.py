"""The office's master-data pages, under "verwaltung/stammdaten/"."""

from django.urls import path

from workflows.masterdata import views

urlpatterns = [
    path("verwaltung/stammdaten/", views.overview, name="masterdata_overview"),
    path("verwaltung/stammdaten/mitgliedschaften/", views.membership_list, name="masterdata_membership_list"),
    path(
        "verwaltung/stammdaten/mitgliedschaften/hochladen/",
        views.membership_upload,
        name="masterdata_membership_upload",
    ),
    path(
        "verwaltung/stammdaten/mitgliedschaften/<str:ags>/",
        views.membership_detail,
        name="masterdata_membership_detail",
    ),
    path("verwaltung/stammdaten/programmjahre/", views.programme_year_list, name="masterdata_programme_year_list"),
    path("verwaltung/stammdaten/programmjahre/neu/", views.programme_year_new, name="masterdata_programme_year_new"),
    path(
        "verwaltung/stammdaten/programmjahre/<int:year>/",
        views.programme_year_edit,
        name="masterdata_programme_year_edit",
    ),
    path(
        "verwaltung/stammdaten/programmjahre/<int:year>/textbausteine/<str:kind>/",
        views.legal_text_edit,
        name="masterdata_legal_text_edit",
    ),
]
