"""The test world every app's tests use: the gazetteer (loaded once per session), and in it two field
officers of different provinces, two CBOs with a representative user each, and the anonymous public.
Every staff view is tested with someone allowed, someone out of scope and an anonymous visitor."""

import datetime as dt
import re
from dataclasses import dataclass

import pytest
from django.test import Client

from samleng.accounts.models import User
from samleng.cbos.models import CBO, Representative
from samleng.cbos.services import cbo_search_text

PASSWORD = "correct-horse-battery-9"


@pytest.fixture(autouse=True)
def _no_per_address_limits_on_pages(settings):
    """The JSON API's and public forms' limits per address (accounts/limits.py) are off in tests of pages, whose
    query counts are the views' own; accounts/tests/test_limits.py turns them on to test them."""
    settings.LIMIT_API = settings.LIMIT_PUBLIC_FORMS = "0"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from django.db import connection

    from samleng.places.services import gazetteer_load

    with django_db_blocker.unblock():
        # pytest-django sets up no database when none of the tests chosen uses one.
        if "places_place" in connection.introspection.table_names():
            gazetteer_load()


def place(code: str):
    from samleng.places.models import Place

    return Place.objects.get(code=code)


def make_user(username: str, role: str, **scope) -> User:
    """A user with a role and its scope. `authority_unit=place` (a shorthand of the tests) makes an authority of
    that place's own administration (places.services.office_of_place)."""
    provinces = scope.pop("provinces", [])
    unit = scope.pop("authority_unit", None)
    if unit is not None:
        from samleng.places.services import office_of_place

        scope["office"] = office_of_place(user=None, place=unit)
    user = User.objects.create_user(username=username, password=PASSWORD, role=role, **scope)
    if provinces:
        user.provinces.set(provinces)
    return user


def login(user: User) -> Client:
    """A client logged in as `user`, past two-factor for staff (the two-factor flow has its own tests)."""
    client = Client()
    client.force_login(user)
    session = client.session
    session["two_factor_ok"] = True
    session.save()
    return client


@dataclass
class World:
    kampong_thom: object
    kratie: object
    cbo: CBO  # Boeung Chang Boeung Prang fishery, Kleng commune, Sandan, Kampong Thom
    other_cbo: CBO  # Treap Kwan Pi forestry, Chet Borei, Kratie
    rep: Representative
    officer: User  # field officer of Kampong Thom: may see `cbo`
    outsider: User  # field officer of Kratie: may not see `cbo`
    me_officer: User  # sees everything
    cbo_user: User  # representative of `cbo`
    other_cbo_user: User  # representative of `other_cbo`


@pytest.fixture
def world(db) -> World:
    kampong_thom, kratie = place("06"), place("10")
    cbo = CBO.objects.create(
        cbo_id="CBO-KT-001", name_en="Boeung Chang Boeung Prang Community Fishery",
        name_km="សហគមន៍នេសាទបឹងចាងបឹងប្រាំង", type=CBO.Type.COMMUNITY_FISHERY,
        province=kampong_thom, district=place("0606"), commune=place("060603"),
        established_on=dt.date(2009, 6, 22), members_total=265, members_female=148,
    )
    other = CBO.objects.create(
        cbo_id="CBO-KR-001", name_en="Treap Kwan Pi Community Forestry", name_km="សហគមន៍ព្រៃឈើទ្រាបក្វាន់ពីរ",
        type=CBO.Type.COMMUNITY_FORESTRY, province=kratie,
        district=place("1006"), commune=place("100610"),
    )
    for c in (cbo, other):  # written straight to the table: fill what the services would derive
        c.search_text = cbo_search_text(c)
        c.save(update_fields=["search_text"])
    rep = Representative.objects.create(
        person_id="P-001", cbo=cbo, full_name="Sar Mol", sex="male", birth_year=1972,
        phone="012345678", telegram="@sarmol",
    )
    return World(
        kampong_thom=kampong_thom, kratie=kratie, cbo=cbo, other_cbo=other, rep=rep,
        officer=make_user("officer", User.Role.FIELD_OFFICER, provinces=[kampong_thom]),
        outsider=make_user("outsider", User.Role.FIELD_OFFICER, provinces=[kratie]),
        me_officer=make_user("mande", User.Role.ME_OFFICER),
        cbo_user=make_user("rep", User.Role.CBO_REP, cbo=cbo),
        other_cbo_user=make_user("otherrep", User.Role.CBO_REP, cbo=other),
    )



def english(client: Client) -> Client:
    """Pages are in Khmer by default; most tests read them in English (as the language switch sets it)."""
    client.cookies["samleng_language"] = "en"
    return client


def login_en(user: User) -> Client:
    return english(login(user))


def anonymous() -> Client:
    """A visitor with no account, reading in English."""
    return english(Client())


def assert_login_redirect(response) -> None:
    assert response.status_code == 302 and response.url.startswith("/login/")


def assert_small_and_private(response, personal: list[str]) -> None:
    """A public page: answered, under 100 KB, no script, and none of the `personal` words in it. A CSRF
    token is random letters and digits (a birth year turns up in one now and then): it is left out."""
    assert response.status_code == 200
    html = response.content.decode()
    assert len(response.content) < 100 * 1024 and "<script" not in html
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
    for word in personal:
        assert word not in html, word

