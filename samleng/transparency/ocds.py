"""Reading procurement data published in the Open Contracting Data Standard (OCDS 1.1): a release package or
a record package, or JSON Lines of them, into projects Samleng follows.

Real publishers' files rarely validate perfectly, so a schema violation is a warning located by its JSON
path (`$.releases[3].tender.value.amount`), kept with the project and never fatal; only what makes the file
unusable rejects it, every such problem located (`read` raises OcdsRejected). Nothing is fetched: the
schemas are the copies in `data/ocds-1.1.5/`, extensions named in a file are only recorded, and linked
releases of a record are skipped.

    reading = read(data)                           # bytes of a .json or .jsonl file
    for ocid, releases in reading.by_ocid().items():
        project = project_of(ocid, releases, reading.compiled.get(ocid))

How a project is read (docs/programme-workbook.md and issue 10): the project id is the `ocid`; the buyer is
`buyer.name` (or the party with the role buyer); the fiscal year is the year of the tender period's start,
else of the first release's date, in Phnom Penh time; the seven disclosure items of the workbook come from
document types and fields, each dated the first day it was seen public (the document's `datePublished`,
else the release's date); documents are sorted into the three tiers of the OCDS guidance; two red flags need
no bid data (R003 a short tender period, R018 a single tenderer in a competitive procedure).
"""

import datetime as dt
import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

import fastjsonschema
from django.utils.translation import gettext_noop
from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from samleng.core.workbook.problems import Message

SCHEMA_DIR = Path(__file__).parent / "data" / "ocds-1.1.5"
SCHEMA_URL = "https://standard.open-contracting.org/schema/1__1__5/"
PHNOM_PENH = ZoneInfo("Asia/Phnom_Penh")

NOT_UTF8 = Message("ocds.not_utf8", gettext_noop("The file is not text in UTF-8 (byte %(position)s)."))
NOT_JSON = Message("ocds.not_json", gettext_noop("%(path)s: this is not JSON (line %(line)s, column %(column)s)."))
NO_RELEASES = Message("ocds.no_releases", gettext_noop(
    "%(path)s: an OCDS package has 'releases' or 'records'; this has neither."))
NO_ID = Message("ocds.no_id", gettext_noop("%(path)s: a release needs its '%(field)s'."))
ID_TWICE = Message("ocds.id_twice", gettext_noop(
    "%(path)s: release '%(id)s' of '%(ocid)s' comes twice with different content (first at %(first)s)."))
SCHEMA = Message("ocds.schema", gettext_noop("%(path)s: %(problem)s"))

# The disclosure items of the programme workbook (transparency.models.ProcurementItem) and the document
# types that disclose them.
ITEM_DOCUMENTS = {
    "announcement": {"tenderNotice"},
    "specification": {"technicalSpecifications", "biddingDocuments"},
    "plan": {"procurementPlan"},
    "award_winner": {"awardNotice"},  # with suppliers named; or the award's suppliers themselves
    "contract": {"contractSigned", "contractNotice"},
    "implementation": {"physicalProgressReport", "financialProgressReport"},
}
BASIC = ("tenderNotice", "biddingDocuments", "technicalSpecifications", "evaluationCriteria", "awardNotice",
         "contractNotice", "completionCertificate")
INTERMEDIATE = ("evaluationReports", "contractSigned", "physicalProgressReport", "financialProgressReport",
                "finalAudit")
COMPETITIVE = ("open", "selective")


class OcdsRejected(ValueError):
    """The file cannot be used: `problems` lists every reason, each a (Message, params) pair."""

    def __init__(self, problems: list[tuple[Message, dict]]):
        self.problems = problems
        super().__init__("; ".join(message.render(params, "en") for message, params in problems[:5]))


@dataclass(frozen=True)
class SchemaWarning:
    """A schema violation: where, and what the validator said (in English: the schema's own words)."""

    path: str
    problem: str

    def as_problem(self) -> tuple[Message, dict]:
        return SCHEMA, {"path": self.path, "problem": self.problem}


@dataclass
class Release:
    ocid: str
    id: str
    date: str
    data: dict
    path: str  # where it is in the file


@dataclass
class Reading:
    releases: list[Release] = field(default_factory=list)
    compiled: dict[str, dict] = field(default_factory=dict)  # ocid -> a record's compiledRelease
    warnings: list[SchemaWarning] = field(default_factory=list)
    extensions: list[str] = field(default_factory=list)
    publishers: list[str] = field(default_factory=list)
    linked_skipped: int = 0

    def by_ocid(self) -> dict[str, list[Release]]:
        grouped: dict[str, list[Release]] = {ocid: [] for ocid in self.compiled}
        for release in self.releases:
            grouped.setdefault(release.ocid, []).append(release)
        return grouped


