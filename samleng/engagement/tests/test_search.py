"""Search through core.search's full-text index, across the apps that register with it: a word inside a Khmer
compound, a place's name in either language, entries that follow the services, deletes and the workbook
import, and the public lists, which search only among what the public may see. (Here because engagement
may import cbos and advocacy; the same tests run on PostgreSQL with a postgres DATABASE_URL.)"""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser

from samleng.advocacy import selectors as advocacy_selectors
from samleng.advocacy import services as advocacy_services
from samleng.advocacy.models import Issue
from samleng.advocacy.tests.factories import make_issue
from samleng.cbos import selectors as cbo_selectors
from samleng.cbos import services as cbo_services
from samleng.cbos.models import CBO
from samleng.conftest import place
from samleng.core import search
from samleng.core.khmer import search_text
from samleng.core.models import SearchEntry
from samleng.engagement import selectors as event_selectors
from samleng.engagement import services as event_services
from samleng.engagement.models import Event
from samleng.imports.kinds import workbook_import
from samleng.imports.tests.workbooks import clean_sheets, write_xlsx


def cbos_found(user, query: str) -> set[str]:
    return set(cbo_selectors.cbo_list(user, {"q": query}).values_list("cbo_id", flat=True))


def issues_found(user, query: str) -> set[str]:
    return set(advocacy_selectors.issue_list(user, {"q": query}).values_list("issue_id", flat=True))


def events_found(user, query: str) -> set[str]:
    return {e.event_id for e in event_selectors.event_list(user, {"q": query}).object_list}


def test_a_word_inside_a_khmer_compound_finds_the_record(world):
    # Treap Kwan Pi: "សហគមន៍ព្រៃឈើទ្រាបក្វាន់ពីរ"; the segmenter keeps ព្រៃឈើ (forest) whole, and ឈើ (wood)
    # is found inside it, as are the other words of the compound, and the compound typed whole.
    for query in ("ឈើ", "ព្រៃ", "ព្រៃឈើ", "ទ្រាប", "សហគមន៍ព្រៃឈើ", "ក្វាន់"):
        assert cbos_found(world.me_officer, query) == {"CBO-KR-001"}, query
    issue = make_issue(world.cbo, "ISS-1", title_km="ស្ដារប្រឡាយបឹង")  # restore the lake's canal (coeng DA)
    assert issues_found(world.me_officer, "ប្រឡាយ") == {issue.issue_id}
    assert issues_found(world.me_officer, "ស្តារ") == {issue.issue_id}  # typed with coeng TA
    assert issues_found(world.me_officer, "ឈើ") == set()


def test_khmer_typed_in_another_order_or_with_khmer_digits_is_found(world):
    # ាំ typed as ំ + ា (looks the same), and the id's digits in Khmer.
    assert cbos_found(world.me_officer, "ប្រ\u17c6\u17b6ង") == {"CBO-KT-001"}
    assert cbos_found(world.me_officer, "cbo-kt-០០១") == {"CBO-KT-001"}


def test_a_place_name_in_either_language_finds_the_records_of_that_place(world):
    issue = make_issue(world.cbo, "ISS-1")
    event = event_services.event_create(user=world.me_officer, type=Event.Type.PUBLIC_FORUM, title="Forum",
                                        date=dt.date(2024, 3, 15), province=world.kratie, district=place("1006"))
    kleng = place("060603")
    for query in (kleng.name_km, kleng.name_en, "Kampong Thom", place("06").name_km, place("0606").name_en):
        assert cbos_found(world.me_officer, query) == {"CBO-KT-001"}, query
        assert issues_found(world.me_officer, query) == {issue.issue_id}, query
    assert cbos_found(world.me_officer, "Kratie") == {"CBO-KR-001"}
    assert events_found(world.me_officer, "Kratie") == {event.event_id}
    assert events_found(world.me_officer, place("1006").name_km) == {event.event_id}
    # Words of the place and of the record together: every word must be found.
    assert cbos_found(world.me_officer, "fishery Kampong Thom") == {"CBO-KT-001"}
    assert cbos_found(world.me_officer, "fishery Kratie") == set()


