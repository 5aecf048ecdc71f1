"""The workflow screens, one package per process."""

from django.urls import include, path

urlpatterns = [
    path("", include("workflows.home.urls")),
    path("", include("workflows.applications.urls")),
    path("", include("workflows.cases.urls")),
    path("", include("workflows.documents.urls")),
    path("", include("workflows.payouts.urls")),
    path("", include("workflows.proofs.urls")),
    path("", include("workflows.bulk.urls")),
    path("", include("workflows.base_rates.urls")),
    path("", include("workflows.legal.urls")),
    path("", include("workflows.masterdata.urls")),
    path("", include("workflows.dashboard.urls")),
]