# ---- reading the file -----------------------------------------------------------------------------------


def _path(*parts) -> str:
    text = "$"
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text


def _documents(data: bytes) -> list[tuple[str, object]]:
    """The JSON documents of the file with where each is: one, or one per line of JSON Lines."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise OcdsRejected([(NOT_UTF8, {"position": error.start})]) from None
    try:
        return [("$", json.loads(text))]
    except json.JSONDecodeError as whole:
        lines = [line for line in enumerate(text.splitlines(), 1) if line[1].strip()]
        if len(lines) < 2:
            raise OcdsRejected([(NOT_JSON, {"path": "$", "line": whole.lineno, "column": whole.colno})]) from None
    documents, problems = [], []
    for number, line in lines:
        try:
            documents.append((f"line {number}: $", json.loads(line)))
        except json.JSONDecodeError as error:
            problems.append((NOT_JSON, {"path": f"line {number}", "line": number, "column": error.colno}))
    if problems:
        raise OcdsRejected(problems)
    return documents


def read(data: bytes) -> Reading:
    """Every release and compiled release of the file, with the schema's warnings; OcdsRejected when the
    file cannot be used."""
    reading, problems = Reading(), []
    seen: dict[tuple[str, str], tuple[str, dict]] = {}
    for where, document in _documents(data):
        if not isinstance(document, dict) or not ("releases" in document or "records" in document
                                                  or "ocid" in document):
            problems.append((NO_RELEASES, {"path": where}))
            continue
        if "ocid" in document and "releases" not in document:  # a bare release, one per line
            _take_release(reading, problems, seen, document, where)
            continue
        _take_package(reading, problems, seen, document, where)
    if problems:
        raise OcdsRejected(problems)
    return reading


def _take_package(reading: Reading, problems: list, seen: dict, package: dict, where: str) -> None:
    reading.extensions += [url for url in package.get("extensions") or [] if isinstance(url, str)]
    publisher = package.get("publisher")
    if isinstance(publisher, dict) and publisher.get("name"):
        reading.publishers.append(str(publisher["name"]))
    kind = "records" if "records" in package else "releases"
    reading.warnings += _package_warnings(package, kind, where)
    items = package.get(kind)
    if not isinstance(items, list):
        problems.append((NO_RELEASES, {"path": where}))
        return
    for index, item in enumerate(items):
        path = f"{where}{_path(kind, index)[1:]}"
        if kind == "releases":
            _take_release(reading, problems, seen, item, path)
        else:
            _take_record(reading, problems, seen, item, path)


def _take_record(reading: Reading, problems: list, seen: dict, record, path: str) -> None:
    if not isinstance(record, dict) or not isinstance(record.get("ocid"), str) or not record["ocid"]:
        problems.append((NO_ID, {"path": path, "field": "ocid"}))
        return
    for index, release in enumerate(record.get("releases") or []):
        if isinstance(release, dict) and "id" not in release and "url" in release:
            reading.linked_skipped += 1  # a linked release: never fetched
            continue
        _take_release(reading, problems, seen, release, f"{path}.releases[{index}]", ocid=record["ocid"])
    compiled = record.get("compiledRelease")
    if isinstance(compiled, dict):
        reading.compiled[record["ocid"]] = compiled
        reading.warnings += _release_warnings(compiled, f"{path}.compiledRelease")


def _take_release(reading: Reading, problems: list, seen: dict, release, path: str, ocid: str = "") -> None:
    if not isinstance(release, dict):
        problems.append((NO_ID, {"path": path, "field": "ocid"}))
        return
    ocid = release.get("ocid") or ocid
    missing = [name for name, value in (("ocid", ocid), ("id", release.get("id"))) if value in (None, "")]
    for name in missing:
        problems.append((NO_ID, {"path": path, "field": name}))
    if missing:
        return
    key = (str(ocid), str(release["id"]))
    if key in seen:
        first_path, first = seen[key]
        if first != release:
            problems.append((ID_TWICE, {"path": path, "id": key[1], "ocid": key[0], "first": first_path}))
        return  # the same release twice (two files, or a package and a record): once is enough
    seen[key] = (path, release)
    reading.releases.append(Release(key[0], key[1], str(release.get("date") or ""), release, path))
    reading.warnings += _release_warnings(release, path)


# ---- validation against the shipped schemas ----------------------------------------------------------------


def _schema(name: str) -> dict:
    """A fresh copy of a shipped schema (fastjsonschema changes the schema it compiles); its users are
    cached, so each is read a few times at most."""
    return json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8"))


@cache
def _registry() -> Registry:
    """The remote `$ref`s of the package schemas, answered from the shipped copies."""
    names = ("release-schema.json", "versioned-release-validation-schema.json", "release-package-schema.json",
             "record-package-schema.json")
    return Registry().with_resources(
        (SCHEMA_URL + name, Resource.from_contents(_schema(name), default_specification=DRAFT4)) for name in names)


@cache
def _validator(name: str) -> Draft4Validator:
    return Draft4Validator(_schema(name), registry=_registry())


def _located(error, where: str) -> SchemaWarning:
    path = where + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
    return SchemaWarning(path, error.message[:300])


@cache
def _fast_release_check():
    """A compiled check of the release schema, about 10 times faster than jsonschema: most releases are
    valid, and only those it refuses are validated again to list their warnings."""
    return fastjsonschema.compile(_schema("release-schema.json"), use_default=False)  # never change the data


def _release_warnings(release: dict, where: str) -> list[SchemaWarning]:
    try:
        _fast_release_check()(release)
        return []
    except fastjsonschema.JsonSchemaException:
        return [_located(error, where) for error in _validator("release-schema.json").iter_errors(release)]


def _package_warnings(package: dict, kind: str, where: str) -> list[SchemaWarning]:
    """The package's own fields (uri, publisher, version...); its releases are validated one by one."""
    name = "record-package-schema.json" if kind == "records" else "release-package-schema.json"
    shell = {**package, kind: []}
    return [_located(error, where) for error in _validator(name).iter_errors(shell)
            if list(error.absolute_path)[:1] != [kind]]