def test_the_index_follows_the_services_and_deletes(world):
    cbo = cbo_services.cbo_create(user=world.me_officer, cbo_id="CBO-KT-009", name_en="Prey Lang Patrol",
                                  name_km="ល្បាតព្រៃឡង់", type=CBO.Type.COMMUNITY_FORESTRY,
                                  province=world.kampong_thom, district=place("0606"))
    assert cbos_found(world.me_officer, "patrol") == {"CBO-KT-009"}
    issue = advocacy_services.issue_create(user=world.me_officer, cbo=cbo, issue_id="ISS-9", title_en="Logging trucks",
                                           topic=Issue.Topic.FORESTRY, duty_bearer_level=Issue.Level.DISTRICT,
                                           raised_on=dt.date(2024, 1, 5))
    assert issues_found(world.me_officer, "logging") == {"ISS-9"}
    assert issues_found(world.me_officer, "patrol") == {"ISS-9"}  # its CBO's name
    cbo_services.cbo_update(user=world.me_officer, cbo=cbo, data={"name_en": "Prey Lang Guardians"})
    assert cbos_found(world.me_officer, "patrol") == set()
    assert issues_found(world.me_officer, "guardians") == {"ISS-9"}  # a CBO's change reaches its issues
    advocacy_services.issue_update(user=world.me_officer, issue=issue, data={"title_en": "Sawmill"})
    assert issues_found(world.me_officer, "logging") == set() and issues_found(world.me_officer, "sawmill") == {"ISS-9"}
    event = event_services.event_create(user=world.me_officer, type=Event.Type.PUBLIC_FORUM, title="Forest forum",
                                        date=dt.date(2024, 3, 15), province=world.kampong_thom)
    event_services.event_update(user=world.me_officer, event=event, title="River forum")
    assert events_found(world.me_officer, "forest") == set()
    assert events_found(world.me_officer, "river") == {event.event_id}
    event.delete()
    cbo.delete()  # its issues go with it
    gone = {("cbos.cbo", cbo.pk), ("advocacy.issue", issue.pk), ("engagement.event", event.pk)}
    assert not gone & set(SearchEntry.objects.values_list("kind", "object_id"))  # other kinds may share keys
    assert issues_found(world.me_officer, "sawmill") == set()


def test_the_index_follows_the_workbook_import(world, tmp_path):
    sheets = clean_sheets()
    assert workbook_import(write_xlsx(tmp_path / "a.xlsx", sheets), user=world.me_officer).ok
    assert cbos_found(world.me_officer, "tuek vil") == {"CBO-KT-002"}
    assert cbos_found(world.me_officer, "កសិកម្ម") == {"CBO-KT-002"}  # inside សហគមន៍កសិកម្មទឹកវិល
    assert issues_found(world.me_officer, "silted") == {"I-001"}
    assert events_found(world.me_officer, "forum") == {"EV-002"}
    sheets["cbos"][1][1] = "Tuek Thla Agricultural Community"
    sheets["issues"][1][2] = "Canal dried up"
    sheets["events"][2][2] = "Public meeting in Kleng"
    assert workbook_import(write_xlsx(tmp_path / "b.xlsx", sheets), user=world.me_officer).ok
    assert cbos_found(world.me_officer, "vil") == set() and cbos_found(world.me_officer, "thla") == {"CBO-KT-002"}
    assert issues_found(world.me_officer, "thla") == {"I-002", "I-003"}  # the issues of CBO-KT-002 follow its name
    assert issues_found(world.me_officer, "silted") == set() and issues_found(world.me_officer, "dried") == {"I-001"}
    assert events_found(world.me_officer, "forum") == set() and events_found(world.me_officer, "meeting") == {"EV-002"}
    assert SearchEntry.objects.count() == CBO.objects.count() + Issue.objects.count() + Event.objects.count()


