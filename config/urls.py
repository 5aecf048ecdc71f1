from django.contrib import admin
from django.urls import include, path

from accounts.views import language_set

urlpatterns = [
    path("admin/", admin.site.urls),
    # Django's set_language, which also stores a logged-in user's choice in the profile.
    path("i18n/setlang/", language_set, name="set_language"),
    path("konto/", include("accounts.urls")),
    path("", include("core.urls")),
    path("", include("workflows.municipality_users.urls")),
    path("", include("grants.urls")),
    path("", include("workflows.urls")),
    path("", include("api.urls")),
]
# Media (attachments, notices) is never served directly: views check permissions first.
