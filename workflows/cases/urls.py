"""The office's files under "akten/": the list of all applications, its export, one case page per application."""

from django.urls import path

from workflows.cases import views_case, views_list

urlpatterns = [
    path("akten/", views_list.case_list, name="case_list"),
    path("akten/export/", views_list.case_list_export, name="case_list_export"),
    path("akten/<int:pk>/", views_case.case_detail, name="case_detail"),
]
