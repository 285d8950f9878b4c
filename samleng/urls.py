from django.contrib import admin
from django.urls import include, path

from samleng import views
from samleng.api import api

urlpatterns = [
    path("", views.home, name="home"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("", include("samleng.accounts.urls")),
    path("", include("samleng.places.urls")),
    path("", include("samleng.cbos.urls")),
    path("", include("samleng.advocacy.urls")),
    path("", include("samleng.engagement.urls")),
    path("", include("samleng.transparency.urls")),
    path("", include("samleng.budgets.urls")),
    path("", include("samleng.results.urls")),
    path("", include("samleng.imports.urls")),
]
# Uploaded files (evidence, workbooks) are never served from a public media URL, not even in development:
# they may show people. Views that check access serve them (advocacy:update_evidence).
