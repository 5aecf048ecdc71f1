from django.urls import path

from grants import views

urlpatterns = [
    path("kommune/", views.my_municipalities, name="my_municipalities"),
    path("kommune/<str:ags>/", views.municipality_detail, name="municipality_detail"),
    path("kommune/<str:ags>/anschrift/", views.municipality_address_edit, name="municipality_address_edit"),
]
