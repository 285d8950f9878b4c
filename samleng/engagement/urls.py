from django.urls import path  # noqa: F401

from samleng.engagement import views  # noqa: F401

app_name = "engagement"
urlpatterns: list = []
