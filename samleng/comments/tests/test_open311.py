"""Open311 GeoReport v2 (comments/open311.py): every field of the standard's lists, with its type and format, in
JSON and in XML; the filters and the 1,000 cap; only published comments; no contact, name, phone, receipt code,
redacted original or reason for holding in any answer; POST with a partner's key (none, wrong or revoked: 403 in
the standard's error form), the web form's checks, the rate limit per key; the keys issued and revoked by
administrators only, audited."""

import datetime as dt
import json
import re
from xml.etree import ElementTree

import pytest
from django.utils import timezone

from samleng.accounts.models import User
from samleng.comments import moderation, services
from samleng.comments.models import Comment, CommentContact, PartnerApiKey
from samleng.comments.open311 import MAX_ROWS, api_key_issue, api_key_revoke
from samleng.conftest import anonymous, login, make_user
from samleng.core.models import AuditEntry

# GeoReport v2's field lists (http://wiki.open311.org/GeoReport_v2): name -> the JSON types it may take.
STR, NULLABLE_STR = (str,), (str, type(None))
REQUEST_FIELDS = {
    "service_request_id": STR, "status": STR, "status_notes": NULLABLE_STR, "service_name": STR,
    "service_code": STR, "description": NULLABLE_STR, "agency_responsible": NULLABLE_STR,
    "service_notice": NULLABLE_STR, "requested_datetime": STR, "updated_datetime": NULLABLE_STR,
    "expected_datetime": NULLABLE_STR, "address": NULLABLE_STR, "address_id": NULLABLE_STR,
    "zipcode": NULLABLE_STR, "lat": (float, type(None)), "long": (float, type(None)), "media_url": NULLABLE_STR,
}
SERVICE_FIELDS = {"service_code": STR, "service_name": STR, "description": STR, "metadata": (bool,),
                  "type": STR, "keywords": STR, "group": STR}
ATTRIBUTE_FIELDS = {"variable": (bool,), "code": STR, "datatype": STR, "required": (bool,),
                    "datatype_description": STR, "order": (int,), "description": STR, "values": (list,)}
DATATYPES = {"string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"}
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")  # a W3C date: the day only

NAME, PHONE, EMAIL = "Rathanak Vichheka", "012 904 771", "rathanak.vichheka.0129@example.org"
PLANTED = ["rathanak", "vichheka", "012 904 771", "012904771", "0129"]


@pytest.fixture
def moderator(db):
    return make_user("moderator311", User.Role.ME_OFFICER)


@pytest.fixture
def comments(facility, moderator, django_capture_on_commit_callbacks):
    """A published comment answered "fixed" by its office, a merged one, one still held, one hidden, one
    published with a redacted name; every one left a planted contact."""
    authority = make_user("klaeng311", User.Role.AUTHORITY, office=facility.answered_by)
    made = {}
    made["answered"] = services.comment_create(facility=facility, category="fees", rating=2, email=EMAIL,
                                               text="Asked for 10,000 riel above the posted fee.")
    with django_capture_on_commit_callbacks(execute=True):
        services.answer_give(user=authority, comment=made["answered"].comment, status="fixed",
                             text="The fee list is posted; the money was returned.")
    made["merged"] = services.comment_create(facility=facility, category="fees", email=EMAIL,
                                             text="They asked me for extra money too.")
    moderation.comment_merge(user=moderator, comment=made["merged"].comment, into=made["answered"].comment)
    made["open"] = services.comment_create(facility=facility, category="waiting_time", email=EMAIL,
                                           text="Waited all morning <for> a birth certificate & more.")
    made["held"] = services.comment_create(facility=facility, category="staff_attitude", email=EMAIL,
                                           text=f"Mr {NAME} shouted at us, call {PHONE}.")
    made["hidden"] = services.comment_create(facility=facility, category="other", email=EMAIL,
                                             text="An abusive comment about the clerk.")
    moderation.comment_hide(user=moderator, comment=made["hidden"].comment, reason="abusive")
    made["redacted"] = services.comment_create(facility=facility, category="corruption", email=EMAIL,
                                               text=f"លោក {NAME} took money at the counter.")
    moderation.comment_redact(user=moderator, comment=made["redacted"].comment, text="[…] took money at the counter.")
    return made


