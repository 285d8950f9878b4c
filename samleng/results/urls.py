from django.urls import path

from samleng.results import views, views_offices

app_name = "results"
urlpatterns = [
    # Each office's responsiveness, for everyone (views_offices): the ranking of a province's offices, an office.
    path("offices/", views_offices.office_ranking, name="offices"),
    path("offices/<str:office_id>/", views_offices.office_detail, name="office"),
    # Staff pages (login; NGO staff read, those who see everything change). Fixed words come before the
    # programme code so that a code can never hide them.
    path("results/", views.dashboard, name="dashboard"),
    path("results/snapshots/<int:pk>/<str:part>/", views.drilldown, name="drilldown"),
    path("results/reports/<int:pk>/issue/", views.report_issue, name="report_issue"),
    path("results/reports/<int:pk>/<str:fmt>/<str:lang>/", views.report_download, name="report_download"),
    path("results/<str:code>/", views.programme_detail, name="programme"),
    path("results/<str:code>/compute/", views.compute, name="compute"),
    path("results/<str:code>/differences/", views.differences, name="differences"),
    path("results/<str:code>/reports/", views.report_list, name="reports"),
    path("results/<str:code>/reports/new/", views.report_create, name="report_create"),
    path("results/<str:code>/<str:indicator_code>/", views.indicator_detail, name="indicator"),
    path("results/<str:code>/<str:indicator_code>/edit/", views.indicator_edit, name="indicator_edit"),
    path("results/<str:code>/<str:indicator_code>/<int:period>/value/", views.manual_value_edit,
         name="manual_value"),
    path("results/<str:code>/<str:indicator_code>/<int:period>/reported/", views.reported_value_edit,
         name="reported_value"),
    path("results/<str:code>/<str:indicator_code>/<int:period>/narrative/", views.narrative_edit,
         name="narrative"),
]
