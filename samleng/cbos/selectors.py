"""Reads of CBOs and their people. Every list is filtered in the database by accounts.access, and runs the
same few queries whatever the number of rows.

This app sits left of `advocacy` in the design's picture, so it does not import it: a CBO's issues are read
through the reverse relation `cbo.issues` and the model reached from it."""

from collections.abc import Mapping
from typing import Any

from django.db.models import Count, IntegerField, Max, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from samleng.accounts.access import cbo_scope, issue_scope
from samleng.budgets.selectors import first_published
from samleng.cbos.models import CBO, Representative
from samleng.core import related, search
from samleng.places.selectors import filter_districts

PAGE_SIZE = 50

_Issue = CBO._meta.get_field("issues").related_model


def _issue_count(user, **extra) -> Subquery:
    """The number of a CBO's issues `user` may see (public ones only for the public), as a subquery."""
    issues = (_Issue.objects.filter(issue_scope(user), cbo=OuterRef("pk"), **extra)
              .order_by().values("cbo").annotate(n=Count("pk")).values("n"))
    return Coalesce(Subquery(issues, output_field=IntegerField()), 0)


def cbo_list(user, filters: Mapping[str, Any] | None = None) -> QuerySet[CBO]:
    """The CBOs `user` may see (accounts.access.cbo_scope: public ones for the anonymous), filtered by
    `province`, `district` (Place or pk), `type`, `year` (joined the programme or established that year) and
    `q` (words of the names, Khmer or English, of the id or of the places: core.search), each with
    `issue_count` (visible issues)."""
    filters = filters or {}
    cbos = CBO.objects.filter(cbo_scope(user))
    if filters.get("province"):
        cbos = cbos.filter(province=filters["province"])
    if filters.get("district"):
        cbos = cbos.filter(district=filters["district"])
    if filters.get("type"):
        cbos = cbos.filter(type=filters["type"])
    if filters.get("year"):
        year = int(filters["year"])
        cbos = cbos.filter(Q(joined_on__year=year) | Q(established_on__year=year))
    if filters.get("q"):
        cbos = search.filter(cbos, filters["q"])
    return (cbos.select_related("province", "district", "commune")
            .annotate(issue_count=_issue_count(user))
            .order_by("name_en", "pk"))


def cbo_filter_choices(user, province=None) -> dict[str, list]:
    """What the filter selects offer: the districts and years where `user` has CBOs to find (two queries),
    so nobody picks a filter that can only give an empty page."""
    cbos = CBO.objects.filter(cbo_scope(user))
    districts = filter_districts(province=province, user=user)
    years = {
        year for pair in cbos.order_by().values_list("joined_on__year", "established_on__year").distinct()
        for year in pair if year
    }
    return {"districts": districts, "years": sorted(years, reverse=True)}


def private_names() -> list[tuple[str, str]]:
    """The English and Khmer names of every CBO that is not public (either may be empty): what a text leaving
    the organisation (a donor report) must not name."""
    return list(CBO.objects.filter(is_public=False).values_list("name_en", "name_km"))


def representative_counts(cbo: CBO) -> dict[str, int]:
    """How many people represent the CBO, by sex, role and group: what those who may not see the people
    themselves see (one query)."""
    return Representative.objects.filter(cbo=cbo).aggregate(
        total=Count("pk"),
        female=Count("pk", filter=Q(sex=Representative.Sex.FEMALE)),
        male=Count("pk", filter=Q(sex=Representative.Sex.MALE)),
        other=Count("pk", filter=Q(sex=Representative.Sex.OTHER)),
        leaders=Count("pk", filter=Q(role=Representative.Role.LEADER)),
        committee=Count("pk", filter=Q(role=Representative.Role.COMMITTEE)),
        indigenous=Count("pk", filter=Q(indigenous=True)),
        disability=Count("pk", filter=Q(disability=True)),
    )


