from django.urls import path

from samleng.comments import views

app_name = "comments"
urlpatterns = [
    path("comments/new/", views.comment_start, name="start"),
    path("comments/new/<str:commune_code>/", views.comment_new, name="new"),
    path("comments/follow/", views.comment_follow, name="follow"),
]