# ---- merging releases ----------------------------------------------------------------------------------


def _no_fetching(uri: str):
    raise ValueError(f"OCDS: {uri} is not fetched; the schema's references must be its own")


@cache
def _merger():
    """The standard's merge rules, read from the shipped release schema with its references resolved here
    (without its "id", a base address from which jsonref would fetch the definitions)."""
    import jsonref
    from ocdsmerge import Merger

    schema = {key: value for key, value in _schema("release-schema.json").items() if key not in ("id", "$id")}
    resolved = jsonref.replace_refs(schema, loader=_no_fetching, proxies=False, lazy_load=False)
    return Merger(schema=resolved)


def compiled_release(releases: list[Release], compiled: dict | None = None) -> dict:
    """One project's compiled release: a record's own compiledRelease as it is, else its releases merged
    (in date order, by the standard's merge rules)."""
    if compiled is not None:
        return compiled
    return _without_repeats(_merger().create_compiled_release([release.data for release in releases]))


def _without_repeats(value):
    """`value` with each list's repeated objects kept once. The merge rules match a list's objects by their
    `id`; objects without one (a 1.0 publisher's `tenderers`, `suppliers`) are added again by every release that
    repeats them, and the compiled release then breaks the schema's unique items (Mexico City's releases do).
    Changed in place; only lists of two or more objects without an `id` are compared."""
    if isinstance(value, dict):
        for item in value.values():
            if isinstance(item, (dict, list)):
                _without_repeats(item)
    elif isinstance(value, list):
        if len(value) > 1 and all(isinstance(item, dict) and "id" not in item for item in value):
            seen, kept = set(), []
            for item in value:
                key = json.dumps(item, sort_keys=True, default=str)
                if key not in seen:
                    seen.add(key)
                    kept.append(item)
            value[:] = kept
        for item in value:
            if isinstance(item, (dict, list)):
                _without_repeats(item)
    return value


# ---- a project read from its releases -------------------------------------------------------------------


@dataclass
class Document:
    document_type: str
    tier: str  # basic, intermediate, advanced
    published_on: dt.date | None
    title: str = ""
    url: str = ""


@dataclass
class Project:
    project_id: str
    title: str
    buyer: str
    fiscal_year: int | None
    method: str
    value: float | None
    currency: str
    disclosures: dict[str, dt.date]  # workbook item -> first day seen public
    documents: list[Document]
    red_flags: list[str]
    tender_days: int | None = None
    tenderers: int | None = None

    @property
    def basic_score(self) -> float:
        """The share of the basic documents of the OCDS guidance that were published."""
        found = {d.document_type for d in self.documents if d.tier == "basic"}
        return len(found) / len(BASIC)


