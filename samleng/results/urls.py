from django.urls import path  # noqa: F401

from samleng.results import views  # noqa: F401

app_name = "results"
urlpatterns = []
