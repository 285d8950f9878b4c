"""Writing the knowledge-base workbook (docs/knowledge-base-workbook.md): its facilities (places as codes, the
office that answers for each as its office_id), the assistant's services and FAQ entries, and the glossary.
Importing the export again changes nothing.

    counts = knowledge_workbook_export("knowledge.xlsx")   # or a .zip, or a folder of .csv files"""

from pathlib import Path

from samleng.assistant.models import FaqEntry, Service
from samleng.budgets.models import GlossaryTerm
from samleng.core.workbook.writer import workbook_writer
from samleng.imports.kinds import KNOWLEDGE_KIND
from samleng.places.models import Facility

_CHUNK = 5000


def knowledge_workbook_export(path, *, user=None) -> dict[str, int]:
    """Write the knowledge-base workbook at `path` (.xlsx, .zip of .csv, else a folder). Everything in it is
    public and holds nothing personal: any staff member may export it (`user` as in the other exports)."""
    writer = workbook_writer(Path(path))
    rows = {"facilities": _facilities, "services": _services, "faq": _faq, "glossary": _glossary}
    with writer:
        return {name: writer.sheet(name, KNOWLEDGE_KIND.sheet(name).names, rows[name]())
                for name in KNOWLEDGE_KIND.export_order}


def _facilities():
    rows = Facility.objects.order_by("facility_id").values_list(
        "facility_id", "type", "name_en", "name_km", "province__code", "district__code", "commune__code",
        "answered_by__office_id", "active")
    for *values, active in rows.iterator(chunk_size=_CHUNK):
        yield (*[value or "" for value in values], "yes" if active else "no")


def _blank(value) -> object:
    """An empty cell for None; 0 stays 0 (a free service's fee)."""
    return "" if value is None else value


def _services():
    names = KNOWLEDGE_KIND.sheet("services").names
    for values in Service.objects.order_by("service_id").values_list(*names).iterator(chunk_size=_CHUNK):
        yield tuple(value.isoformat() if hasattr(value, "isoformat") else _blank(value) for value in values)


def _faq():
    names = KNOWLEDGE_KIND.sheet("faq").names
    for values in FaqEntry.objects.order_by("faq_id").values_list(*names).iterator(chunk_size=_CHUNK):
        yield tuple(value.isoformat() if hasattr(value, "isoformat") else _blank(value) for value in values)


def _glossary():
    names = KNOWLEDGE_KIND.sheet("glossary").names
    yield from GlossaryTerm.objects.order_by("term_id").values_list(*names).iterator(chunk_size=_CHUNK)
