from django.urls import path, re_path

from samleng.budgets import opendata, staff_views, views

app_name = "budgets"

#: A budget unit in a URL: a province (2 digits), district (4) or commune (6) code.
UNIT = r"(?P<unit_code>\d{2}|\d{4}|\d{6})"

urlpatterns = [
    path("budgets/", views.find, name="find"),
    path("budgets/national/", views.national, name="national"),
    path("budgets/national.csv", views.national_csv, name="national_csv"),
    path("budgets/glossary/", views.glossary, name="glossary"),
    # Staff: publish and withdraw a unit's year.
    path("budgets/manage/", staff_views.publications, name="publications"),
    path("budgets/manage/<str:unit_code>/<int:year>/", staff_views.publication_set, name="publication_set"),
    # Open data: the Fiscal Data Package of every published budget.
    path("budgets/data/datapackage.json", opendata.datapackage, name="datapackage"),
    path("budgets/data/<slug:name>.csv", opendata.data_file, name="data_file"),
    re_path(rf"^budgets/{UNIT}/$", views.unit, name="unit"),
    re_path(r"^budgets/(?P<unit_code>national|\d{2}|\d{4}|\d{6})/(?P<year>\d{4})\.csv$", views.unit_csv,
            name="unit_csv"),
]
