"""Administration screens of the application itself (not Django's /admin/), under "verwaltung/"."""

from django.urls import path

from workflows import views_base_rates as views

urlpatterns = [
    path("verwaltung/basiszinssatz/", views.base_rate_list, name="base_rate_list"),
]
