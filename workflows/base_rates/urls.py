"""Administration screens of the application itself (not Django's /admin/), under "verwaltung/"."""

from django.urls import path

from workflows.base_rates import views

urlpatterns = [
    path("verwaltung/basiszinssatz/", views.base_rate_list, name="base_rate_list"),
]
