"""The whole published Citizen Budget as a Fiscal Data Package: a datapackage.json descriptor and one CSV
file per table (budget lines, categories, projects, population, exchange rates).

Only published unit-years appear (a `Publication` with published=True for the unit and year), and nothing
personal: budget-line notes are left out, since nothing promises what a note names.

The descriptor is a Tabular Data Package (every resource a tabular data resource with a Table Schema), with
the Fiscal Data Package `model` (version 0.3) mapping the `budget_lines` columns to a measure (amount_khr,
in riel) and dimensions (unit, year, phase, direction, category). Its `profile` is "tabular-data-package"
rather than "fiscal-data-package": frictionless fetches the fiscal profile from specs.frictionlessdata.io
to validate it, so a package naming it cannot be checked offline (in CI, on a field office's machine);
`fiscal_model_errors` checks the model instead.
"""

import csv
import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

from django.db.models import Exists, OuterRef
from django.http import Http404, JsonResponse, StreamingHttpResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from samleng.budgets.models import (
    NATIONAL,
    BudgetLine,
    Category,
    Direction,
    ExchangeRate,
    Phase,
    Population,
    Project,
    Publication,
)
from samleng.core.workbook.safety import neutralise
from samleng.places.selectors import place_get

PACKAGE_NAME = "samleng-citizen-budget"
LEVELS = ["national", "province", "district", "commune"]
NATIONAL_NAMES = ("Cambodia (national budget)", "កម្ពុជា (ថវិកាជាតិ)")
CURRENCY = "KHR"


# --- Table schemas ---------------------------------------------------------------------------------------

def _field(name: str, type_: str, title: str, *, required: bool = False, **constraints) -> dict:
    field = {"name": name, "type": type_, "title": title}
    if required:
        constraints["required"] = True
    if constraints:
        field["constraints"] = constraints
    return field


def _unit_fields(prefix: str = "unit") -> list[dict]:
    return [
        _field(f"{prefix}_code", "string", "Unit: gazetteer code (2 digits province, 4 district, 6 commune) or "
               "'national'", required=True, pattern="national|[0-9]{2}|[0-9]{4}|[0-9]{6}"),
        _field(f"{prefix}_level", "string", "Unit level", required=True, enum=LEVELS),
        _field(f"{prefix}_name_en", "string", "Unit name in English"),
        _field(f"{prefix}_name_km", "string", "Unit name in Khmer"),
        _field("parent_code", "string", "Gazetteer code of the unit above (a commune's district, a district's "
               "province)"),
    ]


def _budget_lines_schema() -> dict:
    return {
        "fields": [
            *_unit_fields(),
            _field("fiscal_year", "integer", "Fiscal year", required=True, minimum=1990, maximum=2100),
            _field("phase", "string", "Budget phase", required=True, enum=Phase.values),
            _field("direction", "string", "Revenue or expenditure", required=True, enum=Direction.values),
            _field("category_code", "string", "Category code", required=True),
            _field("category_name_en", "string", "Category name in English"),
            _field("category_name_km", "string", "Category name in Khmer"),
            _field("category_parent_code", "string", "Code of the category this one is part of"),
            _field("amount_khr", "integer", "Amount in riel", required=True, minimum=0),
        ],
        "primaryKey": ["unit_code", "fiscal_year", "phase", "direction", "category_code"],
        "foreignKeys": [{"fields": "category_code", "reference": {"resource": "categories", "fields": "code"}}],
    }


def _categories_schema() -> dict:
    return {
        "fields": [
            _field("code", "string", "Category code", required=True),
            _field("direction", "string", "Revenue or expenditure", required=True, enum=Direction.values),
            _field("parent_code", "string", "Code of the category this one is part of"),
            _field("name_en", "string", "Name in English", required=True),
            _field("name_km", "string", "Name in Khmer", required=True),
            _field("kind", "string", "Kind of classification", enum=Category.Kind.values),
            _field("explanation_en", "string", "Plain-language explanation in English"),
            _field("explanation_km", "string", "Plain-language explanation in Khmer"),
        ],
        "primaryKey": ["code"],
        "foreignKeys": [{"fields": "parent_code", "reference": {"resource": "", "fields": "code"}}],
    }