def get_json(url: str):
    response = anonymous().get(url)
    assert response["Content-Type"].startswith("application/json"), url
    return response.status_code, json.loads(response.content)


def get_xml(url: str):
    response = anonymous().get(url)
    assert response["Content-Type"].startswith("text/xml"), url
    return response.status_code, ElementTree.fromstring(response.content)


def assert_fields(row: dict, fields: dict) -> None:
    assert set(row) == set(fields), set(row) ^ set(fields)
    for name, types in fields.items():
        assert isinstance(row[name], types), (name, row[name])


def test_requests_have_every_georeport_field_with_its_type_and_days_only(comments, facility):
    status, rows = get_json("/open311/v2/requests.json?locale=en")
    assert status == 200
    ids = {c: str(made.comment.pk) for c, made in comments.items()}
    assert {r["service_request_id"] for r in rows} == {ids["answered"], ids["merged"], ids["open"], ids["redacted"]}
    for row in rows:
        assert_fields(row, REQUEST_FIELDS)
        assert row["status"] in {"open", "closed"}
        assert DAY.match(row["requested_datetime"]) and DAY.match(row["updated_datetime"])
        assert row["address"] == "Klaeng" and row["address_id"] == "FAC-060603-CO"
        assert row["lat"] is None and row["long"] is None  # the gazetteer keeps no commune centres
        assert row["agency_responsible"] == facility.answered_by.name_en
    by_id = {r["service_request_id"]: r for r in rows}
    answered = by_id[ids["answered"]]
    assert answered["status"] == "closed" and answered["service_code"] == "fees"
    assert answered["service_name"] == "fees above the official fee"
    assert answered["status_notes"] == "fixed: The fee list is posted; the money was returned."
    assert answered["description"] == "Asked for 10,000 riel above the posted fee."
    assert by_id[ids["merged"]]["status"] == "closed" and ids["answered"] in by_id[ids["merged"]]["status_notes"]
    assert by_id[ids["open"]]["status"] == "open" and by_id[ids["open"]]["status_notes"] == ""
    assert by_id[ids["redacted"]]["description"] == "[…] took money at the counter."


def test_the_xml_form_parses_with_the_standards_element_names(comments):
    status, root = get_xml("/open311/v2/requests.xml")
    assert status == 200 and root.tag == "service_requests"
    requests = root.findall("request")
    assert len(requests) == 4
    for request in requests:
        assert [child.tag for child in request] == list(REQUEST_FIELDS)
    _status, rows = get_json("/open311/v2/requests.json")
    first = requests[0]
    assert first.findtext("service_request_id") == rows[0]["service_request_id"]
    assert first.findtext("description") == rows[0]["description"] and first.findtext("lat") == ""
    texts = {r.findtext("description") for r in requests}
    assert "Waited all morning <for> a birth certificate & more." in texts  # escaped, read back whole
    _status, root = get_xml("/open311/v2/services.xml")
    assert root.tag == "services" and len(root.findall("service")) == len(Comment.Category.values)
    assert {s.findtext("metadata") for s in root.findall("service")} == {"true"}
    _status, root = get_xml("/open311/v2/services/fees.xml")
    assert root.tag == "service_definition"
    attributes = root.find("attributes").findall("attribute")
    assert attributes[0].findtext("code") == "facility_id" and attributes[0].findtext("required") == "true"
    assert [v.findtext("key") for v in attributes[1].find("values").findall("value")] == ["1", "2", "3", "4", "5"]
    _status, root = get_xml("/open311/v2/discovery.xml")
    assert root.tag == "discovery"
    endpoint = root.find("endpoints").find("endpoint")
    assert endpoint.findtext("specification") == "http://wiki.open311.org/GeoReport_v2"
    assert [f.text for f in endpoint.find("formats").findall("format")] == ["application/json", "text/xml"]
    status, root = get_xml(f"/open311/v2/requests/{comments['held'].comment.pk}.xml")
    assert status == 404 and root.tag == "errors" and root.find("error").findtext("code") == "404"


