"""Public pages of core: the legal pages."""

from django.urls import path

from core import views

urlpatterns = [
    path("datenschutz/", views.legal_privacy, name="legal_privacy"),
    path("impressum/", views.legal_imprint, name="legal_imprint"),
    path("barrierefreiheit/", views.legal_accessibility, name="legal_accessibility"),
]
