from samleng.conftest import place
from samleng.places import selectors


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