def test_an_issue_is_found_by_its_descriptions_in_either_language(world):
    issue = advocacy_services.issue_create(
        user=world.me_officer, cbo=world.cbo, issue_id="ISS-D1", title_en="Canal", topic=Issue.Topic.WATER,
        duty_bearer_level=Issue.Level.COMMUNE, raised_on=dt.date(2024, 1, 5),
        description="Rice fields flooded every rainy season", description_km="ស្រែលិចទឹកជំនន់រៀងរាល់ឆ្នាំ")
    for query in ("flooded", "rainy season", "ជំនន់", "ស្រែ", "លិចទឹក"):  # ជំនន់ (flood) inside the compound
        assert issues_found(world.me_officer, query) == {"ISS-D1"}, query
    assert cbos_found(world.me_officer, "flooded") == set()  # the issue's words, not its CBO's
    advocacy_services.issue_update(user=world.me_officer, issue=issue,
                                   data={"description": "The well is dry", "description_km": ""})
    assert issues_found(world.me_officer, "flooded") == set() and issues_found(world.me_officer, "ជំនន់") == set()
    assert issues_found(world.me_officer, "well dry") == {"ISS-D1"}


def test_the_import_indexes_the_descriptions_and_follows_their_changes(world, tmp_path):
    sheets = clean_sheets()
    sheets["issues"][0].append("description_km")
    for row, km in zip(sheets["issues"][1:], ("ទឹកមិនហូរចូលស្រែ", "", ""), strict=True):
        row.append(km)
    assert workbook_import(write_xlsx(tmp_path / "a.xlsx", sheets), user=world.me_officer).ok
    assert issues_found(world.me_officer, "carries") == {"I-001"}  # "The canal no longer carries water."
    assert issues_found(world.me_officer, "ហូរ") == {"I-001"}
    sheets["issues"][1][5] = "Mud has filled the canal."
    sheets["issues"][1][-1] = ""
    sheets["issues"][3][-1] = "ជីគីមីលាយមិនត្រឹមត្រូវ"
    assert workbook_import(write_xlsx(tmp_path / "b.xlsx", sheets), user=world.me_officer).ok
    assert issues_found(world.me_officer, "carries") == set() and issues_found(world.me_officer, "ហូរ") == set()
    assert issues_found(world.me_officer, "mud") == {"I-001"}
    assert issues_found(world.me_officer, "ជីគីមី") == {"I-003"}


def test_a_search_of_one_kind_never_finds_another_kind_with_the_same_key(world):
    # An entry's id holds its kind and its record's key: an event and an issue with one primary key are two
    # entries, each found among its own kind only.
    issue = make_issue(world.cbo, "ISS-1", title_en="Canal")
    Event.objects.filter(pk=issue.pk).delete()
    event = Event.objects.create(pk=issue.pk, event_id="EV-ZEBRA", type=Event.Type.PUBLIC_FORUM,
                                 title="Zebra crossing forum", search_text=search_text("Zebra crossing forum"),
                                 date=dt.date(2024, 3, 15), province=world.kampong_thom)
    assert events_found(world.me_officer, "zebra") == {event.event_id}
    assert issues_found(world.me_officer, "zebra") == set()
    assert events_found(world.me_officer, "canal") == set() and issues_found(world.me_officer, "canal") == {"ISS-1"}


def test_fill_missing_writes_nothing_when_every_kind_has_its_entries(world):
    # migrate runs it after core's migrations: it must not write the whole index again each time.
    make_issue(world.cbo, "ISS-1")
    SearchEntry.objects.filter(kind="advocacy.issue").update(text="kept")
    assert search.fill_missing() == {}
    assert SearchEntry.objects.get(kind="advocacy.issue").text == "kept"
    assert search.rebuild([]) == {}