def test_services_one_per_category_with_facility_id_required(db):
    _status, services_list = get_json("/open311/v2/services.json?locale=km")
    assert [s["service_code"] for s in services_list] == Comment.Category.values
    for service in services_list:
        assert_fields(service, SERVICE_FIELDS)
        assert service["metadata"] is True and service["type"] in {"realtime", "batch", "blackbox"}
    assert services_list[0]["service_name"] == "រយៈពេលរង់ចាំ"  # the reader asked for Khmer
    for code in Comment.Category.values:
        _status, definition = get_json(f"/open311/v2/services/{code}.json")
        assert definition["service_code"] == code
        for attribute in definition["attributes"]:
            assert_fields(attribute, ATTRIBUTE_FIELDS)
            assert attribute["datatype"] in DATATYPES
        required = [a["code"] for a in definition["attributes"] if a["required"]]
        assert required == ["facility_id"]
    status, errors = get_json("/open311/v2/services/nonsense.json")
    assert status == 404 and errors[0]["code"] == 404 and "nonsense" in errors[0]["description"]
    _status, discovery = get_json("/open311/v2/discovery.json")
    assert {"changeset", "contact", "key_service", "endpoints"} <= set(discovery)


def test_a_request_by_its_id_and_unpublished_ones_absent(comments):
    answered = comments["answered"].comment
    status, rows = get_json(f"/open311/v2/requests/{answered.pk}.json")
    assert status == 200 and len(rows) == 1 and rows[0]["service_request_id"] == str(answered.pk)
    for name in ("held", "hidden"):
        status, errors = get_json(f"/open311/v2/requests/{comments[name].comment.pk}.json")
        assert status == 404 and set(errors[0]) == {"code", "description"}
        # The Khmer, then the English.
        description = errors[0]["description"]
        assert description.startswith("គ្មាន") and "There is no published request" in description
    status, rows = get_json("/open311/v2/requests.json?service_request_id="
                            + ",".join(str(comments[n].comment.pk) for n in ("held", "hidden", "open")))
    assert [r["service_request_id"] for r in rows] == [str(comments["open"].comment.pk)]


def test_the_filters(comments):
    def ids(query: str) -> set[str]:
        status, rows = get_json(f"/open311/v2/requests.json?{query}")
        assert status == 200, rows
        return {r["service_request_id"] for r in rows}

    pk = {name: str(made.comment.pk) for name, made in comments.items()}
    assert ids("service_code=fees") == {pk["answered"], pk["merged"]}
    assert ids("service_code=fees,waiting_time") == {pk["answered"], pk["merged"], pk["open"]}
    assert ids("status=closed") == {pk["answered"], pk["merged"]}
    assert ids("status=open") == {pk["open"], pk["redacted"]}
    assert ids("status=open,closed") == {pk["answered"], pk["merged"], pk["open"], pk["redacted"]}
    today = timezone.localdate()
    assert len(ids(f"start_date={today.isoformat()}T00:00:00Z")) == 4
    assert ids(f"end_date={(today - dt.timedelta(days=1)).isoformat()}") == set()
    assert len(ids(f"start_date={today}&end_date={today}")) == 4
    assert ids(f"service_request_id={pk['open']},{pk['answered']}&status=closed") == {pk["open"], pk["answered"]}
    # Comments older than 90 days come only when asked for by date.
    Comment.objects.filter(pk=pk["open"]).update(created_on=today - dt.timedelta(days=120))
    assert pk["open"] not in ids("")
    assert pk["open"] in ids(f"start_date={today - dt.timedelta(days=365)}")
    for query, word in (("status=pending", "status"), ("service_code=parking", "parking"),
                        ("start_date=yesterday", "start_date"), ("service_request_id=1,x", "service_request_id"),
                        (f"start_date={today}&end_date={today - dt.timedelta(days=2)}", "start_date")):
        status, errors = get_json(f"/open311/v2/requests.json?{query}")
        assert status == 400 and errors[0]["code"] == 400 and word in errors[0]["description"], query
    _status, errors = get_json("/open311/v2/requests.json?status=pending")
    assert "ត្រូវ" in errors[0]["description"]  # said in Khmer too