def _projects_schema() -> dict:
    return {
        "fields": [
            *_unit_fields(),
            _field("fiscal_year", "integer", "Fiscal year", required=True, minimum=1990, maximum=2100),
            _field("project_id", "string", "Project id", required=True),
            _field("title_en", "string", "Title in English", required=True),
            _field("title_km", "string", "Title in Khmer"),
            _field("sector", "string", "Sector"),
            _field("village_code", "string", "Gazetteer code of the village"),
            _field("village_name_en", "string", "Village name in English"),
            _field("village_name_km", "string", "Village name in Khmer"),
            _field("cost_khr", "integer", "Cost in riel", required=True, minimum=0),
            _field("funding_source", "string", "Funding source"),
            _field("status", "string", "Status", enum=Project.Status.values),
            _field("progress_pct", "integer", "Progress (%)", minimum=0, maximum=100),
        ],
        "primaryKey": ["unit_code", "fiscal_year", "project_id"],
    }


def _population_schema() -> dict:
    return {
        "fields": [
            *_unit_fields(),
            _field("year", "integer", "Year", required=True, minimum=1990, maximum=2100),
            _field("population", "integer", "Population", required=True, minimum=0),
            _field("female", "integer", "Women", minimum=0),
        ],
        "primaryKey": ["unit_code", "year"],
    }


def _exchange_rates_schema() -> dict:
    return {
        "fields": [
            _field("year", "integer", "Year", required=True, minimum=1990, maximum=2100),
            _field("khr_per_usd", "number", "Riels per US dollar", required=True, minimum=1),
        ],
        "primaryKey": ["year"],
    }


# --- Rows (published unit-years only) ----------------------------------------------------------------------

def _published(year_field: str) -> Exists:
    return Exists(Publication.objects.filter(unit=OuterRef("unit"), fiscal_year=OuterRef(year_field), published=True))


def _unit_columns(code: str, cache: dict) -> list:
    """code, level, English and Khmer names, parent code of a unit, from the gazetteer index (no query)."""
    if code not in cache:
        if code == NATIONAL:
            cache[code] = [code, "national", *NATIONAL_NAMES, ""]
        else:
            place = place_get(code)
            level = {2: "province", 4: "district", 6: "commune"}.get(len(code), "")
            cache[code] = [code, level, place.name_en if place else "", place.name_km if place else "",
                           code[:-2] if len(code) > 2 else ""]
    return cache[code]


def _budget_line_rows() -> Iterator[list]:
    units: dict = {}
    lines = (BudgetLine.objects.filter(_published("fiscal_year"))
             .order_by("unit", "fiscal_year", "phase", "direction", "category__position", "category__code")
             .values_list("unit", "fiscal_year", "phase", "direction", "category__code", "category__name_en",
                          "category__name_km", "category__parent__code", "amount_khr"))
    for unit, year, phase, direction, code, name_en, name_km, parent, amount in lines.iterator(chunk_size=5000):
        yield [*_unit_columns(unit, units), year, phase, direction, code, name_en, name_km, parent or "", amount]


def _category_rows() -> Iterator[list]:
    for row in Category.objects.order_by("direction", "position", "code").values_list(
            "code", "direction", "parent__code", "name_en", "name_km", "kind", "explanation_en", "explanation_km"):
        code, direction, parent, *rest = row
        yield [code, direction, parent or "", *rest]


def _project_rows() -> Iterator[list]:
    units: dict = {}
    projects = (Project.objects.filter(_published("fiscal_year")).order_by("unit", "fiscal_year", "project_id")
                .values_list("unit", "fiscal_year", "project_id", "title_en", "title_km", "sector", "village__code",
                             "village__name_en", "village__name_km", "cost_khr", "funding_source", "status",
                             "progress_pct"))
    for unit, year, *rest in projects.iterator(chunk_size=5000):
        yield [*_unit_columns(unit, units), year, *("" if value is None else value for value in rest)]


def _population_rows() -> Iterator[list]:
    units: dict = {}
    rows = (Population.objects.filter(_published("year")).order_by("unit", "year")
            .values_list("unit", "year", "population", "female"))
    for unit, year, population, female in rows.iterator(chunk_size=5000):
        yield [*_unit_columns(unit, units), year, population, "" if female is None else female]


def _exchange_rate_rows() -> Iterator[list]:
    # The rates of the years someone may read: those with at least one published unit.
    years = Publication.objects.filter(published=True).values("fiscal_year")
    for year, rate in ExchangeRate.objects.filter(year__in=years).order_by("year").values_list("year", "khr_per_usd"):
        yield [year, rate]


