import datetime as dt

from django.contrib.auth.models import AnonymousUser

from samleng.cbos.selectors import cbo_detail, cbo_filter_choices, cbo_list
from samleng.cbos.tests.factories import make_representatives
from samleng.conftest import place


def _ids(user, **filters):
    return {c.cbo_id for c in cbo_list(user, filters)}


def test_cbo_list_is_scoped(world):
    assert _ids(world.officer) == {"CBO-KT-001"}
    assert _ids(world.outsider) == {"CBO-KR-001"}
    assert _ids(world.me_officer) == {"CBO-KT-001", "CBO-KR-001"}
    assert _ids(world.cbo_user) == {"CBO-KT-001"}
    assert _ids(AnonymousUser()) == set()
    world.other_cbo.is_public = True
    world.other_cbo.save()
    assert _ids(AnonymousUser()) == {"CBO-KR-001"}


def test_search_finds_a_part_of_a_khmer_name(world):
    user = world.me_officer
    assert _ids(user, q="បឹងចាង") == {"CBO-KT-001"}
    assert _ids(user, q="នេសាទ") == {"CBO-KT-001"}
    assert _ids(user, q="បឹងប្រាំង") == {"CBO-KT-001"}
    assert _ids(user, q="សហគមន៍") == {"CBO-KT-001", "CBO-KR-001"}
    assert _ids(user, q="ព្រៃឈើ") == {"CBO-KR-001"}
    assert _ids(user, q="បឹងចាង ព្រៃឈើ") == set()  # every word must be found


def test_search_in_english_ignores_case_and_order(world):
    user = world.me_officer
    assert _ids(user, q="prang BOEUNG") == {"CBO-KT-001"}
    assert _ids(user, q="community") == {"CBO-KT-001", "CBO-KR-001"}
    assert _ids(user, q="forestry fishery") == set()
    assert _ids(user, q="CBO-KR-001") == {"CBO-KR-001"}


def test_filters(world):
    user = world.me_officer
    world.other_cbo.joined_on = dt.date(2023, 2, 1)
    world.other_cbo.save()
    assert _ids(user, province=place("10")) == {"CBO-KR-001"}
    assert _ids(user, district=place("0606").pk) == {"CBO-KT-001"}
    assert _ids(user, type="community_fishery") == {"CBO-KT-001"}
    assert _ids(user, year=2009) == {"CBO-KT-001"}  # established
    assert _ids(user, year=2023) == {"CBO-KR-001"}  # joined
    assert _ids(user, year=2015) == set()
    assert _ids(user, province=place("06"), type="community_forestry") == set()


def test_filter_choices_offer_only_what_the_user_can_find(world):
    choices = cbo_filter_choices(world.officer)  # the districts of the officer's own province
    codes = [d.code for d in choices["districts"]]
    assert "0606" in codes and all(code.startswith("06") for code in codes)
    assert choices["years"] == [2009]
    assert cbo_filter_choices(world.me_officer)["districts"] == []  # a province first: 210 is too many
    kratie = [d.code for d in cbo_filter_choices(world.me_officer, province=place("10"))["districts"]]
    assert "1006" in kratie and all(code.startswith("10") for code in kratie)


def test_cbo_detail_gives_people_only_when_asked_and_always_counts(world):
    make_representatives(world.cbo, 3)
    data = cbo_detail(world.cbo_user, world.cbo)
    assert data["people"] is None
    assert data["people_counts"]["total"] == 4 and data["people_counts"]["female"] == 1
    data = cbo_detail(world.officer, world.cbo, with_people=True)
    assert {p.person_id for p in data["people"]} >= {"P-001"}
