import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from samleng.accounts.models import User
from samleng.advocacy.models import Status
from samleng.advocacy.services import issue_status_refresh
from samleng.advocacy.tests.factories import make_issue, make_issues, make_update
from samleng.conftest import anonymous, assert_login_redirect, login, make_user, place
from samleng.conftest import login_en as login_english
from samleng.results.models import Indicator, Narrative, Outcome, Programme, Report, ReportedValue, Snapshot

D = dt.date


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


# ---- the test programme: one computed percent indicator, one count entered by hand ----------------------

@pytest.fixture
def programme(world):
    programme = Programme.objects.create(code="N-KHM-2022-0265", name="Citizens' Voices and Actions",
                                         donors="BfdW; DCA", start=D(2023, 1, 1), end=D(2025, 12, 31))
    outcome = Outcome.objects.create(programme=programme, code="1", statement_en="Citizens engage their authorities",
                                     statement_km="ពលរដ្ឋចូលរួមជាមួយអាជ្ញាធរ")
    Indicator.objects.create(
        programme=programme, outcome=outcome, code="1.1", statement_en="Main issues solved",
        statement_km="បញ្ហាចម្បងដែលបានដោះស្រាយ", unit="percent", baseline=Decimal(14), baseline_year=2022,
        baseline_numerator=7, baseline_denominator=50, target=Decimal(70), target_year=2025,
        computation="main_issues_solved_share", parameters={"count_partly": True},
        means_of_verification="Issue tracker of the CBOs",
    )
    Indicator.objects.create(
        programme=programme, outcome=outcome, code="1.2", statement_en="Budget forums held", unit="count",
        target=Decimal(12), target_year=2025,
    )
    return programme


def _indicator(programme, code="1.1") -> Indicator:
    return programme.indicators.get(code=code)


def _group(key, label_en, label_km, numerator, denominator, value):
    return {"key": key, "label_en": label_en, "label_km": label_km, "numerator": numerator,
            "denominator": denominator, "value": value}


def _snapshot(indicator, period, *, value, numerator, denominator, numerator_pks=(), denominator_pks=(), **extra):
    return Snapshot.objects.create(
        indicator=indicator, period=period, value=value, numerator=numerator, denominator=denominator,
        computation=indicator.computation, computed_at=timezone.now(), parameters=indicator.parameters,
        records={"kind": "advocacy.issue", "numerator": list(numerator_pks), "denominator": list(denominator_pks)},
        **extra,
    )


@pytest.fixture
def figures(world, programme):
    """2023: 39 of 50 main issues solved (78%), which a past report gave as 45%; 2024: no data."""
    seen = make_issue(world.cbo, "ISS-KT-001", is_main=True)
    hidden = make_issue(world.other_cbo, "ISS-KR-001", is_main=True, title_en="Stop illegal logging")
    indicator = _indicator(programme)
    solved = _snapshot(
        indicator, 2023, value=Decimal("78.0000"), numerator=39, denominator=50,
        numerator_pks=[seen.pk, hidden.pk], denominator_pks=[seen.pk, hidden.pk],
        breakdown={"solved": 9, "partly_solved": 30},
        disaggregation={"province": [_group("06", "Kampong Thom", "កំពង់ធំ", 8, 10, "80.0000")],
                        "cbo_type": [_group("community_fishery", "community fishery", "សហគមន៍នេសាទ", 5, 8,
                                            "62.5000")]},
    )
    empty = _snapshot(indicator, 2024, value=None, numerator=0, denominator=0)
    ReportedValue.objects.create(indicator=indicator, period=2023, value=Decimal(45), decimals=0,
                                 source="Annual report 2023")
    return {"solved": solved, "empty": empty, "seen": seen, "hidden": hidden}


@pytest.fixture
def authority(world):
    return make_user("governor", User.Role.AUTHORITY, authority_unit=place("06"))


