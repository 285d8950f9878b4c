from django.urls import path

from samleng.engagement import views

app_name = "engagement"
urlpatterns = [
    path("events/", views.event_list, name="list"),
    path("events/new/", views.event_create, name="create"),
    path("events/<int:pk>/", views.event_detail, name="detail"),
    path("events/<int:pk>/edit/", views.event_edit, name="edit"),
    path("events/<int:pk>/notice/", views.event_notice, name="notice"),
    path("events/<int:pk>/attendance/", views.event_attendance, name="attendance"),
    path("assessments/", views.assessment_list, name="assessments"),
    path("assessments/new/", views.assessment_create, name="assessment_create"),
]