def test_at_most_1000_requests_newest_first(facility, django_assert_max_num_queries):
    today = timezone.localdate()
    Comment.objects.bulk_create([
        Comment(receipt_hash=f"h{n}", facility=facility, commune=facility.commune, category="other",
                text=f"comment {n}", language="en", status=Comment.Status.PUBLISHED, created_on=today,
                published_on=today, text_hash=f"t{n}") for n in range(MAX_ROWS + 5)])
    with django_assert_max_num_queries(6):
        status, rows = get_json("/open311/v2/requests.json")
    assert status == 200 and len(rows) == MAX_ROWS
    numbers = [int(r["service_request_id"]) for r in rows]
    assert numbers == sorted(numbers, reverse=True) and numbers[0] == Comment.objects.latest("id").pk


def _all_answers(comments) -> list[str]:
    ids = [str(made.comment.pk) for made in comments.values()]
    urls = [f"/open311/v2/{name}.{fmt}" for name in ("discovery", "services", "services/fees", "requests")
            for fmt in ("json", "xml")]
    urls += [f"/open311/v2/requests/{pk}.{fmt}" for pk in ids for fmt in ("json", "xml")]
    urls += [f"/open311/v2/requests.json?service_request_id={','.join(ids)}",
             "/api/comments/", "/api/comments/?facility=FAC-060603-CO", "/api/comments/?commune=060603",
             "/api/comments/facilities/FAC-060603-CO/figures"] + [f"/api/comments/{pk}" for pk in ids]
    return urls


def test_no_contact_name_phone_receipt_code_or_original_in_any_answer(comments, facility):
    receipts = [made.receipt for made in comments.values()]
    secrets = PLANTED + [r.lower() for r in receipts] + [r.replace("-", "").lower() for r in receipts]
    secrets += [c.receipt_hash for c in Comment.objects.all()] + ["held_because", "original_text", "email"]
    authority = make_user("klaeng311b", User.Role.AUTHORITY, office=facility.answered_by)
    for client in (anonymous(), login(authority)):
        for url in _all_answers(comments):
            body = client.get(url).content.decode().lower()
            for secret in secrets:
                assert secret.lower() not in body, (secret, url)


def test_the_json_api_lists_published_comments_and_figures_only_from_five(comments, facility, moderator):
    body = anonymous().get("/api/comments/?facility=FAC-060603-CO").json()
    assert {c["id"] for c in body["items"]} == {comments[n].comment.pk for n in ("answered", "merged", "open",
                                                                                "redacted")}
    answered = next(c for c in body["items"] if c["id"] == comments["answered"].comment.pk)
    assert answered["status"] == "closed" and answered["answers"][0]["status"] == "fixed"
    assert answered["answers"][0]["office_id"] == facility.answered_by.office_id
    assert anonymous().get(f"/api/comments/{comments['held'].comment.pk}").status_code == 404
    missing = anonymous().get("/api/comments/?facility=FAC-NOWHERE")
    assert missing.status_code == 404 and "detail_km" in missing.json()
    paged = anonymous().get("/api/comments/?commune=060603&limit=3").json()
    assert len(paged["items"]) == 3 and paged["next"] and anonymous().get(paged["next"]).json()["next"] is None
    # Three comments stand behind the figures (the merged one counts as the kept one): withheld from the public.
    figures = anonymous().get("/api/comments/facilities/FAC-060603-CO/figures").json()
    assert figures["total"] is None and figures["withheld"] and figures["small"] == 5
    staff = login(moderator).get("/api/comments/facilities/FAC-060603-CO/figures").json()
    assert staff["total"] == 3 and staff["closed"] == 1 and not staff["withheld"]
    for n in range(2):
        services.comment_create(facility=facility, category="praise", text=f"Quick service, thank you ({n}).")
    figures = anonymous().get("/api/comments/facilities/FAC-060603-CO/figures").json()
    # The total and the share answered have 5 behind them; 4 open and 1 closed are still too few to show.
    assert figures["total"] == 5 and figures["answered_percent"] == 20.0
    assert figures["open"] is None and figures["closed"] is None
    document = anonymous().get("/api/openapi.json").json()
    assert document["info"]["version"] == "2.4.0"
    assert {"/api/comments/", "/api/comments/{comment_id}",
            "/api/comments/facilities/{facility_id}/figures"} <= set(document["paths"])


