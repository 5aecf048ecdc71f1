"""The administrators' page of API clients, under "verwaltung/"."""

from django.urls import path

from api import views_office

urlpatterns = [
    path("verwaltung/api-zugaenge/", views_office.api_client_list, name="api_client_list"),
    path(
        "verwaltung/api-zugaenge/<int:pk>/widerrufen/",
        views_office.api_client_revoke_view,
        name="api_client_revoke",
    ),
]
