"""Documents: notices ("bescheide/") and reports for the ministry ("berichte/")."""

from django.urls import path

from workflows.documents import views

urlpatterns = [
    path("bescheide/<int:pk>/", views.notice_download, name="notice_download"),
    path("berichte/jahresbericht/<int:year>/", views.annual_report, name="annual_report"),
    path("berichte/exporte/<int:pk>/", views.report_export_download, name="report_export_download"),
]