#: name -> (title, description, table schema, rows)
RESOURCES = {
    "budget_lines": ("Budget lines", "Every amount of every published budget: one unit, fiscal year, phase, "
                     "direction and category a line. A parent category's amount is the sum of its children's lines "
                     "(a line sits on a parent only in a year with no lines on its children).",
                     _budget_lines_schema, _budget_line_rows),
    "categories": ("Budget categories", "The categories budget lines are classified by, with plain-language "
                   "explanations in English and Khmer.", _categories_schema, _category_rows),
    "projects": ("Local investment projects", "The projects of published budget years (three-year rolling "
                 "investment plans).", _projects_schema, _project_rows),
    "population": ("Population", "How many people live in each unit, for the per-person figures.",
                   _population_schema, _population_rows),
    "exchange_rates": ("Exchange rates", "Riels per US dollar by year, for the dollar figures.",
                       _exchange_rates_schema, _exchange_rate_rows),
}


# --- The descriptor ----------------------------------------------------------------------------------------

def fiscal_model() -> dict:
    """The Fiscal Data Package (0.3) logical model of the `budget_lines` resource."""
    def attribute(source: str, **extra) -> dict:
        return {"source": source, "resource": "budget_lines", **extra}

    return {
        "measures": {
            "amount_khr": attribute("amount_khr", currency=CURRENCY, factor=1, title="Amount (riel)"),
        },
        "dimensions": {
            "unit": {
                "dimensionType": "entity",
                "primaryKey": ["unit_code"],
                "attributes": {
                    "unit_code": attribute("unit_code"),
                    "unit_level": attribute("unit_level"),
                    "unit_name_en": attribute("unit_name_en", labelfor="unit_code"),
                    "unit_name_km": attribute("unit_name_km", labelfor="unit_code"),
                    "parent_code": attribute("parent_code"),
                },
            },
            "year": {"dimensionType": "datetime", "primaryKey": ["fiscal_year"],
                     "attributes": {"fiscal_year": attribute("fiscal_year")}},
            "phase": {"dimensionType": "other", "primaryKey": ["phase"], "attributes": {"phase": attribute("phase")}},
            "direction": {"dimensionType": "classification", "primaryKey": ["direction"],
                          "attributes": {"direction": attribute("direction")}},
            "category": {
                "dimensionType": "classification",
                "primaryKey": ["category_code"],
                "attributes": {
                    "category_code": attribute("category_code", parent="category_parent_code"),
                    "category_name_en": attribute("category_name_en", labelfor="category_code"),
                    "category_name_km": attribute("category_name_km", labelfor="category_code"),
                    "category_parent_code": attribute("category_parent_code"),
                },
            },
        },
    }


def fiscal_data_package_descriptor(paths: dict[str, str] | None = None) -> dict:
    """The datapackage.json of the published dataset; `paths` gives each resource's path or URL (default:
    "<name>.csv", next to the descriptor)."""
    paths = paths or {}
    resources = []
    for name, (title, description, schema, _rows) in RESOURCES.items():
        resources.append({
            "name": name, "title": title, "description": description, "profile": "tabular-data-resource",
            "path": paths.get(name, f"{name}.csv"), "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
            "schema": schema(),
        })
    return {
        "profile": "tabular-data-package",
        "name": PACKAGE_NAME,
        "title": "Samleng Citizen Budget: Cambodia's sub-national budgets",
        "description": ("The published budgets of Cambodian communes/sangkats, districts/municipalities/khans, "
                        "provinces and the nation, by year, phase (proposed, approved, revised, executed), direction "
                        "and category, in riel, with local projects, population and exchange rates. A Fiscal Data "
                        "Package: `model` maps budget_lines to its measure and dimensions (FDP 0.3)."),
        "version": "1.0.0",
        "created": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        "keywords": ["budget", "fiscal", "Cambodia", "commune", "district", "citizen budget"],
        "countryCode": "KH",
        "licenses": [{"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0",
                      "path": "https://creativecommons.org/licenses/by/4.0/"}],
        "resources": resources,
        "model": fiscal_model(),
    }


