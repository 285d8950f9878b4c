from django.urls import path

from samleng.imports import views

app_name = "imports"
urlpatterns = [
    path("imports/", views.upload, name="upload"),
    path("imports/<int:pk>/", views.run, name="run"),
]