def cbo_detail(user, cbo: CBO, *, with_people: bool = False) -> dict[str, Any]:
    """What a CBO's page shows to `user`:
    - `people`: its representatives, only when `with_people` (the view decides with
      accounts.access.can_see_personal and writes the view to the audit log); otherwise None;
    - `people_counts`: representative_counts (numbers only);
    - `issues`: the issues `user` may see, each with its cached `status`, `last_update_on` (latest confirmed
      update) and `pending_updates` (awaiting confirmation);
    - `issue_counts`: total, open, main, people affected;
    - `see_also`: the blocks other apps add to the page (core.related: engagement's count of the events
      where the issues were raised);
    - `budget_place`: the CBO's commune, else its district, if its budget is published (else None).
    Five queries at most, and those of the other apps' blocks, whatever the number of people and issues."""
    issues_qs = cbo.issues.filter(issue_scope(user))
    issues = list(
        issues_qs.annotate(
            last_update_on=Max("updates__date", filter=Q(updates__confirmed=True)),
            pending_updates=Count("updates", filter=Q(updates__confirmed=False)),
        ).order_by("-raised_on", "issue_id")
    )
    issue_counts = {
        "total": len(issues),
        "open": sum(1 for i in issues if i.is_open),
        "main": sum(1 for i in issues if i.is_main),
        "people_affected": sum(i.people_affected or 0 for i in issues),
    }
    return {
        "cbo": cbo,
        "people": list(Representative.objects.filter(cbo=cbo).order_by("full_name", "pk")) if with_people else None,
        "people_counts": representative_counts(cbo),
        "issues": issues,
        "issue_counts": issue_counts,
        "see_also": related.blocks_for(user, cbo),
        # The budget of the CBO's commune (else its district's), linked only where it is published.
        "budget_place": first_published([cbo.commune, cbo.district]),
    }


def cbo_totals(cbos: QuerySet[CBO]) -> dict[str, int]:
    """Members and women members over a list of CBOs (for a list page's summary line), in one query."""
    totals = cbos.order_by().aggregate(cbos=Count("pk"), members=Sum("members_total"),
                                       women=Sum("members_female"))
    return {k: v or 0 for k, v in totals.items()}


# ---- for results (indicators computed from the records) -------------------------------------------------


def personal_cbo_ids(user, cbo_ids) -> set[int]:
    """Of `cbo_ids`, the CBOs whose representatives' names `user` may see: accounts.access.can_see_personal
    asked for many CBOs in one query instead of one each (staff role, and the CBO in the user's scope)."""
    cbo_ids = set(cbo_ids)
    if not cbo_ids or not (user and user.is_authenticated and user.is_active and user.is_staff_role):
        return set()
    return set(CBO.objects.filter(cbo_scope(user), pk__in=cbo_ids).values_list("pk", flat=True))


def _in_scope(queryset, scope, pks) -> set[int]:
    """Of `pks`, those in `scope` (a Q of accounts.access), compared in Python: reading the ids in scope is
    faster than sending thousands of ids to the database. No query for who sees everything."""
    wanted = set(pks)
    if scope:
        wanted &= set(queryset.filter(scope).values_list("pk", flat=True))
    return wanted


def representative_records(user, pks: list[int], *, offset: int = 0, limit: int = PAGE_SIZE
                           ) -> tuple[int, list[Representative]]:
    """Of the representatives `pks`, how many `user` may know of (their CBO is in the user's scope), and
    those from `offset` to `offset + limit` in primary key order, with their CBO. Whether the user may see
    their names is personal_cbo_ids' question. Two queries at most."""
    visible = _in_scope(Representative.objects.all(), cbo_scope(user, prefix="cbo__"), pks)
    page = sorted(visible)[offset:offset + limit]
    people = Representative.objects.filter(pk__in=page).select_related("cbo").order_by("pk") if page else []
    return len(visible), list(people)


def cbo_records(user, pks: list[int], *, offset: int = 0, limit: int = PAGE_SIZE) -> tuple[int, list[CBO]]:
    """Of the CBOs `pks`, how many `user` may see, and those from `offset` to `offset + limit` in primary key
    order. Two queries at most."""
    visible = _in_scope(CBO.objects.all(), cbo_scope(user), pks)
    page = sorted(visible)[offset:offset + limit]
    return len(visible), list(CBO.objects.filter(pk__in=page).order_by("pk")) if page else []


# The vocabularies other apps may read (results labels its groups with them), so that they need not reach
# into this app's models.
CBOType = CBO.Type
Sex = Representative.Sex
