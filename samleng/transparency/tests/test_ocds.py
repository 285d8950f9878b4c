"""Reading OCDS files: what rejects a file, what is only a warning, and how a project is read."""

import datetime as dt
import json

import pytest

from samleng.transparency import ocds

D = dt.date
OCID = "ocds-abc123-KH-2024-0001"


def release(rid, date, **parts):
    return {"ocid": OCID, "id": rid, "date": date, "tag": ["tender"], "initiationType": "tender", **parts}


def package(*releases, **extra):
    return {"uri": "https://example.org/p.json", "publishedDate": "2024-06-01T00:00:00Z", "version": "1.1",
            "publisher": {"name": "Ministry of Economy and Finance"}, "releases": list(releases), **extra}


def data(document) -> bytes:
    return json.dumps(document).encode()


TENDER = release("r1", "2024-03-01T17:30:00Z", buyer={"name": "Kampong Thom Provincial Hall"}, tender={
    "id": "t1", "title": "Klaeng canal", "procurementMethod": "open", "numberOfTenderers": 1,
    "value": {"amount": 400000000, "currency": "KHR"},
    "tenderPeriod": {"startDate": "2024-03-01T17:30:00Z", "endDate": "2024-03-10T00:00:00Z"},
    "documents": [{"id": "d1", "documentType": "tenderNotice", "datePublished": "2024-02-28T09:00:00+07:00"},
                  {"id": "d2", "documentType": "biddingDocuments"}]})
AWARD = release("r2", "2024-04-20T03:00:00Z", tag=["award"], awards=[{
    "id": "a1", "value": {"amount": 390000000, "currency": "KHR"},
    "suppliers": [{"name": "Sok Construction"}],
    "documents": [{"id": "d3", "documentType": "awardNotice"}, {"id": "d4", "documentType": "bidders"}]}])


def test_releases_of_one_ocid_merge_into_one_project_read_in_phnom_penh_time():
    reading = ocds.read(data(package(TENDER, AWARD)))
    assert reading.warnings == [] and reading.publishers == ["Ministry of Economy and Finance"]
    project = ocds.project_of(OCID, reading.by_ocid()[OCID])
    assert project.title == "Klaeng canal" and project.buyer == "Kampong Thom Provincial Hall"
    assert project.value == 400000000 and project.currency == "KHR" and project.method == "open"
    assert project.fiscal_year == 2024 and project.tender_days == 8  # 2 March to 10 March, Phnom Penh days
    assert project.disclosures == {"announcement": D(2024, 2, 28), "specification": D(2024, 3, 2),
                                   "award_winner": D(2024, 4, 20), "award_value": D(2024, 4, 20)}
    assert [(d.document_type, d.tier) for d in project.documents] == [
        ("tenderNotice", "basic"), ("biddingDocuments", "basic"), ("awardNotice", "basic"), ("bidders", "advanced")]
    assert project.basic_score == pytest.approx(3 / 7)
    assert project.red_flags == ["R003", "R018"]


def test_the_merge_does_not_depend_on_the_order_of_the_file():
    one = ocds.project_of(OCID, ocds.read(data(package(TENDER, AWARD))).by_ocid()[OCID])
    other = ocds.project_of(OCID, ocds.read(data(package(AWARD, TENDER))).by_ocid()[OCID])
    assert one == other


def test_a_record_package_uses_its_compiled_release_and_never_fetches_linked_releases():
    record = {"ocid": OCID, "releases": [{"url": "https://example.org/r1.json", "date": "2024-03-01T00:00:00Z",
                                          "tag": ["tender"]}, AWARD],
              "compiledRelease": {**TENDER, "id": "compiled", "tender": {**TENDER["tender"], "title": "As compiled"}}}
    document = {"uri": "u", "publishedDate": "2024-06-01T00:00:00Z", "version": "1.1",
                "publisher": {"name": "MEF"}, "records": [record]}
    reading = ocds.read(data(document))
    assert reading.linked_skipped == 1 and [r.id for r in reading.releases] == ["r2"]
    project = ocds.project_of(OCID, reading.by_ocid()[OCID], reading.compiled[OCID])
    assert project.title == "As compiled"


def test_json_lines_of_packages_and_extensions_are_recorded_not_followed():
    lines = [json.dumps(package(TENDER, extensions=["https://example.org/ext/extension.json"])),
             json.dumps(package(AWARD))]
    reading = ocds.read("\n".join(lines).encode())
    assert len(reading.releases) == 2 and reading.extensions == ["https://example.org/ext/extension.json"]


