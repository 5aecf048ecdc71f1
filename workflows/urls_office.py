"""Programme-office screens, all under "arbeitskorb/"."""

from django.urls import path

from workflows import views_office as views

urlpatterns = [
    path("arbeitskorb/warteschlange/", views.office_queue, name="office_queue"),
    path("arbeitskorb/<int:pk>/", views.office_review, name="office_review"),
    path("arbeitskorb/<int:pk>/entscheidung/", views.office_decision, name="office_decision"),
]
