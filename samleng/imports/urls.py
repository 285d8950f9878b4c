from django.urls import path  # noqa: F401

from samleng.imports import views  # noqa: F401

app_name = "imports"
urlpatterns: list = []