def test_schema_violations_are_warnings_located_by_json_path():
    broken = release("r9", "2024-05-01T00:00:00Z", tender={"id": "t", "value": {"amount": "many"}, "title": 5})
    document = package(broken)
    del document["publisher"]
    reading = ocds.read(data(document))
    paths = {w.path for w in reading.warnings}
    assert "$.releases[0].tender.value.amount" in paths and "$.releases[0].tender.title" in paths
    assert any(w.path == "$" and "publisher" in w.problem for w in reading.warnings)
    assert len(reading.releases) == 1  # kept, not dropped


def test_a_1_0_file_without_version_is_read_with_a_warning():
    document = package(TENDER)
    del document["version"]
    reading = ocds.read(data(document))
    assert [w.path for w in reading.warnings] == ["$"] and len(reading.releases) == 1


@pytest.mark.parametrize(("content", "code", "where"), [
    (b"\xff\xfe{", "ocds.not_utf8", None),
    (b'{"releases": [', "ocds.not_json", "$"),
    (data({"uri": "x"}), "ocds.no_releases", "$"),
    (data(package({"id": "r1", "date": "2024-01-01"})), "ocds.no_id", "$.releases[0]"),
    (data(package({"ocid": OCID, "date": "2024-01-01"})), "ocds.no_id", "$.releases[0]"),
    (data(package(TENDER, {**TENDER, "date": "2024-03-02T00:00:00Z"})), "ocds.id_twice", "$.releases[1]"),
])
def test_what_makes_a_file_unusable_rejects_it_whole_and_says_where(content, code, where):
    with pytest.raises(ocds.OcdsRejected) as rejected:
        ocds.read(content)
    message, params = rejected.value.problems[0]
    assert message.code == code
    if where:
        assert params["path"] == where
    assert message.render(params, "km") != message.render(params, "en")  # said in Khmer too


def test_every_unusable_release_is_named_not_only_the_first():
    with pytest.raises(ocds.OcdsRejected) as rejected:
        ocds.read(data(package({"date": "x"}, TENDER, {"ocid": OCID})))
    assert [p["path"] for _, p in rejected.value.problems] == ["$.releases[0]", "$.releases[0]", "$.releases[2]"]


def test_the_same_release_twice_is_read_once():
    reading = ocds.read(data(package(TENDER, TENDER)))
    assert len(reading.releases) == 1


def test_buyer_from_the_parties_and_fiscal_year_from_the_first_release_without_a_tender_period():
    plain = release("r1", "2023-12-31T20:00:00Z", parties=[{"id": "p1", "name": "Pursat Provincial Hall",
                                                            "roles": ["buyer", "procuringEntity"]}])
    project = ocds.project_of(OCID, ocds.read(data(package(plain))).by_ocid()[OCID])
    assert project.buyer == "Pursat Provincial Hall" and project.fiscal_year == 2024  # 1 January in Phnom Penh
    assert project.title == OCID and project.value is None and project.red_flags == []


def test_contracts_and_implementation_disclose_by_document_or_by_transactions():
    done = release("r3", "2024-08-01T00:00:00Z", contracts=[{
        "id": "c1", "awardID": "a1", "documents": [{"id": "d5", "documentType": "contractSigned",
                                                    "datePublished": "2024-07-15T00:00:00+07:00"}],
        "implementation": {"transactions": [{"id": "tx1", "value": {"amount": 1, "currency": "KHR"}}]}}])
    project = ocds.project_of(OCID, ocds.read(data(package(TENDER, done))).by_ocid()[OCID])
    assert project.disclosures["contract"] == D(2024, 7, 15)
    assert project.disclosures["implementation"] == D(2024, 8, 1)
    assert ("contractSigned", "intermediate") in [(d.document_type, d.tier) for d in project.documents]


@pytest.mark.parametrize(("method", "days", "tenderers", "flags"), [
    ("open", 14, 3, ["R003"]), ("open", 15, 3, []), ("selective", 20, 1, ["R018"]),
    ("limited", 2, 1, []), ("direct", None, 1, []), ("open", None, None, []),
])
def test_red_flags_on_planted_cases(method, days, tenderers, flags):
    assert ocds.red_flags(method, days, tenderers, {"": 15}) == flags


def test_the_minimum_tender_period_is_per_method():
    assert ocds.red_flags("selective", 10, 3, {"": 15, "selective": 7}) == []
    assert ocds.red_flags("open", 10, 3, {"": 15, "selective": 7}) == ["R003"]


def test_nothing_is_fetched_from_the_internet(monkeypatch):
    import socket

    ocds._merger.cache_clear()
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: pytest.fail(f"a network lookup: {a[:1]}"))
    document = package(TENDER, AWARD, extensions=["https://example.org/ext/extension.json"])
    project = ocds.project_of(OCID, ocds.read(data(document)).by_ocid()[OCID])
    assert project.buyer == "Kampong Thom Provincial Hall"
