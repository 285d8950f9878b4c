from django.urls import path  # noqa: F401

from samleng.cbos import views  # noqa: F401

app_name = "cbos"
urlpatterns: list = []
