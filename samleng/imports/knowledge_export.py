"""Writing the knowledge-base workbook (docs/knowledge-base-workbook.md): its facilities sheet, places as codes,
the office that answers for each as its office_id. Importing the export again changes nothing.

    counts = knowledge_workbook_export("knowledge.xlsx")   # or a .zip, or a folder of .csv files"""

from pathlib import Path

from samleng.core.workbook.writer import workbook_writer
from samleng.imports.kinds import KNOWLEDGE_KIND
from samleng.places.models import Facility

_CHUNK = 5000


def knowledge_workbook_export(path, *, user=None) -> dict[str, int]:
    """Write the knowledge-base workbook at `path` (.xlsx, .zip of .csv, else a folder). Facilities are public
    and hold nothing personal: any staff member may export them (`user` as in the other exports)."""
    writer = workbook_writer(Path(path))
    with writer:
        return {"facilities": writer.sheet("facilities", KNOWLEDGE_KIND.sheet("facilities").names, _facilities())}


def _facilities():
    rows = Facility.objects.order_by("facility_id").values_list(
        "facility_id", "type", "name_en", "name_km", "province__code", "district__code", "commune__code",
        "answered_by__office_id", "active")
    for *values, active in rows.iterator(chunk_size=_CHUNK):
        yield (*[value or "" for value in values], "yes" if active else "no")