def _urls(programme, figures=None):
    urls = [reverse("results:dashboard"), reverse("results:programme", args=[programme.code]),
            reverse("results:indicator", args=[programme.code, "1.1"]),
            reverse("results:differences", args=[programme.code]),
            reverse("results:reports", args=[programme.code])]
    if figures:
        urls.append(reverse("results:drilldown", args=[figures["solved"].pk, "numerator"]))
    return urls


def _edit_urls(programme):
    code = programme.code
    return [reverse("results:indicator_edit", args=[code, "1.1"]),
            reverse("results:manual_value", args=[code, "1.2", 2024]),
            reverse("results:reported_value", args=[code, "1.1", 2023]),
            reverse("results:narrative", args=[code, "1.1", 2023])]


# ---- who may see and do what ------------------------------------------------------------------------------

def test_staff_read_others_do_not(world, programme, figures, authority):
    for url in _urls(programme, figures):
        for user in (world.officer, world.outsider, world.me_officer):
            response = login_english(user).get(url, follow=True)
            assert response.status_code == 200, (url, user)
        for user in (world.cbo_user, authority):  # pages they may not use: 403, on the bilingual error page
            response = login_english(user).get(url)
            assert response.status_code == 403 and "You may not open this page" in response.text, (url, user)
        assert_login_redirect(anonymous().get(url))


def test_only_those_who_see_everything_edit(world, programme, authority):
    for url in _edit_urls(programme):
        assert login_english(world.me_officer).get(url).status_code == 200, url
        assert login_english(world.officer).get(url).status_code == 403, url
        assert login_english(world.officer).post(url, {"value": "3"}).status_code == 403, url
        assert login_english(world.cbo_user).get(url).status_code == 403, url
        assert login_english(authority).get(url).status_code == 403, url
        assert_login_redirect(anonymous().get(url))


def test_actions_are_post_only_and_refused_to_readers(world, programme):
    code = programme.code
    for url in (reverse("results:compute", args=[code]), reverse("results:report_create", args=[code])):
        assert login_english(world.me_officer).get(url).status_code == 405
        assert login_english(world.officer).post(url, {"period": "2023"}).status_code == 403
        assert login_english(world.cbo_user).post(url, {"period": "2023"}).status_code == 403
        assert_login_redirect(anonymous().post(url, {"period": "2023"}))
    assert not Snapshot.objects.exists() and not Report.objects.exists()


def test_csrf_is_checked(world, programme):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.me_officer)
    session = client.session
    session["two_factor_ok"] = True
    session.save()
    assert client.post(reverse("results:compute", args=[programme.code])).status_code == 403
    assert client.post(reverse("results:report_create", args=[programme.code]), {"period": "2023"}).status_code == 403
    assert not Report.objects.exists()


def test_a_representative_gets_403_whether_the_record_exists_or_not(world, programme):
    # The same answer for a programme that exists and one that does not: the 403 tells nothing of records.
    client = login_english(world.cbo_user)
    for url in (reverse("results:programme", args=[programme.code]), reverse("results:programme", args=["NOPE"]),
                reverse("results:report_download", args=[999999, "pdf", "en"])):
        assert client.get(url).status_code == 403, url
    # In Khmer too: the error page is in the reader's language.
    response = login(world.cbo_user).get(reverse("results:dashboard"))
    assert response.status_code == 403 and "អ្នកមិនអាចបើកទំព័រនេះបានទេ" in response.text


def test_unknown_objects_are_not_found(world, programme, figures):
    client = login_english(world.me_officer)
    code = programme.code
    for url in (reverse("results:programme", args=["NOPE"]), reverse("results:indicator", args=[code, "9.9"]),
                reverse("results:drilldown", args=[figures["solved"].pk, "denominator"]),
                reverse("results:drilldown", args=[999999, "numerator"]),
                reverse("results:narrative", args=[code, "1.1", 2019]),
                reverse("results:manual_value", args=[code, "1.1", 2023]),  # a computed indicator
                reverse("results:report_download", args=[999999, "pdf", "en"])):
        assert client.get(url).status_code == 404, url


