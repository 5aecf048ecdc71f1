"""Start pages per role."""

from django.urls import path

from workflows.home import views

urlpatterns = [
    path("", views.home, name="home"),
    path("antraege/", views.applicant_home, name="applicant_home"),
    path("arbeitskorb/", views.worklist, name="worklist"),
    path("berichte/", views.reports_home, name="reports_home"),
]
