"""The programme workbook's information_requests, request_events and holidays sheets (format 1.1): good rows as
people type them, the office asked matched or made, the clock's rules naming the row, all or nothing, a second
import that changes nothing."""

import datetime as dt

import pytest

from samleng.cbos import sheets as cbos
from samleng.core.workbook.run import Kind, run
from samleng.imports.tests.workbooks import write_xlsx
from samleng.places import sheets as places
from samleng.places.models import Office
from samleng.transparency import sheets as transparency
from samleng.transparency.models import DeclaredHoliday, InformationRequest, RequestEvent

D = dt.date
KIND = Kind("programme", sheets=(places.OFFICES, cbos.CBOS, transparency.HOLIDAYS, transparency.INFORMATION_REQUESTS,
                                 transparency.REQUEST_EVENTS))
REQUEST_HEADER = ["request_id", "authority", "authority_level", "province", "district", "commune", "subject_en",
                  "subject_km", "topic", "filed_on", "channel", "on_behalf_of", "public"]
EVENT_HEADER = ["request_id", "date", "event", "fee_khr", "note", "note_km", "evidence"]


def sheets() -> dict[str, list[list]]:
    return {
        "holidays": [["date", "name_en", "name_km", "working"],
                     ["2024-04-05", "Day off by royal decree", "ថ្ងៃឈប់សម្រាកតាមព្រះរាជក្រឹត្យ", "no"]],
        "information_requests": [
            REQUEST_HEADER,
            ["AIR-1", "Sandan district administration", "district", "Kampong Thom", "Sandan", "", "Budget 2024",
             "ថវិកាឆ្នាំ២០២៤", "ថវិកា", "2024-04-03", "written", "CBO-KT-001", "yes"],
            ["AIR-2", "រដ្ឋបាលឃុំក្លែង", "ឃុំ", "06", "0606", "Klaeng", "", "គម្រោងប្រឡាយ", "procurement",
             "03/04/2024", "", "", ""],
        ],
        "request_events": [
            EVENT_HEADER,
            ["AIR-1", "2024-04-08", "acknowledged", "", "", "", ""],
            ["AIR-1", "2024-04-09", "answered_held", "", "They have it", "", ""],
            ["AIR-1", "2024-04-09", "fee_quoted", "20,000", "", "", ""],
            ["AIR-2", "2024-04-20", "refused_confidential", "", "", "", ""],
        ],
    }


def import_(tmp_path, book, user, name="p.xlsx"):
    return run(KIND, write_xlsx(tmp_path / name, book), user=user, may=lambda *a: True)


@pytest.mark.django_db
def test_requests_import_with_their_clock_and_again_change_nothing(world, tmp_path):
    result = import_(tmp_path, sheets(), world.me_officer)
    assert result.ok, [str(e) for e in result.errors]
    first = InformationRequest.objects.get(request_id="AIR-1")
    assert first.office.name_en == "Sandan district administration" and first.office.level == "district"
    assert first.on_behalf_of == world.cbo and first.public and first.topic == "budget"
    assert first.answer_due == D(2024, 4, 11)  # the declared day off moves it a day
    assert first.status == "awaiting_fee" and first.delivery_due is None
    assert list(first.events.values_list("event", flat=True)) == ["acknowledged", "answered_held", "fee_quoted"]
    assert first.events.get(event="fee_quoted").fee_khr == 20000
    second = InformationRequest.objects.get(request_id="AIR-2")
    assert second.office.name_km == "រដ្ឋបាលឃុំក្លែង" and second.office.place.code == "060603"
    assert (second.status, second.closed_on, second.channel) == ("refused", D(2024, 4, 20), "written")
    assert DeclaredHoliday.objects.count() == 1 and Office.objects.count() == 2
    again = import_(tmp_path, sheets(), world.me_officer, "again.xlsx")
    assert again.ok and sum(again.updated.values()) == 0
    assert Office.objects.count() == 2 and RequestEvent.objects.count() == 4


