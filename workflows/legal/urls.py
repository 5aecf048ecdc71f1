"""The legal texts for administrators, under "verwaltung/" like the Basiszinssatz."""

from django.urls import path

from workflows.legal import views

urlpatterns = [
    path("verwaltung/rechtstexte/", views.legal_edit_list, name="legal_edit_list"),
    path("verwaltung/rechtstexte/<str:kind>/", views.legal_edit, name="legal_edit"),
]
