from django.core.cache import cache

from samleng.conftest import place
from samleng.places import selectors
from samleng.places.models import Place


def test_provinces_and_districts_are_kept_others_read(db, django_assert_num_queries):
    kampong_thom, sandan, kleng = place("06"), place("0606"), place("060603")
    selectors.place_index_clear()
    with django_assert_num_queries(2):  # the provinces and districts, once; the commune
        found = selectors.places_by_id([kampong_thom.pk, sandan.pk, kleng.pk])
    assert {pk: p.code for pk, p in found.items()} == {kampong_thom.pk: "06", sandan.pk: "0606", kleng.pk: "060603"}
    with django_assert_num_queries(0):
        assert selectors.places_by_id({sandan.pk})[sandan.pk].name_en == sandan.name_en
    selectors.place_index_clear()  # the gazetteer changed: read again
    with django_assert_num_queries(1):
        selectors.places_by_id([kampong_thom.pk])


def test_a_gazetteer_loaded_by_another_process_is_seen_without_a_restart(db, monkeypatch):
    # What this process keeps (its provinces and districts, its index) is built, then another process (`samleng
    # setup`) changes a district's name and tells the others through the shared cache.
    monkeypatch.setattr(selectors, "GAZETTEER_CHECKED_EVERY", 60)
    clock = [1000.0]
    monkeypatch.setattr(selectors, "_clock", lambda: clock[0])
    sandan = place("0606")
    selectors.place_index_clear()
    assert selectors.places_by_id([sandan.pk])[sandan.pk].name_en == "Sandan"
    assert selectors.place_get("0606").name_en == "Sandan"
    Place.objects.filter(pk=sandan.pk).update(name_en="Sandan (renamed)")
    cache.set(selectors._GAZETTEER_VERSION, "loaded elsewhere", None)
    clock[0] += 30  # not asked again yet: what is kept stays
    assert selectors.places_by_id([sandan.pk])[sandan.pk].name_en == "Sandan"
    clock[0] += 31  # asked: changed, so built again
    assert selectors.places_by_id([sandan.pk])[sandan.pk].name_en == "Sandan (renamed)"
    assert selectors.place_get("0606").name_en == "Sandan (renamed)"
    selectors.place_index_clear()  # the name goes back with this test's transaction


def test_gazetteer_changed_tells_the_other_processes(db):
    before = cache.get(selectors._GAZETTEER_VERSION)
    selectors.gazetteer_changed()
    assert cache.get(selectors._GAZETTEER_VERSION) not in (None, before)


def test_a_gazetteer_load_tells_the_other_processes_once_it_commits(db, django_capture_on_commit_callbacks):
    from samleng.places.services import gazetteer_load

    Place.objects.filter(code="0606").update(name_en="Sandan (to be loaded again)")  # the load has a change to make
    before = cache.get(selectors._GAZETTEER_VERSION)
    with django_capture_on_commit_callbacks() as callbacks:
        gazetteer_load()
        assert cache.get(selectors._GAZETTEER_VERSION) == before  # not before the load commits
    for callback in callbacks:
        callback()
    assert cache.get(selectors._GAZETTEER_VERSION) not in (None, before)
    selectors.place_index_clear()
