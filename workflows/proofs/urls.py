"""Proof of use screens: the municipality's under "antraege/", the clerks' under "arbeitskorb/"."""

from django.urls import path

from workflows.proofs import views

urlpatterns = [
    path("antraege/<int:pk>/verwendungsnachweis/", views.proof_applicant, name="proof_applicant"),
    path("arbeitskorb/verwendungsnachweise/", views.proof_office_list, name="proof_office_list"),
    path("arbeitskorb/verwendungsnachweise/<int:pk>/", views.proof_office_review, name="proof_office_review"),
]
