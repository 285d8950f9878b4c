from django.urls import path

from samleng.plans import views, views_staff

app_name = "plans"
urlpatterns = [
    # Staff who write plans (views_staff): before the public plan's path, which "new" would match.
    path("plans/new/", views_staff.plan_new, name="plan_new"),
    path("plans/<str:joint_plan_id>/edit/", views_staff.plan_edit, name="plan_edit"),
    path("plans/<str:joint_plan_id>/recommendations/new/", views_staff.recommendation_new, name="recommendation_new"),
    path("plans/<str:joint_plan_id>/recommendations/<int:number>/edit/", views_staff.recommendation_edit,
         name="recommendation_edit"),
    path("plans/<str:joint_plan_id>/actions/new/", views_staff.action_new, name="action_new"),
    path("plans/actions/<str:action_id>/edit/", views_staff.action_edit, name="action_edit"),
    # Public: a plan marked public, and a district's public plans.
    path("plans/<str:joint_plan_id>/", views.public_plan, name="public_plan"),
    path("plans/district/<str:code>/", views.public_district, name="public_district"),
    # Staff and the authority's users: the plans they follow, following a plan and its actions.
    path("plans/", views.plan_list, name="list"),
    path("plans/<str:joint_plan_id>/follow/", views.plan_follow, name="follow"),
    path("plans/actions/<str:action_id>/update/", views.action_update_new, name="update_new"),
    path("plans/updates/<int:pk>/confirm/", views.update_confirm, name="update_confirm"),
]