# ---- dashboard and programme ------------------------------------------------------------------------------

def test_dashboard_goes_straight_to_the_only_programme(world, programme):
    response = login_english(world.officer).get(reverse("results:dashboard"))
    assert response.status_code == 302 and response.url == reverse("results:programme", args=[programme.code])


def test_dashboard_without_programmes_says_how_to_begin(world):
    response = login_english(world.officer).get(reverse("results:dashboard"))
    assert response.status_code == 200 and "Import a programme workbook" in response.text


def test_dashboard_lists_programmes(world, programme):
    Programme.objects.create(code="P-2", name="Budget literacy", start=D(2024, 1, 1), end=D(2026, 12, 31))
    response = login_english(world.officer).get(reverse("results:dashboard"))
    assert "Citizens&#x27; Voices and Actions" in response.text and "Budget literacy" in response.text
    assert "2 indicators" in response.text


def test_programme_shows_figures_with_their_records_and_differences(world, programme, figures):
    response = login_english(world.officer).get(reverse("results:programme", args=[programme.code]))
    text = response.text
    assert "Outcome 1" in text and "Citizens engage their authorities" in text
    assert "78%" in text and "39/50" in text
    assert "no data" in text and ">0%" not in text and "0/0" not in text  # an empty denominator is never 0%
    assert "reported 45%, computed 78%" in text
    assert reverse("results:drilldown", args=[figures["solved"].pk, "numerator"]) in text
    assert reverse("results:drilldown", args=[figures["empty"].pk, "numerator"]) in text
    assert reverse("results:indicator", args=[programme.code, "1.1"]) in text
    assert '<svg class="progress"' in text and "not computed" in text
    assert "Compute again" not in text  # field officers read only


def _output(programme, code="1.3") -> Indicator:
    """An output of outcome 1 with one indicator."""
    output = Outcome.objects.create(programme=programme, code=code, kind=Outcome.Kind.OUTPUT,
                                    parent=programme.outcomes.get(code="1"), statement_en="Forums are held",
                                    statement_km="វេទិកាត្រូវបានរៀបចំ")
    return Indicator.objects.create(programme=programme, outcome=output, code=f"{code}.1", unit="count",
                                    statement_en="Forums held", target=Decimal(4))


def test_programme_and_indicator_headings_say_outcome_or_output(world, programme):
    _output(programme)
    client = login_english(world.officer)
    text = client.get(reverse("results:programme", args=[programme.code])).text
    assert "<h2>Outcome 1: Citizens engage their authorities</h2>" in text
    assert "<h2>Output 1.3: Forums are held</h2>" in text and "Outcome 1.3" not in text
    text = client.get(reverse("results:indicator", args=[programme.code, "1.3.1"])).text
    assert "· Output 1.3</p>" in text and "Outcome 1.3" not in text
    text = client.get(reverse("results:indicator", args=[programme.code, "1.1"])).text
    assert "· Outcome 1</p>" in text


def test_programme_progress_says_the_rule(world, programme, figures):
    response = login_english(world.me_officer).get(reverse("results:programme", args=[programme.code]))
    assert "Compute again" in response.text
    row = response.context["groups"][0][1][0]
    assert row.progress is not None and row.progress.rule_en in response.text.replace("&#x27;", "'")


def test_programme_in_khmer_uses_khmer_digits(world, programme, figures):
    response = login(world.officer).get(reverse("results:programme", args=[programme.code]))
    text = response.text
    assert "៧៨%" in text and "៣៩/៥០" in text and "២០២៣" in text
    assert "បញ្ហាចម្បងដែលបានដោះស្រាយ" in text and "39/50" not in text
    assert "<strong>១.១</strong>" in text  # the indicator's code too


