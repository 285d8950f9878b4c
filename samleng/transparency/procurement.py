"""Reads of procurement for the public pages: the disclosure score (computed here and nowhere else), the
buyers of a year ranked by it, a buyer's projects, and what a project's page explains (its documents by
tier, its red flags in words). Every function runs a fixed number of queries, whatever the number of buyers
or projects.

The score of a project is the share of the seven items of its disclosure record (ProcurementDisclosure:
plan, announcement, specification, award winner, award value, contract, implementation) that were
disclosed. OCDS releases and the workbook's `procurement_disclosures` feed that one record
(services._disclosures_from_ocds, procurement_disclosure_upsert_many), so that a project typed by hand and
one read from OCDS are scored alike, and the indicator `procurement_disclosed_share` (selectors.
procurement_disclosure) counts from the same rows. A buyer's score is the share over all its projects of
the year (items disclosed / seven times its projects): comparable across buyers of any size. The OCDS
documents (ProcurementDocument) are shown apart, by the guidance's tiers: they do not move the score."""

from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.core.paginator import Page
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from samleng.core.i18n import local_text
from samleng.places.models import Office
from samleng.transparency.models import (
    ProcurementBuyerYear,
    ProcurementDocument,
    ProcurementItem,
    ProcurementProject,
)
from samleng.transparency.selectors import _paged, buyer_key

#: The items a project's score counts: the whole vocabulary of the disclosure record.
SCORED_ITEMS = tuple(ProcurementItem.values)
TIERS = tuple(ProcurementBuyerYear.TIER_FIELDS)
FLAGS = tuple(ProcurementBuyerYear.FLAG_FIELDS)
#: Below this many projects a buyer's share carries a note (DESIGN.md: small numbers).
SMALL = 5
PAGE_SIZE = 50


def disclosure_score(disclosed: int, projects: int = 1) -> float | None:
    """The share of the scored items disclosed: `disclosed` items over `projects` projects of seven items
    each; None when there is no project."""
    if projects <= 0:
        return None
    return disclosed / (len(SCORED_ITEMS) * projects)


def percent(score: float | None) -> float | None:
    """A score as a percentage (for core's `percent` filter and percent_number)."""
    return None if score is None else score * 100


def years() -> list[int]:
    """The fiscal years that have projects, newest first. One query (over the buyers' years: a few hundred rows
    a year, not 20,000 projects)."""
    return list(ProcurementBuyerYear.objects.order_by("-fiscal_year").values_list("fiscal_year", flat=True)
                .distinct())


@dataclass
class BuyerRow:
    """A buyer's year: how many projects, items disclosed, red flags, OCDS documents by tier."""

    buyer: str  # the spelling of most projects (capitalised first)
    key: str
    projects: int = 0
    disclosed: int = 0  # items disclosed, over all its projects
    complete: int = 0  # projects with all seven items
    ocds_projects: int = 0  # projects read from OCDS (the only ones with documents by tier)
    flags: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FLAGS, 0))
    tiers: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TIERS, 0))  # projects with such documents
    office: Office | None = None
    rank: int = 0
    _offices: Counter = field(default_factory=Counter)
    _spellings: Counter = field(default_factory=Counter)

    @property
    def score(self) -> float | None:
        return disclosure_score(self.disclosed, self.projects)

    @property
    def score_percent(self) -> float | None:
        return percent(self.score)

    @property
    def small(self) -> bool:
        return self.projects < SMALL

    @property
    def flagged(self) -> int:
        return sum(self.flags.values())

    @property
    def tier_rows(self) -> list[tuple[str, int]]:
        return [(tier, self.tiers[tier]) for tier in TIERS]


