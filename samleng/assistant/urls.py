from django.urls import path

from samleng.assistant import views

app_name = "assistant"

urlpatterns = [
    path("assistant/", views.chat, name="chat"),
    path("assistant/services/", views.knowledge, name="knowledge"),
    path("assistant/unanswered/", views.unanswered, name="unanswered"),
    path("assistant/unanswered/<int:pk>/", views.unanswered_answer, name="unanswered_answer"),
]