def test_indicator_and_drilldown_in_khmer(world, programme, figures):
    client = login(world.officer)
    text = client.get(reverse("results:indicator", args=[programme.code, "1.1"])).text
    assert "៧៨%" in text and "(៣៩/៥០)" in text and "៨/១០" in text and "កំពង់ធំ" in text
    assert "<h1>១.១ " in text and "<h1>1.1 " not in text
    text = client.get(reverse("results:drilldown", args=[figures["solved"].pk, "numerator"])).text
    assert "៧៨%" in text and "ISS-KT-001" in text and "៣៩/៥០" in text


def test_programme_query_count_does_not_grow_with_indicators(world, programme, figures, django_assert_max_num_queries):
    client = login_english(world.officer)
    url = reverse("results:programme", args=[programme.code])
    few = _queries(client, url)
    outcome = programme.outcomes.get()
    for n in range(12):
        indicator = Indicator.objects.create(programme=programme, outcome=outcome, code=f"2.{n}", unit="count",
                                             statement_en=f"Indicator {n}", target=Decimal(10))
        for year in (2023, 2024):
            _snapshot(indicator, year, value=Decimal(n), numerator=n, denominator=None)
    assert _queries(client, url) == few
    with django_assert_max_num_queries(8):
        client.get(url)


def test_dashboard_query_count_does_not_grow_with_programmes(world, programme, django_assert_max_num_queries):
    client = login_english(world.officer)
    Programme.objects.create(code="P-2", name="Budget literacy", start=D(2024, 1, 1), end=D(2026, 12, 31))
    few = _queries(client, reverse("results:dashboard"))
    for n in range(10):
        Programme.objects.create(code=f"P-X{n}", name=f"Programme {n}", start=D(2024, 1, 1), end=D(2026, 12, 31))
    assert _queries(client, reverse("results:dashboard")) == few
    with django_assert_max_num_queries(4):
        client.get(reverse("results:dashboard"))


def test_compute_again(world, programme):
    issue = make_issue(world.cbo, "ISS-KT-001", is_main=True, raised_on=D(2023, 2, 1))
    make_update(issue, D(2023, 6, 1), Status.SOLVED)
    issue_status_refresh(issue=issue)
    response = login_english(world.me_officer).post(reverse("results:compute", args=[programme.code]), follow=True)
    assert "computed again" in response.text
    snapshot = Snapshot.objects.get(indicator__code="1.1", period=2023)
    assert snapshot.numerator == 1 and snapshot.denominator == 1 and snapshot.value == 100


# ---- one indicator ----------------------------------------------------------------------------------------

def test_indicator_shows_definition_values_breakdowns_and_narrative(world, programme, figures):
    indicator = _indicator(programme)
    Narrative.objects.create(indicator=indicator, period=2023, version=1, text_en="First words.",
                             written_by=world.me_officer, written_at=timezone.now())
    Narrative.objects.create(indicator=indicator, period=2023, version=2, text_en="Better words.",
                             text_km="ពាក្យល្អជាង", written_by=world.me_officer, written_at=timezone.now())
    response = login_english(world.officer).get(reverse("results:indicator", args=[programme.code, "1.1"]))
    text = response.text
    assert "Main issues solved" in text and "បញ្ហាចម្បងដែលបានដោះស្រាយ" in text
    assert "14% (7/50)" in text and "Issue tracker of the CBOs" in text and "count_partly=yes" in text
    assert "higher is better" in text
    assert "partly solved" in text and "By province" in text and "Kampong Thom" in text and "8/10" in text
    assert "By CBO type" in text and "62.5%" in text
    assert "Annual report 2023" in text and "reported 45%, computed 78%" in text
    assert "Better words." in text and "ពាក្យល្អជាង" in text and "First words." not in text
    assert text.count("mande") >= 2  # who wrote each version
    assert reverse("results:drilldown", args=[figures["solved"].pk, "not_counted"]) in text
    assert "nothing to count" in text
    assert "Change the definition" not in text and "Write the narrative" not in text


