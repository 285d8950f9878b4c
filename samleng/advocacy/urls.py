from django.urls import path  # noqa: F401

from samleng.advocacy import views  # noqa: F401

app_name = "advocacy"
urlpatterns: list = []
