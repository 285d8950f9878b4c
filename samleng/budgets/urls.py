from django.urls import path  # noqa: F401

from samleng.budgets import views  # noqa: F401

app_name = "budgets"
urlpatterns = []