def test_indicator_entered_by_hand_shows_its_evidence(world, programme):
    indicator = _indicator(programme, "1.2")
    Snapshot.objects.create(indicator=indicator, period=2023, value=Decimal(4), source="manual",
                            computed_at=timezone.now(), evidence="Minutes of the four forums",
                            entered_by=world.me_officer)
    response = login_english(world.me_officer).get(reverse("results:indicator", args=[programme.code, "1.2"]))
    assert "Minutes of the four forums" in response.text and "Entered by hand by mande" in response.text
    assert reverse("results:manual_value", args=[programme.code, "1.2", 2024]) in response.text


# ---- drill-down -------------------------------------------------------------------------------------------

def test_drilldown_lists_the_records_and_counts_the_hidden(world, programme, figures):
    url = reverse("results:drilldown", args=[figures["solved"].pk, "numerator"])
    text = login_english(world.officer).get(url).text
    assert figures["seen"].issue_id in text and reverse("advocacy:detail", args=[figures["seen"].pk]) in text
    assert figures["hidden"].issue_id not in text and "Stop illegal logging" not in text
    assert "1 more you may not see" in text
    text = login_english(world.me_officer).get(url).text
    assert figures["hidden"].issue_id in text and "you may not see" not in text


def test_drilldown_of_what_did_not_count(world, programme):
    indicator = _indicator(programme)
    counted, missed = make_issue(world.cbo, "ISS-KT-001"), make_issue(world.cbo, "ISS-KT-002", title_en="Missed")
    snapshot = _snapshot(indicator, 2023, value=Decimal(50), numerator=1, denominator=2,
                         numerator_pks=[counted.pk], denominator_pks=[counted.pk, missed.pk])
    text = login_english(world.officer).get(reverse("results:drilldown", args=[snapshot.pk, "not_counted"])).text
    assert "ISS-KT-002" in text and "ISS-KT-001" not in text


def test_drilldown_pages_and_query_count(world, programme, django_assert_max_num_queries):
    indicator = _indicator(programme)
    client = login_english(world.officer)
    few = make_issues(world.cbo, 3)
    small = _snapshot(indicator, 2023, value=Decimal(100), numerator=3, denominator=3,
                      numerator_pks=[i.pk for i in few], denominator_pks=[i.pk for i in few])
    many = make_issues(world.cbo, 70) + make_issues(world.other_cbo, 5)
    large = _snapshot(indicator, 2024, value=Decimal(100), numerator=75, denominator=75,
                      numerator_pks=[i.pk for i in many], denominator_pks=[i.pk for i in many])
    small_url = reverse("results:drilldown", args=[small.pk, "numerator"])
    large_url = reverse("results:drilldown", args=[large.pk, "numerator"])
    assert _queries(client, small_url) == _queries(client, large_url)
    with django_assert_max_num_queries(8):
        response = client.get(large_url)
    assert response.text.count("Issue number") == 50 and "page=2" in response.text
    response = client.get(large_url, {"page": 2})
    assert response.text.count("Issue number") == 20 and "5 more you may not see" in response.text
    assert client.get(large_url, {"page": "x"}).status_code == 200


# ---- differences ------------------------------------------------------------------------------------------

def test_differences_list_both_figures_and_the_records(world, programme, figures):
    text = login_english(world.officer).get(reverse("results:differences", args=[programme.code])).text
    assert "1.1" in text and "45" in text and "78" in text
    assert reverse("results:drilldown", args=[figures["solved"].pk, "numerator"]) in text


# ---- forms ------------------------------------------------------------------------------------------------

def _indicator_form(**values):
    data = {"statement_en": "Main issues solved or partly solved", "statement_km": "", "baseline": "14",
            "baseline_year": "2022", "baseline_numerator": "7", "baseline_denominator": "50", "target": "75",
            "target_year": "2025", "direction": "up", "means_of_verification": "Tracker",
            "parameters": "count_partly=no"}
    data.update(values)
    return data


def test_indicator_edit(world, programme):
    url = reverse("results:indicator_edit", args=[programme.code, "1.1"])
    response = login_english(world.me_officer).post(url, _indicator_form())
    assert response.status_code == 302 and response.url == reverse("results:indicator", args=[programme.code, "1.1"])
    indicator = _indicator(programme)
    assert indicator.target == 75 and indicator.parameters == {"count_partly": False}
    assert indicator.statement_en == "Main issues solved or partly solved"


