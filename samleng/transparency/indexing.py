"""What the staff list of procurement projects and the list of land concessions find records by (core.search,
the full-text index the issue list uses): a project's id, OCDS id and titles in both languages; a concession's
id, names in both languages and company. Their words were matched with LIKE over every row before; Khmer titles
were not searched at all."""

from samleng.core import search
from samleng.transparency.models import LandConcession, ProcurementProject

PROJECT_WORDS = ("project_id", "ocid", "title", "title_km")
PROJECT_WORDS_SET = frozenset(PROJECT_WORDS)
CONCESSION_WORDS = ("elc_id", "name", "name_km", "company")


def _texts(model, fields: tuple[str, ...]):
    def texts(pks: list[int] | None):
        records = model.objects.order_by() if pks is None else model.objects.filter(pk__in=pks).order_by()
        for pk, *words in records.values_list("pk", *fields).iterator(chunk_size=2000):
            yield pk, " ".join(words)
    return texts


def register() -> None:
    search.register(ProcurementProject, _texts(ProcurementProject, PROJECT_WORDS), fields=PROJECT_WORDS)
    search.register(LandConcession, _texts(LandConcession, CONCESSION_WORDS), fields=CONCESSION_WORDS)
