from django.urls import path  # noqa: F401

from samleng.accounts import views  # noqa: F401

app_name = "accounts"
urlpatterns: list = []
