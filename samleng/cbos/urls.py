from django.urls import path

from samleng.cbos import views

app_name = "cbos"
urlpatterns = [
    # Staff pages (login; each CBO within the user's scope).
    path("cbos/", views.cbo_list, name="list"),
    path("cbos/new/", views.cbo_create, name="create"),
    path("cbos/<int:pk>/", views.cbo_detail, name="detail"),
    path("cbos/<int:pk>/edit/", views.cbo_edit, name="edit"),
    path("cbos/<int:pk>/people/new/", views.representative_create, name="representative_create"),
    path("cbos/<int:pk>/people/<int:person_pk>/edit/", views.representative_edit, name="representative_edit"),
    path("cbos/<int:pk>/people/<int:person_pk>/delete/", views.representative_delete,
         name="representative_delete"),
    path("cbos/<int:pk>/people/<int:person_pk>/forget/", views.representative_forget,
         name="representative_forget"),
    # Public pages (no login; CBOs marked public, nothing personal).
    path("communities/", views.public_list, name="public_list"),
    path("communities/<int:pk>/", views.public_detail, name="public_detail"),
]
