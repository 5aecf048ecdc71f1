"""Acting for a municipality; the office's users and requests."""

from django.urls import path

from workflows.municipality_users import views

urlpatterns = [
    # Before grants' kommune/<ags>/, which would otherwise take "anfragen" for a key.
    path("kommune/anfragen/", views.affiliation_request, name="affiliation_request"),
    path("kommune/suche/", views.municipality_lookup, name="municipality_lookup"),
    path("kommune/<str:ags>/kollegium/", views.municipality_users_action, name="municipality_users_action"),
    path("einladung/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("verwaltung/benutzer/", views.office_users, name="office_users"),
    path("verwaltung/benutzer/<int:pk>/", views.office_user_detail, name="office_user_detail"),
    path("verwaltung/anfragen/", views.office_requests, name="office_requests"),
]
