from django.urls import path

from samleng.assistant import views

app_name = "assistant"

urlpatterns = [
    path("assistant/", views.chat, name="chat"),
]