def tier(document_type: str) -> str:
    if document_type in BASIC:
        return "basic"
    return "intermediate" if document_type in INTERMEDIATE else "advanced"


def local_day(text) -> dt.date | None:
    """The Phnom Penh day of an OCDS date-time ("2024-03-01T17:30:00Z" is 2 March there); None if unreadable."""
    if not isinstance(text, str) or len(text) < 10:
        return None
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            return dt.date.fromisoformat(text[:10])
        except ValueError:
            return None
    if moment.tzinfo is None:
        return moment.date()
    return moment.astimezone(PHNOM_PENH).date()


def _dicts(value) -> list[dict]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _get(data, *keys):
    for key in keys:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def _release_documents(release: dict) -> list[dict]:
    documents = _dicts(_get(release, "planning", "documents")) + _dicts(_get(release, "tender", "documents"))
    for award in _dicts(release.get("awards")):
        documents += _dicts(award.get("documents"))
    for contract in _dicts(release.get("contracts")):
        documents += _dicts(contract.get("documents")) + _dicts(_get(contract, "implementation", "documents"))
    return documents


def _fields_disclosed(release: dict) -> set[str]:
    """The items a release discloses by its fields rather than by a document."""
    items = set()
    awards = _dicts(release.get("awards"))
    if any(_dicts(award.get("suppliers")) for award in awards):
        items.add("award_winner")
    if any(_get(award, "value", "amount") is not None for award in awards):
        items.add("award_value")
    if any(_dicts(_get(contract, "implementation", "transactions")) for contract in _dicts(release.get("contracts"))):
        items.add("implementation")
    return items


def _disclosures_and_documents(releases: list[dict]) -> tuple[dict[str, dt.date], list[Document]]:
    """Each item's and each document's first day seen public, over the releases in date order."""
    items: dict[str, dt.date] = {}
    documents: dict[tuple, Document] = {}

    def seen(item: str, day: dt.date | None) -> None:
        if day is not None and (item not in items or day < items[item]):
            items[item] = day

    for release in sorted(releases, key=lambda r: str(r.get("date") or "")):
        release_day = local_day(release.get("date"))
        for item in _fields_disclosed(release):
            seen(item, release_day)
        for document in _release_documents(release):
            kind = document.get("documentType")
            if not isinstance(kind, str) or not kind:
                continue
            day = local_day(document.get("datePublished")) or release_day
            for item, kinds in ITEM_DOCUMENTS.items():
                if kind in kinds:
                    seen(item, day)
            key = (kind, document.get("id"), document.get("url"))
            known = documents.get(key)
            if known is None or (day is not None and (known.published_on is None or day < known.published_on)):
                documents[key] = Document(kind, tier(kind), day, str(document.get("title") or "")[:300],
                                          str(document.get("url") or "")[:500])
    return items, sorted(documents.values(), key=lambda d: (d.published_on or dt.date.max, d.document_type))


def _buyer(compiled: dict) -> str:
    name = _get(compiled, "buyer", "name")
    if isinstance(name, str) and name.strip():
        return name.strip()
    for party in _dicts(compiled.get("parties")):
        if "buyer" in (party.get("roles") or []) and isinstance(party.get("name"), str):
            return party["name"].strip()
    return ""


def _number(value) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _tenderers(tender: dict) -> int | None:
    count = tender.get("numberOfTenderers")
    if isinstance(count, int) and not isinstance(count, bool):
        return count
    tenderers = _dicts(tender.get("tenderers"))
    return len(tenderers) if tenderers else None


def red_flags(method: str, tender_days: int | None, tenderers: int | None, min_days: dict[str, int]) -> list[str]:
    """R003: a tender period shorter than the method's minimum (min_days[method], else min_days[""]);
    R018: a single tenderer in an open or selective procedure."""
    flags = []
    minimum = min_days.get(method, min_days.get("", 15))
    if tender_days is not None and method in COMPETITIVE and tender_days < minimum:
        flags.append("R003")
    if tenderers == 1 and method in COMPETITIVE:
        flags.append("R018")
    return flags