def test_indicator_edit_errors_next_to_the_field_in_the_users_language(world, programme):
    url = reverse("results:indicator_edit", args=[programme.code, "1.1"])
    response = login_english(world.me_officer).post(url, _indicator_form(parameters="youth_max_age=20", target="x"))
    assert response.status_code == 200 and "has no parameter youth_max_age" in response.text
    assert "Enter a number." in response.text
    response = login(world.me_officer).post(url, _indicator_form(parameters="youth_max_age=20"))
    assert "គ្មានប៉ារ៉ាម៉ែត្រ youth_max_age" in response.text
    assert _indicator(programme).target == 70


def test_manual_value(world, programme):
    url = reverse("results:manual_value", args=[programme.code, "1.2", 2024])
    client = login_english(world.me_officer)
    response = client.post(url, {"value": "4", "evidence": ""})
    assert response.status_code == 200 and "This field is required." in response.text
    response = client.post(url, {"value": "4", "evidence": "Minutes of the four forums"})
    assert response.status_code == 302
    snapshot = Snapshot.objects.get(indicator__code="1.2", period=2024)
    assert snapshot.value == 4 and snapshot.source == "manual" and snapshot.evidence == "Minutes of the four forums"
    assert "Minutes of the four forums</textarea>" in client.get(url).text  # the form shows what is stored


def test_reported_value(world, programme):
    url = reverse("results:reported_value", args=[programme.code, "1.1", 2023])
    client = login_english(world.me_officer)
    response = client.post(url, {"value": "45", "decimals": "0", "breakdown": "solved"})
    assert response.status_code == 200 and "name=number" in response.text
    response = client.post(url, {"value": "45", "decimals": "0", "numerator": "9", "denominator": "20",
                                 "breakdown": "solved=5; partly_solved=4", "narrative": "As the 2023 report said"})
    assert response.status_code == 302
    reported = ReportedValue.objects.get(indicator__code="1.1", period=2023)
    assert reported.value == 45 and reported.breakdown == {"solved": 5, "partly_solved": 4}
    assert "solved=5; partly_solved=4" in client.get(url).text


def test_narrative_saves_versions(world, programme):
    url = reverse("results:narrative", args=[programme.code, "1.1", 2023])
    client = login_english(world.me_officer)
    assert "Write the narrative in English, in Khmer or in both." in client.post(url, {"text_en": ""}).text
    assert client.post(url, {"text_en": "First.", "text_km": ""}).status_code == 302
    assert client.post(url, {"text_en": "Second.", "text_km": "ទីពីរ"}).status_code == 302
    versions = list(Narrative.objects.filter(indicator__code="1.1", period=2023).values_list("version", "text_en"))
    assert versions == [(2, "Second."), (1, "First.")]
    assert "Second." in client.get(url).text


# ---- reports ----------------------------------------------------------------------------------------------

def test_report_draft_issue_and_next_version(world, programme, figures):
    client = login_english(world.me_officer)
    reports_url = reverse("results:reports", args=[programme.code])
    response = client.post(reverse("results:report_create", args=[programme.code]), {"period": "2023"}, follow=True)
    assert "Draft version 1 of 2023 is ready" in response.text
    report = Report.objects.get()
    assert report.status == "draft" and report.period == 2023
    issue_url = reverse("results:report_issue", args=[report.pk])
    assert login_english(world.officer).get(issue_url).status_code == 403
    assert login_english(world.officer).post(issue_url).status_code == 403
    assert login_english(world.cbo_user).post(issue_url).status_code == 403
    assert_login_redirect(anonymous().post(issue_url))
    assert "never changes again" in client.get(issue_url).text
    assert Report.objects.get().status == "draft"  # the confirm page changes nothing
    assert client.post(issue_url).status_code == 302
    report.refresh_from_db()
    assert report.status == "issued" and report.issued_by == world.me_officer and report.content
    response = client.get(issue_url, follow=True)
    assert "already issued" in response.text
    text = client.get(reports_url).text
    assert "mande" in text and reverse("results:report_issue", args=[report.pk]) not in text
    client.post(reverse("results:report_create", args=[programme.code]), {"period": "2023"})
    assert list(Report.objects.values_list("version", "status")) == [(2, "draft"), (1, "issued")]


