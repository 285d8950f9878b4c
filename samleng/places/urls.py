from django.urls import path

from samleng.places import views

app_name = "places"
urlpatterns = [
    path("places/", views.search, name="search"),
]
