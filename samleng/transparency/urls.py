from django.urls import path  # noqa: F401

from samleng.transparency import views  # noqa: F401

app_name = "transparency"
urlpatterns = []