def project_of(ocid: str, releases: list[Release], compiled: dict | None = None,
               min_tender_days: dict[str, int] | None = None) -> Project:
    """The project of one `ocid` from its releases (and a record's compiledRelease, if it came with one)."""
    merged = compiled_release(releases, compiled)
    tender = merged.get("tender") if isinstance(merged.get("tender"), dict) else {}
    method = str(tender.get("procurementMethod") or "")
    start = local_day(_get(tender, "tenderPeriod", "startDate"))
    end = local_day(_get(tender, "tenderPeriod", "endDate"))
    dated = sorted(local_day(r.date) for r in releases if local_day(r.date)) or [local_day(merged.get("date"))]
    first_day = dated[0] if dated else None
    value = tender.get("value") if isinstance(tender.get("value"), dict) else _get(merged, "planning", "budget",
                                                                                     "amount")
    items, documents = _disclosures_and_documents([r.data for r in releases] or [merged])
    tender_days = (end - start).days if start and end else None
    tenderers = _tenderers(tender)
    title = tender.get("title") or _get(merged, "planning", "project") or ""
    return Project(
        project_id=ocid,
        title=str(title)[:500] or ocid,
        buyer=_buyer(merged)[:200],
        fiscal_year=(start or first_day).year if (start or first_day) else None,
        method=method,
        value=_number(value.get("amount")) if isinstance(value, dict) else None,
        currency=str(value.get("currency") or "") if isinstance(value, dict) else "",
        disclosures=items,
        documents=documents,
        red_flags=red_flags(method, tender_days, tenderers, min_tender_days or {"": 15}),
        tender_days=tender_days,
        tenderers=tenderers,
    )


# ---- writing Samleng's projects as OCDS -----------------------------------------------------------------

#: The document type that stands for each disclosure item of the workbook, when a project typed by hand is
#: written as OCDS (award_value is the award's value, not a document).
ITEM_DOCUMENT_TYPE = {"plan": "procurementPlan", "announcement": "tenderNotice", "specification":
                      "technicalSpecifications", "award_winner": "awardNotice", "contract": "contractSigned",
                      "implementation": "physicalProgressReport"}


def _iso(day: dt.date) -> str:
    """A day as an OCDS date-time: its start in Phnom Penh."""
    return dt.datetime.combine(day, dt.time(0), PHNOM_PENH).isoformat()


def release_of(project: dict, *, prefix: str, published: str) -> dict:
    """One release of a project as Samleng holds it (`project`: project_id, ocid, title, buyer, fiscal_year,
    method, value_khr, value, currency and `disclosures` {item: day}). A project read from OCDS keeps its ocid;
    one typed by hand gets `prefix`-project_id."""
    ocid = project["ocid"] or f"{prefix}-{project['project_id']}"
    disclosed = project["disclosures"]
    amount, currency = project["value"], project["currency"] or "KHR"
    if amount is None and project["value_khr"] is not None:
        amount, currency = project["value_khr"], "KHR"
    release = {
        "ocid": ocid, "id": f"{ocid}-samleng", "date": published, "tag": ["compiled"], "initiationType": "tender",
        "buyer": {"id": "buyer", "name": project["buyer"]},
        "parties": [{"id": "buyer", "name": project["buyer"], "roles": ["buyer"]}],
        "tender": {"id": f"{ocid}-tender", "title": project["title"]},
    }
    if project["method"]:
        release["tender"]["procurementMethodDetails"] = project["method"]
    if amount is not None:
        release["tender"]["value"] = {"amount": float(amount), "currency": currency}
    documents = [{"id": f"{ocid}-{item}", "documentType": ITEM_DOCUMENT_TYPE[item], "datePublished": _iso(day)}
                 for item, day in sorted(disclosed.items()) if item in ITEM_DOCUMENT_TYPE]
    if documents:
        release["tender"]["documents"] = documents
    if "award_value" in disclosed and amount is not None:
        release["awards"] = [{"id": f"{ocid}-award", "date": _iso(disclosed["award_value"]),
                              "value": {"amount": float(amount), "currency": currency}}]
    return release


def release_package(releases: list[dict], *, publisher: str, uri: str, published: str) -> dict:
    return {"uri": uri, "version": "1.1", "publishedDate": published, "publisher": {"name": publisher},
            "releases": releases}


def package_problems(package: dict) -> list[str]:
    """What the release package schema says is wrong with `package` (and its releases); empty when valid."""
    problems = [f"{w.path}: {w.problem}" for w in _package_warnings(package, "releases", "$")]
    for index, release in enumerate(package.get("releases") or []):
        problems += [f"{w.path}: {w.problem}" for w in _release_warnings(release, f"$.releases[{index}]")]
    return problems