# ---- POST with a partner's key ---------------------------------------------------------------------------------


@pytest.fixture
def partner_key(db):
    admin = make_user("admin311", User.Role.ADMIN)
    key, raw = api_key_issue(user=admin, name="Kampong Thom community radio")
    return {"key": key, "raw": raw, "admin": admin}


def post(data: dict, fmt: str = "json"):
    return anonymous().post(f"/open311/v2/requests.{fmt}", data)


def form(partner_key, **extra) -> dict:
    return {"api_key": partner_key["raw"], "service_code": "waiting_time", "attribute[facility_id]": "FAC-060603-CO",
            "description": "The office opened two hours late.", **extra}


def test_post_without_a_wrong_or_a_revoked_key_is_403_in_the_standards_form(facility, partner_key):
    for data in ({"service_code": "other", "description": "x"}, {"api_key": "s311_guess", "description": "x"}):
        response = post(data)
        assert response.status_code == 403
        errors = response.json()
        assert errors[0]["code"] == 403 and "api_key" in errors[0]["description"]
        response = post(data, "xml")
        root = ElementTree.fromstring(response.content)
        assert response.status_code == 403 and root.tag == "errors" and root.find("error").findtext("code") == "403"
    api_key_revoke(user=partner_key["admin"], key=partner_key["key"])
    assert post(form(partner_key)).status_code == 403
    assert not Comment.objects.exists()


def test_a_partner_sends_a_comment_the_email_is_its_contact_and_names_are_kept_nowhere(facility, partner_key):
    response = post(form(partner_key, email=EMAIL, first_name="Rathanak", last_name="Vichheka", phone=PHONE,
                         **{"attribute[rating]": "2"}, lat="12.71", long="104.89"))
    assert response.status_code == 200, response.content
    row = response.json()[0]
    assert set(row) == {"service_request_id", "service_notice", "account_id"}
    comment = Comment.objects.get(pk=int(row["service_request_id"]))
    assert comment.status == "published" and comment.rating == 2 and comment.facility == facility
    assert "Published" in row["service_notice"] and "ផ្សាយ" in row["service_notice"]
    assert CommentContact.objects.get(comment=comment).email == EMAIL
    stored = json.dumps([list(Comment.objects.values()), [e.summary for e in AuditEntry.objects.all()],
                         [e.changes for e in AuditEntry.objects.all()]], default=str).lower()
    for secret in ("rathanak", "vichheka", "012 904 771", "12.71", "104.89"):
        assert secret not in stored
    assert AuditEntry.objects.filter(object_type="comments.comment", object_id=str(comment.pk),
                                     summary__contains="Kampong Thom community radio").exists()
    _status, rows = get_json(f"/open311/v2/requests/{comment.pk}.json")
    assert EMAIL not in json.dumps(rows)


def test_a_posted_comment_naming_someone_is_held_and_not_listed(facility, partner_key):
    response = post(form(partner_key, description=f"Call {PHONE} to ask the clerk."), "xml")
    root = ElementTree.fromstring(response.content)
    number = root.find("request").findtext("service_request_id")
    assert response.status_code == 200 and "moderator" in root.find("request").findtext("service_notice")
    assert Comment.objects.get(pk=number).status == "held"
    assert get_json(f"/open311/v2/requests/{number}.json")[0] == 404


