from django.urls import path

from samleng.stories import views

app_name = "stories"
urlpatterns = [
    # Staff of the story's scope: the list, a new story, a story with its photos, consents and links.
    path("stories/staff/", views.staff_list, name="staff_list"),
    path("stories/staff/new/", views.story_new, name="new"),
    path("stories/staff/<str:story_id>/", views.staff_detail, name="staff_detail"),
    path("stories/staff/<str:story_id>/edit/", views.story_edit, name="edit"),
    path("stories/staff/<str:story_id>/photos/", views.photo_new, name="photo_new"),
    path("stories/staff/<str:story_id>/people/", views.person_new, name="person_new"),
    path("stories/staff/<str:story_id>/links/", views.link_new, name="link_new"),
    path("stories/staff/links/<int:pk>/remove/", views.link_delete, name="link_delete"),
    path("stories/staff/photos/<int:pk>/remove/", views.photo_delete, name="photo_delete"),
    path("stories/staff/consents/<int:pk>/withdraw/", views.consent_withdraw, name="consent_withdraw"),
    # A photo: public with its consent, else for staff of the story's scope.
    path("stories/photos/<int:pk>/", views.photo_file, name="photo"),
    # Public, no login, no script.
    path("stories/", views.public_list, name="public_list"),
    path("stories/<str:story_id>/", views.public_detail, name="public_detail"),
]
