"""places.selectors.offices_in: the offices of a province (by the range of its places' codes) or the national ones."""

import pytest

from samleng.conftest import place
from samleng.places.models import Office, Place
from samleng.places.selectors import offices_in, place_index

pytestmark = pytest.mark.django_db


def test_every_place_s_code_starts_with_its_province_s(django_db_setup):
    """What offices_in relies on, checked on the whole gazetteer."""
    index = place_index()
    wrong = [p.code for p in Place.objects.filter(level__gt=Place.Level.PROVINCE)
             if not p.code.startswith(index.ancestors(p)[0].code)]
    assert wrong == []


def test_the_offices_of_a_province_at_every_level_and_the_national_ones():
    made = {
        code: Office.objects.create(office_id=f"OF-{code or 'KH'}", level=level, place=place(code) if code else None,
                                    name_en=f"Office {code}")
        for code, level in (("06", "province"), ("0606", "district"), ("060603", "commune"),
                            ("06060301", "village"), ("10", "province"), ("1006", "district"), ("", "national"))
    }
    kampong_thom = set(offices_in(province=place("06")))
    assert kampong_thom == {made["06"], made["0606"], made["060603"], made["06060301"]}
    assert set(offices_in(province=place("06"), level="commune")) == {made["060603"]}
    assert set(offices_in(province=None)) == {made[""]}
    assert set(offices_in(province=place("10"))) == {made["10"], made["1006"]}
