"""What search finds an issue by (core.search): its id, titles and descriptions in both languages, its CBO's
id and names, and the names of the CBO's commune, district and province in both languages. A CBO's changes
reach its issues' entries (`follows`). The descriptions are read here, segmented as the index prepares any
text (Issue.search_text keeps the id and titles only, as the scan search of before read them)."""

from samleng.advocacy.models import Issue
from samleng.core import search
from samleng.places.indexing import with_place_names


def issue_texts(pks: list[int] | None):
    issues = Issue.objects.order_by() if pks is None else Issue.objects.filter(pk__in=pks).order_by()
    rows = issues.values_list("pk", "search_text", "description", "description_km", "cbo__search_text",
                              "cbo__province_id", "cbo__district_id", "cbo__commune_id")
    return with_place_names((pk, " ".join((own, description, description_km, cbo)), *places)
                            for pk, own, description, description_km, cbo, *places in rows.iterator(chunk_size=2000))


def issues_of_cbos(cbo_pks: list[int]):
    return Issue.objects.filter(cbo__in=cbo_pks).values_list("pk", flat=True)


def register() -> None:
    search.register(Issue, issue_texts, follows={"cbos.cbo": issues_of_cbos},
                    fields=("issue_id", "title_en", "title_km", "description", "description_km", "search_text", "cbo"))