def test_post_bad_input_is_refused_with_every_reason_and_nothing_stored(facility, partner_key):
    response = post(form(partner_key, service_code="parking", description="", email="not-an-address",
                         **{"attribute[facility_id]": "FAC-NOWHERE", "attribute[rating]": "7"},
                         media_url="http://example.org/x.jpg"))
    assert response.status_code == 400
    descriptions = " ".join(e["description"] for e in response.json())
    for word in ("service_code", "FAC-NOWHERE", "attribute[rating]", "description", "email", "media_url"):
        assert word in descriptions, word
    response = post(form(partner_key, description="x" * 100_000))
    assert response.status_code == 400 and "2000" in response.json()[0]["description"]
    response = post(form(partner_key, **{"attribute[facility_id]": ""}))
    assert response.status_code == 400 and "attribute[facility_id]" in response.json()[0]["description"]
    assert not Comment.objects.exists() and not CommentContact.objects.exists()
    assert post(form(partner_key)).status_code == 200
    again = post(form(partner_key, email=EMAIL))
    assert again.status_code == 400 and "not sent twice" in again.json()[0]["description"]
    assert Comment.objects.count() == 1 and not CommentContact.objects.exists()


def test_the_rate_limit_counts_per_key(facility, partner_key, settings):
    settings.LIMIT_OPEN311_POSTS = "2/h"
    for n in range(2):
        assert post(form(partner_key, description=f"Comment number {n} on the queue.")).status_code == 200
    refused = post(form(partner_key, description="A third comment within the hour."))
    assert refused.status_code == 429 and refused["Retry-After"] and refused.json()[0]["code"] == 429
    _other, raw = api_key_issue(user=partner_key["admin"], name="An SMS gateway")
    assert post({**form(partner_key, description="From another partner."), "api_key": raw}).status_code == 200


def test_keys_are_stored_hashed_issued_in_the_admin_by_administrators_only(db):
    admin = make_user("admin311k", User.Role.ADMIN)
    admin.is_staff = True
    admin.save()
    client = login(admin)
    response = client.post("/admin/comments/partnerapikey/add/", {"name": "Takeo SMS gateway"}, follow=True)
    shown = re.search(r"s311_[A-Za-z0-9_-]{20,}", response.content.decode())
    assert shown, "the key is shown once"
    key = PartnerApiKey.objects.get()
    assert shown.group(0) not in json.dumps(list(PartnerApiKey.objects.values()), default=str)
    assert key.prefix == shown.group(0)[:10] and key.name == "Takeo SMS gateway"
    assert AuditEntry.objects.filter(object_type="comments.partnerapikey", action="create", user=admin).exists()
    assert shown.group(0) not in client.get(f"/admin/comments/partnerapikey/{key.pk}/change/").content.decode()
    client.post("/admin/comments/partnerapikey/", {"action": "revoke", "_selected_action": [key.pk]})
    key.refresh_from_db()
    assert key.revoked_on is not None
    assert AuditEntry.objects.filter(object_type="comments.partnerapikey", action="update").exists()
    me_officer = make_user("me311k", User.Role.ME_OFFICER)
    me_officer.is_staff = True
    me_officer.save()
    assert login(me_officer).get("/admin/comments/partnerapikey/").status_code == 403
    assert anonymous().get("/admin/comments/partnerapikey/").status_code == 302


def test_reading_counts_against_the_api_limit_per_address_and_khmer_on_request(comments, facility, settings):
    _status, rows = get_json("/open311/v2/requests.json?locale=km&service_code=fees")
    assert {r["address"] for r in rows} == {"ក្លែង"} and rows[0]["service_name"] == "ការយកថ្លៃសេវាលើសតម្លៃផ្លូវការ"
    assert rows[0]["agency_responsible"] == facility.answered_by.name_km
    settings.LIMIT_API = "2/m"
    client = anonymous()
    assert [client.get("/open311/v2/services.json").status_code for _ in range(2)] == [200, 200]
    refused = client.get("/open311/v2/requests.xml")
    root = ElementTree.fromstring(refused.content)
    assert refused.status_code == 429 and refused["Retry-After"] and root.find("error").findtext("code") == "429"