def test_issuing_a_report_that_names_a_private_cbo_asks_to_check_the_names(world, programme, figures):
    Narrative.objects.create(indicator=programme.indicators.get(code="1.1"), period=2023, version=1,
                             written_at=timezone.now(),
                             text_en=f"Working with {world.other_cbo.name_en}, the commune answered.")
    report = Report.objects.create(programme=programme, period=2023, version=1)
    issue_url = reverse("results:report_issue", args=[report.pk])
    client = login_english(world.me_officer)
    page = client.get(issue_url).text
    assert f"narrative of indicator 1.1: “{world.other_cbo.name_en}”" in page
    assert 'name="private_names_checked"' in page and f'name="name_checked" value="{world.other_cbo.name_en}"' in page
    khmer = login(world.me_officer).get(issue_url).text
    assert "ការរៀបរាប់នៃសូចនាករ 1.1" in khmer and "សហគមន៍មូលដ្ឋានដែលមិនបង្ហាញជាសាធារណៈ" in khmer
    refused = client.post(issue_url)  # the box not ticked (a browser asks first: `required`)
    assert refused.status_code == 400 and world.other_cbo.name_en in refused.text
    report.refresh_from_db()
    assert report.status == "draft"
    checked = {"private_names_checked": "1", "name_checked": [world.other_cbo.name_en]}
    assert client.post(issue_url, checked).status_code == 302
    report.refresh_from_db()
    assert report.status == "issued"
    # Nothing named: no box to tick.
    draft = Report.objects.create(programme=programme, period=2024, version=1)
    assert "private_names_checked" not in client.get(reverse("results:report_issue", args=[draft.pk])).text


def test_report_create_refuses_a_year_outside_the_programme(world, programme):
    client = login_english(world.me_officer)
    response = client.post(reverse("results:report_create", args=[programme.code]), {"period": "2030"}, follow=True)
    assert "Choose one of the programme" in response.text and not Report.objects.exists()


@pytest.mark.parametrize("fmt, lang, content_type", [
    ("docx", "en", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("xlsx", "km", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("iati", "en", "application/xml"),
    ("pdf", "km", "application/pdf"),
])
def test_report_download(world, programme, figures, fmt, lang, content_type):
    report = Report.objects.create(programme=programme, period=2023, version=1)
    url = reverse("results:report_download", args=[report.pk, fmt, lang])
    response = login_english(world.officer).get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith(content_type)
    assert "attachment" in response["Content-Disposition"] and response.content
    assert login_english(world.cbo_user).get(url).status_code == 403
    assert login_english(world.officer).get(reverse("results:report_download", args=[report.pk, "odt", lang])
                                            ).status_code == 404


def test_issued_report_downloads_from_its_frozen_content(world, programme, figures, monkeypatch):
    from samleng.results import views

    frozen = {"frozen": True}
    report = Report.objects.create(programme=programme, period=2023, version=1, status="issued", content=frozen)
    given = []
    monkeypatch.setattr(views.reports, "render",
                        lambda content, fmt, lang: given.append(content) or (b"x", "application/pdf", "r.pdf"))
    login_english(world.officer).get(reverse("results:report_download", args=[report.pk, "pdf", "km"]))
    assert given == [frozen]
    draft = Report.objects.create(programme=programme, period=2023, version=2)
    login_english(world.officer).get(reverse("results:report_download", args=[draft.pk, "pdf", "en"]))
    assert given[1]["version"] == 2 and given[1]["status"] == "draft" and given[1]["period"] == 2023