def test_a_public_search_finds_public_records_only(world):
    world.cbo.is_public = True
    world.cbo.save()
    public = make_issue(world.cbo, "ISS-PUB", title_en="Canal silted", is_public=True)
    make_issue(world.cbo, "ISS-PRIV", title_en="Canal silted too", is_public=False)
    make_issue(world.other_cbo, "ISS-OTHER", title_en="Canal silted there", is_public=True)  # its CBO is private
    anonymous = AnonymousUser()
    assert issues_found(anonymous, "canal") == {public.issue_id}
    assert issues_found(world.me_officer, "canal") == {"ISS-PUB", "ISS-PRIV", "ISS-OTHER"}
    assert cbos_found(anonymous, "community") == {"CBO-KT-001"}
    assert cbos_found(world.outsider, "community") == {"CBO-KR-001"}  # a Kratie officer: Kratie's only


def test_rebuild_and_fill_missing_write_the_same_entries(world):
    make_issue(world.cbo, "ISS-1")
    before = set(SearchEntry.objects.values_list("kind", "object_id", "text"))
    SearchEntry.objects.all().delete()
    assert cbos_found(world.me_officer, "fishery") == set()
    assert search.fill_missing() == {"advocacy.issue": 1, "cbos.cbo": 2}
    assert set(SearchEntry.objects.values_list("kind", "object_id", "text")) == before
    assert search.rebuild(["cbos.cbo"]) == {"cbos.cbo": 2}
    assert set(SearchEntry.objects.values_list("kind", "object_id", "text")) == before


def test_the_search_index_command_rebuilds_every_kind_or_those_named(world):
    from io import StringIO

    from django.core.management import call_command

    make_issue(world.cbo, "ISS-1")
    SearchEntry.objects.all().delete()
    out = StringIO()
    call_command("search_index", "cbos.cbo", stdout=out)
    assert "cbos.cbo: 2 entries" in out.getvalue() and not SearchEntry.objects.filter(kind="advocacy.issue").exists()
    call_command("search_index", stdout=out)
    assert issues_found(world.me_officer, "canal") == {"ISS-1"}


def test_the_public_pages_search_among_public_records_only(world, client):
    from django.urls import reverse

    world.cbo.is_public = True
    world.cbo.save()
    public = make_issue(world.cbo, "ISS-PUB", title_en="Canal silted", is_public=True)
    private = make_issue(world.cbo, "ISS-PRIV", title_en="Canal dredging", is_public=False)
    page = client.get(reverse("advocacy:public_list"), {"q": "canal " + place("060603").name_km}).content.decode()
    assert reverse("advocacy:public_detail", args=[public.pk]) in page
    assert reverse("advocacy:public_detail", args=[private.pk]) not in page
    page = client.get(reverse("cbos:public_list"), {"q": "community"}).content.decode()
    assert reverse("cbos:public_detail", args=[world.cbo.pk]) in page
    assert reverse("cbos:public_detail", args=[world.other_cbo.pk]) not in page


def test_a_place_renamed_by_the_gazetteer_is_found_by_its_new_name(world):
    from samleng.places.models import Place
    from samleng.places.services import gazetteer_load

    Place.objects.filter(code="060603").update(name_en="Oldname")
    search.rebuild()
    assert cbos_found(world.me_officer, "oldname") == {"CBO-KT-001"}
    assert gazetteer_load()["updated"] == 1  # the official name again
    assert cbos_found(world.me_officer, "oldname") == set()
    assert cbos_found(world.me_officer, place("060603").name_en) == {"CBO-KT-001"}


@pytest.mark.parametrize("query", ['_', 'a_b', '"', "'", "*", "AND", "NOT fishery", "( ) :", "\\", "x'y", "NEAR(a b)",
                                   "៛", "🙂", "ប្រ\u17d2"])
def test_a_query_is_words_never_the_index_syntax(world, query):
    # FTS5 and tsquery have operators of their own: a query's words are always quoted, never read as syntax.
    assert cbos_found(world.me_officer, query) <= {"CBO-KT-001", "CBO-KR-001"}
