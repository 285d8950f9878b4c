from django.urls import path, re_path

from samleng.budgets import opendata, staff_views, views
from samleng.core.pagecache import public_page

app_name = "budgets"

# Public pages, cached as rendered for anonymous visitors until the data they show changes (core.pagecache).
# A unit's page also shows what other apps add about its place (the issues raised there): every watched app.
_budgets = public_page("budgets", "places")
_unit_page = public_page(params=("year",))

#: A budget unit in a URL: a province (2 digits), district (4) or commune (6) code.
UNIT = r"(?P<unit_code>\d{2}|\d{4}|\d{6})"

urlpatterns = [
    path("budgets/", public_page("budgets", "places", params=("in",), unless=("q",))(views.find),
         name="find"),
    path("budgets/national/", _budgets(views.national), name="national"),
    path("budgets/national.csv", _budgets(views.national_csv), name="national_csv"),
    path("budgets/glossary/", _budgets(views.glossary), name="glossary"),
    # Staff: publish and withdraw a unit's year.
    path("budgets/manage/", staff_views.publications, name="publications"),
    path("budgets/manage/revisions/", staff_views.revisions, name="revisions"),
    path("budgets/manage/revisions/<str:unit_code>/<int:year>/", staff_views.revision_decide,
         name="revision_decide"),
    path("budgets/manage/<str:unit_code>/<int:year>/", staff_views.publication_set, name="publication_set"),
    # Open data: the Fiscal Data Package of every published budget.
    path("budgets/data/datapackage.json", _budgets(opendata.datapackage), name="datapackage"),
    path("budgets/data/<slug:name>.csv", opendata.data_file, name="data_file"),
    re_path(rf"^budgets/{UNIT}/$", _unit_page(views.unit), name="unit"),
    re_path(r"^budgets/(?P<unit_code>national|\d{2}|\d{4}|\d{6})/(?P<year>\d{4})\.csv$", _budgets(views.unit_csv),
            name="unit_csv"),
]