def fiscal_model_errors(descriptor: dict) -> list[str]:
    """What is wrong with the descriptor's Fiscal Data Package `model` (frictionless does not look at it):
    every measure and attribute must name a column of its resource, measures must be numbers with an ISO 4217
    currency, and every dimension's primary key must be among its attributes."""
    model = descriptor.get("model")
    if not isinstance(model, dict) or not model.get("measures") or not model.get("dimensions"):
        return ["the model needs measures and dimensions"]
    fields = {resource["name"]: {f["name"]: f["type"] for f in resource.get("schema", {}).get("fields", [])}
              for resource in descriptor.get("resources", [])}
    errors = []

    def column_type(where: str, spec: dict) -> str | None:
        resource, source = spec.get("resource"), spec.get("source")
        if resource not in fields or source not in fields[resource]:
            errors.append(f"{where}: no column {source!r} in resource {resource!r}")
            return None
        return fields[resource][source]

    for name, measure in model["measures"].items():
        type_ = column_type(f"measure {name}", measure)
        if type_ and type_ not in ("number", "integer"):
            errors.append(f"measure {name}: column {measure['source']!r} is {type_}, not a number")
        currency = measure.get("currency", "")
        if not (len(currency) == 3 and currency.isalpha() and currency.isupper()):
            errors.append(f"measure {name}: currency {currency!r} is not an ISO 4217 code")
    for name, dimension in model["dimensions"].items():
        attributes = dimension.get("attributes") or {}
        if not attributes:
            errors.append(f"dimension {name}: no attributes")
        for attr_name, attr in attributes.items():
            column_type(f"dimension {name}, attribute {attr_name}", attr)
        keys = dimension.get("primaryKey") or []
        for key in [keys] if isinstance(keys, str) else keys:
            if key not in attributes:
                errors.append(f"dimension {name}: primary key {key!r} is not one of its attributes")
    return errors


# --- Writing -----------------------------------------------------------------------------------------------

def _csv_lines(name: str) -> Iterator[str]:
    """The CSV lines of a resource, its header first. Text cells are neutralised (core.workbook.safety): a
    project title typed as `=HYPERLINK(...)` reaches a spreadsheet as text, never as a formula; only the
    schema's string columns are touched, so numbers stay numbers (-5 stays -5).

    Lines end in "\n", and Python 3.11's csv module quotes a field holding a line break only when that break
    is in the line terminator: a field holding a carriage return (a text may start with one) would cut its
    row in two, so such a row is written with every field quoted (the same values for any CSV reader)."""
    _title, _description, schema, rows = RESOURCES[name]
    fields = schema()["fields"]
    text = [index for index, field in enumerate(fields) if field["type"] == "string"]
    minimal = csv.writer(_Echo(), lineterminator="\n")
    quoted = csv.writer(_Echo(), lineterminator="\n", quoting=csv.QUOTE_ALL)
    yield minimal.writerow([field["name"] for field in fields])
    for row in rows():
        for index in text:
            row[index] = neutralise(row[index])
        line = minimal.writerow(row)
        yield quoted.writerow(row) if "\r" in line else line


class _Echo:
    """A file-like object whose write returns the line, for csv.writer making one line at a time."""

    def write(self, value: str) -> str:
        return value


def fiscal_data_package_write(folder: str | Path) -> Path:
    """Write datapackage.json and one UTF-8 CSV file per resource into `folder` (created if needed); return
    the descriptor's path."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name in RESOURCES:
        with open(folder / f"{name}.csv", "w", encoding="utf-8", newline="") as file:
            file.writelines(_csv_lines(name))
    path = folder / "datapackage.json"
    path.write_text(json.dumps(fiscal_data_package_descriptor(), ensure_ascii=False, indent=2) + "\n",
                    encoding="utf-8")
    return path


# --- Views (public: budgets:datapackage, budgets:data_file) -----------------------------------------------

def _streamed_csv(name: str) -> Iterator[bytes]:
    for line in _csv_lines(name):
        yield line.encode("utf-8")


@require_GET
def datapackage(request):
    """The descriptor, its resources pointing at the CSV files served by `data_file`."""
    paths = {name: request.build_absolute_uri(reverse("budgets:data_file", args=[name])) for name in RESOURCES}
    response = JsonResponse(fiscal_data_package_descriptor(paths), json_dumps_params={"ensure_ascii": False,
                                                                                      "indent": 1})
    response["Access-Control-Allow-Origin"] = "*"  # open data: other sites' scripts may read it
    return response


@require_GET
def data_file(request, name: str):
    """One resource of the package as a CSV file (UTF-8, Khmer names as they are), streamed: the budget lines
    of every unit and year are too many to build in memory."""
    if name not in RESOURCES:
        raise Http404("No such data file.")
    response = StreamingHttpResponse(_streamed_csv(name), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{name}.csv"'
    response["Access-Control-Allow-Origin"] = "*"
    return response