@pytest.mark.django_db
def test_a_request_listed_has_exactly_its_events(world, tmp_path):
    import_(tmp_path, sheets(), world.me_officer)
    book = sheets()
    book["request_events"] = [EVENT_HEADER, ["AIR-1", "2024-04-10", "delivered", "", "", "", ""]]
    assert import_(tmp_path, book, world.me_officer, "b.xlsx").ok
    first = InformationRequest.objects.get(request_id="AIR-1")
    assert list(first.events.values_list("event", flat=True)) == ["delivered"] and first.status == "delivered"
    assert InformationRequest.objects.get(request_id="AIR-2").events.count() == 1  # not listed: untouched


@pytest.mark.django_db
def test_mistakes_are_named_by_row_and_nothing_is_written(world, tmp_path):
    book = sheets()
    book["information_requests"] += [
        ["AIR-3", "OF-9999-1", "district", "06", "0606", "", "x", "", "", "2024-04-03", "", "", ""],
        ["AIR-4", "Someone", "commune", "06", "0606", "", "", "", "", "2024-04-03", "", "CBO-NONE", ""],
        ["AIR-5", "Ministry of Planning", "ministry", "", "", "", "Plans", "", "", "2099-01-01", "", "", ""],
    ]
    book["request_events"] += [
        ["AIR-1", "2024-04-11", "fee_accepted", "5000", "", "", ""],   # a fee with the wrong event
        ["AIR-2", "2024-04-25", "answered_held", "", "", "", ""],     # after the refusal closed it
        ["AIR-9", "2024-04-25", "acknowledged", "", "", "", ""],      # no such request
        ["AIR-1", "2024-04-08", "acknowledged", "", "", "", ""],      # twice
    ]
    result = import_(tmp_path, book, world.me_officer)
    assert not result.ok
    said = {(e.sheet, e.row, e.column): str(e) for e in result.errors}
    assert ("information_requests", 4, "authority") in said
    assert ("information_requests", 5, "commune") in said and ("information_requests", 5, "subject_en") in said
    assert ("information_requests", 5, "on_behalf_of") in said
    assert ("information_requests", 6, "authority_level") in said and ("information_requests", 6, "filed_on") in said
    assert ("request_events", 6, "fee_khr") in said
    assert "after the request was closed" in said[("request_events", 7, "event")]
    assert "ត្រូវបានបិទ" in said[("request_events", 7, "event")]  # said in Khmer too
    assert ("request_events", 8, "request_id") in said and ("request_events", 9, "event") in said
    assert not InformationRequest.objects.exists() and not Office.objects.exists()
    assert not DeclaredHoliday.objects.exists()


@pytest.mark.django_db
def test_a_field_officer_may_not_import_requests(world, tmp_path):
    result = run(KIND, write_xlsx(tmp_path / "p.xlsx", sheets()), user=world.officer, may=lambda *a: True)
    assert not result.ok and not InformationRequest.objects.exists()


@pytest.mark.django_db
def test_clocks_of_requests_without_events_or_refiled_are_computed_once_with_the_events(world, tmp_path):
    """The import computes the clocks of new and refiled requests with their events' (once): a request that
    the request_events sheet does not list, and one refiled with the same events, still get theirs."""
    book = sheets()
    book["information_requests"].append(["AIR-3", "Sandan district administration", "district", "Kampong Thom",
                                         "Sandan", "", "Roads", "", "budget", "2024-04-03", "written", "", ""])
    assert import_(tmp_path, book, world.me_officer).ok
    third = InformationRequest.objects.get(request_id="AIR-3")
    assert third.answer_due == D(2024, 4, 11) and third.status != "" and not third.events.exists()
    book["information_requests"][1][9] = "2024-04-01"  # AIR-1 refiled two days earlier, its events the same
    result = import_(tmp_path, book, world.me_officer, "refiled.xlsx")
    assert result.ok and result.updated["information_requests"] == 1
    assert InformationRequest.objects.get(request_id="AIR-1").answer_due == D(2024, 4, 9)
