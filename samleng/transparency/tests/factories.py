"""Small builders of concessions and procurement projects for the transparency tests."""

import datetime as dt

from samleng.conftest import place
from samleng.transparency.models import ElcDisclosure, LandConcession, ProcurementDisclosure, ProcurementProject


def concession(elc_id: str, *, province: str = "06", tracked: bool = True, disclosed: dict | None = None,
               **fields) -> LandConcession:
    """A concession with its disclosures given as {item: date}."""
    fields.setdefault("name", f"Concession {elc_id}")
    record = LandConcession.objects.create(elc_id=elc_id, province=place(province), tracked=tracked, **fields)
    for item, day in (disclosed or {}).items():
        ElcDisclosure.objects.create(concession=record, item=item, disclosed_on=day, source="https://data.example")
    return record


def project(project_id: str, *, buyer: str = "Ministry of Rural Development", fiscal_year: int = 2024,
            disclosed: dict | None = None, **fields) -> ProcurementProject:
    """A procurement project with its disclosures given as {item: date} (or a list of items, disclosed on
    1 March of the fiscal year)."""
    fields.setdefault("title", f"Road works {project_id}")
    record = ProcurementProject.objects.create(project_id=project_id, buyer=buyer, fiscal_year=fiscal_year,
                                               **fields)
    if isinstance(disclosed, list | tuple):
        disclosed = dict.fromkeys(disclosed, dt.date(fiscal_year, 3, 1))
    for item, day in (disclosed or {}).items():
        ProcurementDisclosure.objects.create(project=record, item=item, disclosed_on=day)
    return record
