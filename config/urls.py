from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("konto/", include("grants.auth_urls")),
    path("", include("core.urls")),
    path("", include("workflows.municipality_users.urls")),
    path("", include("grants.urls")),
    path("", include("workflows.urls")),
    path("", include("api.urls")),
]
# Media (attachments, notices) is never served directly: views check permissions first.
