"""The office's files: one case page per application under "akten/"."""

from django.urls import path

from workflows.cases import views_case

urlpatterns = [
    path("akten/<int:pk>/", views_case.case_detail, name="case_detail"),
]
