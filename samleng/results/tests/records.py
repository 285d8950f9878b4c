"""Small builders of the records indicators are computed from, for the results tests (on top of the test
world of samleng/conftest.py and the other apps' factories)."""

import datetime as dt
import itertools

from samleng.advocacy.tests.factories import make_issue, make_update
from samleng.cbos.models import CBO, Representative
from samleng.conftest import place  # noqa: F401  (tests reach places as records.place)
from samleng.engagement.models import Attendance, Event, MechanismAssessment, TargetArea
from samleng.results.models import Indicator, Outcome, Programme

_numbers = itertools.count()


def programme(code: str = "N-KHM-TEST", start: int = 2023, end: int = 2025) -> Programme:
    return Programme.objects.create(code=code, name=f"Programme {code}", donors="BfdW; DCA",
                                    start=dt.date(start, 1, 1), end=dt.date(end, 12, 31))


def indicator(prog: Programme, code: str, computation: str = "", unit: str = "percent", outcome: str = "1",
              **fields) -> Indicator:
    outcome_obj, _ = Outcome.objects.get_or_create(programme=prog, code=outcome,
                                                   defaults={"statement_en": f"Outcome {outcome}"})
    fields.setdefault("statement_en", f"Indicator {code}")
    return Indicator.objects.create(programme=prog, outcome=outcome_obj, code=code, computation=computation,
                                    unit=unit, **fields)


def main_issue(cbo: CBO, raised_on: dt.date = dt.date(2023, 2, 1), statuses=(), **fields):
    """A main issue of `cbo` with confirmed updates given as (date, status) pairs."""
    issue = make_issue(cbo, f"ISS-R-{next(_numbers):05d}", raised_on=raised_on, is_main=True, **fields)
    for day, status in statuses:
        make_update(issue, day, status)
    return issue


def target(prog: Programme, district_code: str, from_year: int = 2023, to_year: int = 2025) -> TargetArea:
    return TargetArea.objects.create(programme_code=prog.code, district=place(district_code), from_year=from_year,
                                     to_year=to_year)


def assessment(district_code: str, year: int, mechanism: str, *, functioning: bool = True,
               quality: int = 4) -> MechanismAssessment:
    """An assessment that functions (held, diverse, `quality` criteria met) or not (not held)."""
    criteria = ["notice_given", "minutes_shared", "questions_answered", "follow_up_done"]
    return MechanismAssessment.objects.create(
        district=place(district_code), year=year, mechanism=mechanism, held=functioning,
        diverse_representation=True, **{name: n < quality for n, name in enumerate(criteria)})


def person(cbo: CBO, *, sex: str = "male", birth_year: int = 1970, indigenous: bool = False,
           disability: bool = False, name: str = "") -> Representative:
    n = next(_numbers)
    return Representative.objects.create(person_id=f"P-R-{n:05d}", cbo=cbo, full_name=name or f"Person {n}",
                                         sex=sex, birth_year=birth_year, indigenous=indigenous,
                                         disability=disability)


def event(day: dt.date, *, authorities: bool = True, attendees=(), issues=(), type: str = "public_forum",
          province: str = "06", district: str | None = "0606", **fields) -> Event:
    record = Event.objects.create(event_id=f"EV-R-{next(_numbers):05d}", type=type, title="Public forum",
                                  date=day, province=place(province),
                                  district=place(district) if district else None,
                                  authorities_present=authorities, **fields)
    for representative in attendees:
        Attendance.objects.create(event=record, representative=representative)
    if issues:
        record.issues_raised.add(*issues)
    return record