def buyer_ranking(fiscal_year: int) -> list[BuyerRow]:
    """The buyers of `fiscal_year`, best score first (then more projects, then by name), each with its rank
    (equal scores share one), its office when its projects' buyer matched one, and its figures. Spellings of
    one buyer that buyer_key makes equal make one row. Two queries: the year's buyers' figures (a few hundred
    rows, kept by services.procurement_buyer_years_refresh whenever projects change, rather than a year's
    20,000 projects grouped at each request), and the offices."""
    rows: dict[str, BuyerRow] = {}
    flag_fields, tier_fields = ProcurementBuyerYear.FLAG_FIELDS, ProcurementBuyerYear.TIER_FIELDS
    for found in (ProcurementBuyerYear.objects.filter(fiscal_year=fiscal_year).order_by("buyer", "buyer_office_id")
                  .values()):  # dictionaries: a third of the time model instances take
        key = buyer_key(found["buyer"])
        target = rows.get(key)
        if target is None:
            target = rows[key] = BuyerRow(buyer=found["buyer"].strip(), key=key)
        target.projects += found["projects"]
        target.disclosed += found["disclosed"]
        target.complete += found["complete"]
        target.ocds_projects += found["ocds_projects"]
        target._spellings[found["buyer"].strip()] += found["projects"]
        for flag in FLAGS:
            target.flags[flag] += found[flag_fields[flag]]
        for tier in TIERS:
            target.tiers[tier] += found[tier_fields[tier]]
        if found["buyer_office_id"]:
            target._offices[found["buyer_office_id"]] += found["projects"]
    office_pks = {r._offices.most_common(1)[0][0] for r in rows.values() if r._offices}
    offices = Office.objects.in_bulk(office_pks) if office_pks else {}
    for target in rows.values():
        target.buyer = min(target._spellings.items(), key=lambda s: (-s[1], s[0] == s[0].lower(), s[0]))[0]
        if target._offices:
            target.office = offices.get(target._offices.most_common(1)[0][0])
    ranked = sorted(rows.values(), key=lambda r: (-(r.score or 0), -r.projects, r.buyer.lower()))
    previous = None
    for position, target in enumerate(ranked, 1):
        target.rank = previous.rank if previous is not None and previous.score == target.score else position
        previous = target
    return ranked


def buyer_spellings(name: str, fiscal_year: int) -> list[str]:
    """How the buyer named `name` (compared by buyer_key) is spelled in the projects of `fiscal_year`. One
    query (the buyers' years of that year: a few hundred rows)."""
    key = buyer_key(name)
    if not key:
        return []
    found = (ProcurementBuyerYear.objects.filter(fiscal_year=fiscal_year).order_by("buyer")
             .values_list("buyer", flat=True).distinct())
    return [buyer for buyer in found if buyer_key(buyer) == key]


def buyer_projects(spellings: list[str], fiscal_year: int):
    """The projects of a buyer's year (its `spellings`), by project_id; each keeps `items_disclosed` (items of
    the seven) and its documents by tier (`basic_documents`...). Not yet run: page it, or read it whole."""
    return ProcurementProject.objects.filter(fiscal_year=fiscal_year, buyer__in=spellings).order_by("project_id")


def buyer_projects_page(spellings: list[str], fiscal_year: int, page, *, per_page: int = PAGE_SIZE) -> Page:
    """A page of buyer_projects, each with `score_percent` and `title_shown`. Two queries (count and page)."""
    result = _paged(buyer_projects(spellings, fiscal_year), page, per_page)
    for project in result.object_list:
        project.score_percent = percent(disclosure_score(project.items_disclosed))
        project.title_shown = local_text(project.title_km, project.title)
    return result


def project_score(project: ProcurementProject) -> float:
    """A project's score from its disclosure record. One query."""
    return disclosure_score(project.disclosures.filter(item__in=SCORED_ITEMS).count())


@dataclass
class TierDocuments:
    tier: str
    label: str
    documents: list[ProcurementDocument]


def tier_label(tier: str) -> str:
    return {"basic": _("Basic"), "intermediate": _("Intermediate"), "advanced": _("Advanced")}.get(tier, tier)


def project_documents(project: ProcurementProject) -> list[TierDocuments]:
    """The project's OCDS documents by tier (basic, intermediate, advanced), each by the day it was first seen
    public. One query."""
    by_tier: dict[str, list] = {tier: [] for tier in TIERS}
    for document in project.documents.order_by("published_on", "document_type", "pk"):
        by_tier.setdefault(document.tier, []).append(document)
    return [TierDocuments(tier, tier_label(tier), documents) for tier, documents in by_tier.items()]


def red_flag_explanations(project: ProcurementProject) -> list[tuple[str, str]]:
    """Each red flag of the project as (code, what it means here, in words)."""
    minimums = settings.PROCUREMENT_MIN_TENDER_DAYS
    explained = []
    for flag in project.red_flags or []:
        if flag == "R003":
            minimum = minimums.get(project.method, minimums.get("", 15))
            text = _("The tender period lasted %(days)s days: shorter than the %(minimum)s days set for "
                     "this method (%(method)s), which leaves bidders little time to prepare.") % {
                "days": project.tender_days, "minimum": minimum, "method": method_label(project.method)}
        elif flag == "R018":
            text = _("Only one tenderer took part, although the procedure was %(method)s: there was no "
                     "competition.") % {"method": method_label(project.method)}
        else:
            text = _("A red flag of the OCDS red flags guide.")
        explained.append((flag, text))
    return explained


def method_label(method: str) -> str:
    """The words of the OCDS procurement methods; any other as it was published."""
    return {"open": pgettext("procurement method", "open"), "selective": pgettext("procurement method", "selective"),
            "limited": pgettext("procurement method", "limited"),
            "direct": pgettext("procurement method", "direct")}.get(method, method or "–")
