from django.urls import path

from samleng.plans import views

app_name = "plans"
urlpatterns = [
    # Public: a plan marked public, and a district's public plans.
    path("plans/<str:joint_plan_id>/", views.public_plan, name="public_plan"),
    path("plans/district/<str:code>/", views.public_district, name="public_district"),
    # Staff and the authority's users: the plans they follow, following a plan and its actions.
    path("plans/", views.plan_list, name="list"),
    path("plans/<str:joint_plan_id>/follow/", views.plan_follow, name="follow"),
    path("plans/actions/<str:action_id>/update/", views.action_update_new, name="update_new"),
    path("plans/updates/<int:pk>/confirm/", views.update_confirm, name="update_confirm"),
]
