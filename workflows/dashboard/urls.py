"""The controllers' dashboard."""

from django.urls import path

from workflows.dashboard import views

urlpatterns = [
    path("berichte/uebersicht/", views.controller_dashboard, name="controller_dashboard"),
]
