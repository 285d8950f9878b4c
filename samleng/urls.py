from django.contrib import admin
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

from samleng import views
from samleng.api import api

urlpatterns = [
    path("", views.home, name="home"),
    # The language switch of every page, without a CSRF token: a page with no other form then sets no CSRF
    # cookie (and can be cached as it is). Someone else's page switching your language is all it allows.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("", include("samleng.accounts.urls")),
    path("", include("samleng.places.urls")),
    path("", include("samleng.cbos.urls")),
    path("", include("samleng.advocacy.urls")),
    path("", include("samleng.engagement.urls")),
    path("", include("samleng.plans.urls")),
    path("", include("samleng.stories.urls")),
    path("", include("samleng.transparency.urls")),
    path("", include("samleng.comments.urls")),
    path("", include("samleng.comments.open311")),
    path("", include("samleng.notifications.urls")),
    path("", include("samleng.budgets.urls")),
    path("", include("samleng.assistant.urls")),
    path("", include("samleng.results.urls")),
    path("", include("samleng.imports.urls")),
]
# Uploaded files (evidence, workbooks) are never served from a public media URL, not even in development:
# they may show people. Views that check access serve them (advocacy:update_evidence).
