"""Factories for the records engagement tests need (events here; issues and representatives minimal, for
use with the test world of samleng/conftest.py)."""

import datetime as dt

import factory
from factory.django import DjangoModelFactory

from samleng.advocacy.models import Issue
from samleng.cbos.models import Representative
from samleng.core.khmer import search_text
from samleng.engagement.models import Attendance, Event
from samleng.places.models import Place


def place(code: str) -> Place:
    return Place.objects.get(code=code)


class EventFactory(DjangoModelFactory):
    class Meta:
        model = Event

    event_id = factory.Sequence(lambda n: f"EV-T-{n:05d}")
    type = Event.Type.PUBLIC_FORUM
    title = factory.Sequence(lambda n: f"Forum {n}")
    date = dt.date(2024, 3, 15)
    province = factory.LazyFunction(lambda: place("06"))
    district = factory.LazyFunction(lambda: place("0606"))
    commune = None
    search_text = factory.LazyAttribute(lambda o: search_text(o.title))


class IssueFactory(DjangoModelFactory):
    class Meta:
        model = Issue

    issue_id = factory.Sequence(lambda n: f"ISS-T-{n:04d}")
    title_en = factory.Sequence(lambda n: f"Illegal fishing {n}")
    topic = Issue.Topic.FISHERY
    duty_bearer_level = Issue.Level.DISTRICT
    raised_on = dt.date(2023, 1, 10)


class RepresentativeFactory(DjangoModelFactory):
    class Meta:
        model = Representative

    person_id = factory.Sequence(lambda n: f"P-T-{n:05d}")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    sex = Representative.Sex.MALE
    birth_year = 1970


class AttendanceFactory(DjangoModelFactory):
    class Meta:
        model = Attendance

    event = factory.SubFactory(EventFactory)
    representative = factory.SubFactory(RepresentativeFactory)
