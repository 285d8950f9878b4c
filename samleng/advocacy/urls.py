from django.urls import path

from samleng.advocacy import views
from samleng.core.pagecache import public_page

#: The public list's filters and page (a text search is not cached: too many different pages).
_LIST_PARAMS = ("province", "district", "cbo_type", "topic", "status", "year", "main", "office", "page")

app_name = "advocacy"
urlpatterns = [
    # Staff pages (login; issues of the CBOs within the user's scope).
    path("issues/", views.issue_list, name="list"),
    path("cbos/<int:cbo_pk>/issues/new/", views.issue_create, name="create"),
    path("issues/<int:pk>/", views.issue_detail, name="detail"),
    path("issues/<int:pk>/edit/", views.issue_edit, name="edit"),
    path("issues/<int:pk>/updates/new/", views.update_create, name="update_create"),
    path("issues/<int:pk>/updates/<int:update_pk>/confirm/", views.update_confirm, name="update_confirm"),
    path("issues/<int:pk>/updates/<int:update_pk>/reject/", views.update_reject, name="update_reject"),
    path("issues/<int:pk>/updates/<int:update_pk>/evidence/", views.update_evidence, name="update_evidence"),
    path("issues/<int:pk>/commitments/new/", views.commitment_create, name="commitment_create"),
    path("issues/<int:pk>/commitments/<int:commitment_pk>/kept/", views.commitment_kept, name="commitment_kept"),
    path("issues/<int:pk>/projects/", views.project_link, name="project_link"),
    path("issues/<int:pk>/projects/<int:link_pk>/remove/", views.project_unlink, name="project_unlink"),
    # Public pages (no login; public issues of public CBOs, nothing personal), cached for anonymous visitors
    # until a record of the apps they show changes (core.pagecache).
    path("public/issues/", public_page(params=_LIST_PARAMS, unless=("q",))(views.public_list),
         name="public_list"),
    path("public/issues/<int:pk>/", public_page()(views.public_detail), name="public_detail"),
]
