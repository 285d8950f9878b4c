from django.urls import path

from samleng.comments import views, views_answers

app_name = "comments"
urlpatterns = [
    path("comments/new/", views.comment_start, name="start"),
    path("comments/new/<str:commune_code>/", views.comment_new, name="new"),
    path("comments/follow/", views.comment_follow, name="follow"),
    path("comments/facility/<str:facility_id>/", views.facility_comments, name="facility"),
    path("comments/<int:pk>/", views.comment_detail, name="comment"),
    path("comments/<int:pk>/photo/", views.comment_photo, name="photo"),
    path("comments/answers/", views_answers.answer_inbox, name="answers"),
    path("comments/<int:pk>/answer/", views_answers.answer_comment, name="answer"),
    path("comments/<int:pk>/flag/", views.comment_flag, name="flag"),
    path("comments/moderation/", views.moderation_queue, name="moderation"),
    path("comments/moderation/<int:pk>/", views.moderation_act, name="moderate"),
    path("comments/moderation/<int:pk>/photo/", views.moderation_photo, name="moderation_photo"),
    path("comments/moderation/<int:pk>/merge/", views_answers.moderation_merge, name="merge"),
    path("comments/moderation/answers/<int:pk>/", views_answers.moderation_answer, name="moderate_answer"),
    path("comments/moderation/offices/", views_answers.moderation_offices, name="moderation_offices"),
]
