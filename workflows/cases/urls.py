"""The office's files: all applications under "akten/"."""

from django.urls import path

from workflows.cases import views_list

urlpatterns = [
    path("akten/", views_list.case_list, name="case_list"),
    path("akten/export/", views_list.case_list_export, name="case_list_export"),
]
