from django.urls import path

from samleng.plans import (
    scorecard_views,
    views,
    views_advocacy,
    views_cbo_staff,
    views_resources,
    views_scorecards_staff,
    views_staff,
)

app_name = "plans"
urlpatterns = [
    # Public community scorecards (counts and medians; staff of the province also see those not public).
    # Staff of the facility's province enter and edit scorecards (views_scorecards_staff).
    path("plans/facilities/<str:facility_id>/scorecards/new/", views_scorecards_staff.scorecard_new,
         name="scorecard_new"),
    path("plans/scorecards/<str:scorecard_id>/edit/", views_scorecards_staff.scorecard_edit, name="scorecard_edit"),
    path("plans/scorecards/<str:scorecard_id>/remove/", views_scorecards_staff.scorecard_remove,
         name="scorecard_remove"),
    path("plans/scorecards/<str:scorecard_id>/criteria/new/", views_scorecards_staff.criterion_new,
         name="criterion_new"),
    path("plans/scorecards/<str:scorecard_id>/criteria/<int:number>/edit/", views_scorecards_staff.criterion_edit,
         name="criterion_edit"),
    path("plans/scorecards/<str:scorecard_id>/criteria/<int:number>/remove/", views_scorecards_staff.criterion_remove,
         name="criterion_remove"),
    path("plans/scorecards/<str:scorecard_id>/", scorecard_views.scorecard_detail, name="scorecard"),
    path("plans/facilities/<str:facility_id>/scorecards/", scorecard_views.facility_scorecards,
         name="facility_scorecards"),
    # Staff who write plans (views_staff): before the public plan's path, which "new" would match.
    path("plans/new/", views_staff.plan_new, name="plan_new"),
    path("plans/<str:joint_plan_id>/edit/", views_staff.plan_edit, name="plan_edit"),
    path("plans/<str:joint_plan_id>/recommendations/new/", views_staff.recommendation_new, name="recommendation_new"),
    path("plans/<str:joint_plan_id>/recommendations/<int:number>/edit/", views_staff.recommendation_edit,
         name="recommendation_edit"),
    path("plans/<str:joint_plan_id>/recommendations/<int:number>/remove/", views_staff.recommendation_remove,
         name="recommendation_remove"),
    path("plans/<str:joint_plan_id>/actions/new/", views_staff.action_new, name="action_new"),
    path("plans/actions/<str:action_id>/edit/", views_staff.action_edit, name="action_edit"),
    path("plans/actions/<str:action_id>/remove/", views_staff.action_remove, name="action_remove"),
    # Public: a plan marked public, and a district's public plans.
    path("plans/<str:joint_plan_id>/", views.public_plan, name="public_plan"),
    path("plans/district/<str:code>/", views.public_district, name="public_district"),
    # Staff and the authority's users: the plans they follow, following a plan and its actions.
    path("plans/", views.plan_list, name="list"),
    path("plans/<str:joint_plan_id>/follow/", views.plan_follow, name="follow"),
    path("plans/actions/<str:action_id>/update/", views.action_update_new, name="update_new"),
    path("plans/updates/<int:pk>/confirm/", views.update_confirm, name="update_confirm"),
    # The resources CBOs mobilise: a CBO's (its staff; a public CBO's totals for anyone), the programme's totals.
    path("plans/cbos/resources/", views_resources.programme_resources, name="resources"),
    path("plans/cbos/<int:pk>/resources/", views_resources.cbo_resources, name="cbo_resources"),
    path("plans/cbos/<int:pk>/resources/new/", views_resources.resource_new, name="resource_new"),
    # A CBO's advocacy plans and their activities: its staff and its own representatives.
    path("plans/cbos/<int:pk>/advocacy/", views_advocacy.cbo_advocacy_plans, name="cbo_advocacy_plans"),
    # Staff whose scope covers the CBO edit and remove its resources, advocacy plans and activities.
    path("plans/resources/<str:resource_id>/edit/", views_cbo_staff.resource_edit, name="resource_edit"),
    path("plans/resources/<str:resource_id>/remove/", views_cbo_staff.resource_remove, name="resource_remove"),
    path("plans/cbos/<int:pk>/advocacy/new/", views_cbo_staff.advocacy_plan_new, name="advocacy_plan_new"),
    path("plans/advocacy/<str:plan_id>/edit/", views_cbo_staff.advocacy_plan_edit, name="advocacy_plan_edit"),
    path("plans/advocacy/<str:plan_id>/remove/", views_cbo_staff.advocacy_plan_remove, name="advocacy_plan_remove"),
    path("plans/advocacy/<str:plan_id>/activities/new/", views_cbo_staff.activity_new, name="activity_new"),
    path("plans/advocacy/<str:plan_id>/activities/<int:number>/edit/", views_cbo_staff.activity_edit,
         name="activity_edit"),
    path("plans/advocacy/<str:plan_id>/activities/<int:number>/remove/", views_cbo_staff.activity_remove,
         name="activity_remove"),
]
