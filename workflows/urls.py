from django.urls import include, path

from workflows import views

urlpatterns = [
    path("", views.home, name="home"),
    path("antraege/", views.applicant_home, name="applicant_home"),
    path("arbeitskorb/", views.worklist, name="worklist"),
    path("berichte/", views.reports_home, name="reports_home"),
    # Applicant screens (forms, own applications) and programme-office screens
    # (queue, review, decision) live in their own modules.
    path("", include("workflows.urls_applicant")),
    path("", include("workflows.urls_office")),
    path("", include("workflows.urls_documents")),
    path("", include("workflows.urls_payouts")),
    path("", include("workflows.urls_proof")),
    path("", include("workflows.urls_base_rates")),
]
