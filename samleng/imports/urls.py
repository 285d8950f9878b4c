from django.urls import path

from samleng.imports import views

app_name = "imports"
urlpatterns = [
    path("imports/", views.upload, name="upload"),
    path("imports/<int:pk>/", views.run, name="run"),
    path("imports/template/<str:kind>.xlsx", views.template, name="template"),
    path("imports/export/<str:kind>.xlsx", views.export, name="export"),
    path("imports/spec/<str:kind>/", views.spec, name="spec"),
]
