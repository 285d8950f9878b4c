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
    if disclosed:
        from samleng.transparency.services import procurement_counts_refresh

        procurement_counts_refresh(project_pks=[record.pk])  # as every service that writes disclosures does
        record.refresh_from_db()
    return record


def office(name_en: str = "Sandan district administration", *, level: str = "district", place_code: str = "0606"):
    """An office of a level at a place of the gazetteer (a national one when `place_code` is empty)."""
    from samleng.places.models import Office

    found = Office.objects.filter(name_en=name_en, level=level).first()
    if found:
        return found
    return Office.objects.create(office_id=f"OF-{place_code or 'KH'}-{Office.objects.count() + 1}", level=level,
                                 place=place(place_code) if place_code else None, name_en=name_en)


def information_request(request_id: str, *, filed_on: dt.date, events=(), topic: str = "budget",
                        to=None, **fields):
    """A request to `to` (an office; Sandan's district administration by default) with its events given as
    (date, event) pairs in order, its clock computed as the services compute it."""
    from samleng.transparency.models import InformationRequest, RequestEvent
    from samleng.transparency.services import request_clocks_refresh

    fields.setdefault("subject_en", f"Budget of {request_id}")
    record = InformationRequest.objects.create(request_id=request_id, office=to or office(), filed_on=filed_on,
                                               topic=topic, **fields)
    for position, (day, event) in enumerate(events):
        RequestEvent.objects.create(request=record, date=day, event=event, position=position)
    request_clocks_refresh(request_pks=[record.pk])
    record.refresh_from_db()
    return record
