"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) over the published comments, in JSON and XML.

- GET  /open311/v2/discovery.{json,xml}
- GET  /open311/v2/services.{json,xml}: one service per comment category (`Comment.Category`), `metadata` true;
- GET  /open311/v2/services/<code>.{json,xml}: its service_definition: the required attribute `facility_id`
  (the standard has no field for the place a comment is about) and the optional `rating`;
- GET  /open311/v2/requests.{json,xml}: published comments only, newest first, at most MAX_ROWS; filters
  service_code, status, start_date, end_date (the last 90 days when neither is given, as the standard says),
  or service_request_id (a comma list, which overrides the others);
- GET  /open311/v2/requests/<id>.{json,xml};
- POST /open311/v2/requests.{json,xml} with a partner's `api_key` (PartnerApiKey): a comment, through the same
  service as the web form (comments.services.comment_create: detection holds, duplicates refused).

What a request shows is what the comment's public page shows, and less: never the receipt code, the contact,
the original of a redacted text or why a comment was held. Its days are days (YYYY-MM-DD, a W3C date): a comment
keeps no time of day (models.py). Its place is its commune (`address`, the commune's names; `address_id`, the
facility's id); `lat`/`long` would be the commune's centre, but the gazetteer (places.Place) has no coordinates,
so they are empty: never a point nearer the commenter.

Errors are the standard's: [{"code": <HTTP status>, "description": "Khmer — English"}], or <errors><error>."""

import datetime as dt
import hashlib
import re
import secrets
from typing import NamedTuple
from xml.sax.saxutils import escape

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.http import HttpResponse, JsonResponse
from django.urls import path
from django.utils import timezone, translation
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from samleng.accounts import limits
from samleng.comments import services
from samleng.comments.forms import TEXT_MAX
from samleng.comments.models import CLOSING, Answer, AnswerStatus, Comment, PartnerApiKey
from samleng.core.audit import Action, audit_record
from samleng.places.models import Facility

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
#: The most requests one answer holds (the standard lets a server set it).
MAX_ROWS = 1000
#: Without start_date or end_date, the requests of this many days up to today (the standard's default).
DEFAULT_DAYS = 90
#: Comments one partner key may send, "COUNT/PERIOD" (settings.LIMIT_OPEN311_POSTS); answered with 429.
POST_LIMIT_SETTING = "LIMIT_OPEN311_POSTS"
KEY_PREFIX = "s311_"
#: When this endpoint last changed (discovery's changeset): change it with what services or requests answer.
CHANGESET = "2026-12-06T00:00:00Z"

# ---- partners' keys ------------------------------------------------------------------------------------------


def key_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def api_key_issue(*, user, name: str) -> tuple[PartnerApiKey, str]:
    """A new key for a partner: the record and the key itself, to be shown once (only its hash is kept)."""
    raw = KEY_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        key = PartnerApiKey.objects.create(name=name.strip(), prefix=raw[:10], key_hash=key_hash(raw),
                                           created_on=timezone.localdate())
        audit_record(user=user, action=Action.CREATE, obj=key, summary=f"Open311 key issued to {key.name}")
    return key, raw


def api_key_revoke(*, user, key: PartnerApiKey) -> None:
    if key.revoked_on is not None:
        return
    with transaction.atomic():
        key.revoked_on = timezone.localdate()
        key.save(update_fields=["revoked_on"])
        audit_record(user=user, action=Action.UPDATE, obj=key, summary=f"Open311 key of {key.name} revoked",
                     changes={"revoked_on": [None, key.revoked_on.isoformat()]})


def api_key_find(raw: str) -> PartnerApiKey | None:
    """The active key `raw` is, or None (unknown or revoked alike)."""
    if not raw:
        return None
    return PartnerApiKey.objects.filter(key_hash=key_hash(raw), revoked_on__isnull=True).first()


# ---- answering in JSON or XML --------------------------------------------------------------------------------


class Open311Error(Exception):
    """One or more errors, answered in the standard's form with `status`."""

    def __init__(self, status: int, *descriptions: str):
        super().__init__(descriptions[0] if descriptions else "")
        self.status, self.descriptions = status, descriptions


def both_languages(message) -> str:
    """`message()` said in Khmer, then in English (whatever the client's language: a partner's program reads it,
    and the person it shows the error to may read either)."""
    with translation.override("km"):
        km = str(message())
    with translation.override("en"):
        en = str(message())
    return f"{km} — {en}"


#: The element of each item of a list, in the XML form (GeoReport v2's names).
XML_ITEMS = {"services": "service", "service_requests": "request", "errors": "error", "attributes": "attribute",
             "values": "value", "endpoints": "endpoint", "formats": "format"}


#: Characters XML 1.0 cannot hold (control characters but tab, line feed and carriage return).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _xml_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return escape(_NOT_XML.sub("", str(value)))


def _xml_parts(name: str, value, out: list[str]) -> None:
    """`value` as the element `name`, appended to `out` as text: written out directly, three times faster than
    building an ElementTree for 1,000 requests (bench_comments)."""
    if isinstance(value, dict):
        out.append(f"<{name}>")
        for inner_name, inner in value.items():
            _xml_parts(inner_name, inner, out)
        out.append(f"</{name}>")
    elif isinstance(value, list):
        out.append(f"<{name}>")
        for inner in value:
            _xml_parts(XML_ITEMS[name], inner, out)
        out.append(f"</{name}>")
    else:
        out.append(f"<{name}>{_xml_value(value)}</{name}>")


def respond(data, fmt: str, *, root: str, status: int = 200) -> HttpResponse:
    """`data` (a list, or one object) as JSON, or as XML under `root` (a list's items named by XML_ITEMS)."""
    if fmt == "xml":
        out = ['<?xml version="1.0" encoding="utf-8"?>\n']
        _xml_parts(root, data, out)
        return HttpResponse("".join(out).encode(), status=status, content_type="text/xml; charset=utf-8")
    return JsonResponse(data, status=status, safe=False, json_dumps_params={"ensure_ascii": False})


def error_response(error: Open311Error, fmt: str) -> HttpResponse:
    errors = [{"code": error.status, "description": description} for description in error.descriptions]
    response = respond(errors, fmt, root="errors", status=error.status)
    if error.status == 429:
        response["Retry-After"] = str(getattr(error, "retry_after", 60))
    return response


def open311_view(methods: frozenset[str]):
    """A view of the API: its format from the URL (json or xml, else 404 in JSON), the reader's language from
    `locale` (km or en), errors in the standard's form, GETs counted against the JSON API's limit per address."""
    def decorate(view):
        @csrf_exempt  # no cookie is read: a POST is authenticated by its api_key
        def wrapped(request, fmt: str, **kwargs):
            if fmt not in {"json", "xml"}:
                return error_response(Open311Error(404, both_languages(
                    lambda: _("Ask for .json or .xml."))), "json")
            try:
                if request.method not in methods:
                    raise Open311Error(405, both_languages(lambda: _("This method is not allowed here.")))
                if request.method == "GET":
                    _limit(f"get:{limits.address_key(limits.client_address(request))}", limits.rate("LIMIT_API"))
                locale = request.GET.get("locale", "")[:2].lower()
                with translation.override(locale if locale in {"km", "en"} else translation.get_language()):
                    return view(request, fmt, **kwargs)
            except Open311Error as error:
                return error_response(error, fmt)
        return wrapped
    return decorate


def _limit(subject: str, rate) -> None:
    decision = limits.take(limits.keyed_hash("open311", subject), rate)
    if not decision.allowed:
        error = Open311Error(429, both_languages(lambda: _("Too many requests. Please wait %(seconds)s seconds "
                                                           "and try again.") % {"seconds": decision.retry_after}))
        error.retry_after = decision.retry_after
        raise error


# ---- discovery and services ---------------------------------------------------------------------------------


@open311_view(frozenset({"GET"}))
def discovery(request, fmt):
    base = request.build_absolute_uri("/open311/v2/")
    changeset = CHANGESET
    return respond({
        "changeset": changeset,
        "contact": both_languages(lambda: _("Write to the organisation that runs this Samleng site.")),
        "key_service": both_languages(lambda: _("Reading needs no key. Partners who send comments get a key "
                                                "from the organisation's administrators.")),
        "endpoints": [{"specification": SPECIFICATION, "url": base, "changeset": changeset, "type": "production",
                       "formats": ["application/json", "text/xml"]}],
    }, fmt, root="discovery")


def _service(code: str, label) -> dict:
    return {
        "service_code": code, "service_name": str(label),
        "description": _("A citizen's comment about a public service point: %(category)s.") % {"category": label},
        "metadata": True, "type": "realtime", "keywords": "", "group": str(_("Citizens' comments")),
    }


@open311_view(frozenset({"GET"}))
def service_list(request, fmt):
    return respond([_service(code, label) for code, label in Comment.Category.choices], fmt, root="services")


@open311_view(frozenset({"GET"}))
def service_definition(request, fmt, code: str):
    if code not in Comment.Category.values:
        raise Open311Error(404, both_languages(lambda: _("There is no service with the code %(code)s.")
                                               % {"code": code}))
    return respond({
        "service_code": code,
        "attributes": [
            {"variable": True, "code": "facility_id", "datatype": "string", "required": True,
             "datatype_description": _("A facility id, as its comments page shows it (for example FAC-060603-CO)."),
             "order": 1, "description": _("The public service point the comment is about."), "values": []},
            {"variable": True, "code": "rating", "datatype": "singlevaluelist", "required": False,
             "datatype_description": "", "order": 2,
             "description": _("A rating from 1 (very bad) to 5 (very good), if the commenter gives one."),
             "values": [{"key": str(n), "name": str(n)} for n in range(1, 6)]},
        ],
    }, fmt, root="service_definition")


# ---- requests: reading ---------------------------------------------------------------------------------------

#: What a request reads of a comment and its facility: what its public page shows, and less. Read as plain rows
#: (values_list), not models: 1,000 comments as models with their facility, office and commune, and their answers,
#: took 60 ms of CPU more than the rows (bench_comments).
REQUEST_FIELDS = ("id", "category", "text", "created_on", "published_on", "answer_status", "duplicate_of_id",
                  "facility__facility_id", "facility__answered_by__name_en", "facility__answered_by__name_km",
                  "commune__name_en", "commune__name_km")
ANSWER_FIELDS = ("comment_id", "status", "text", "given_on", "published_on", "responsible_office__name_en",
                 "responsible_office__name_km")


class RequestRow(NamedTuple):
    id: int
    category: str
    text: str
    created_on: dt.date
    published_on: dt.date | None
    answer_status: str
    duplicate_of_id: int | None
    facility_id: str
    office_name_en: str
    office_name_km: str
    commune_name_en: str
    commune_name_km: str


class AnswerRow(NamedTuple):
    comment_id: int
    status: str
    text: str
    given_on: dt.date
    published_on: dt.date | None
    responsible_en: str | None
    responsible_km: str | None


def published_requests():
    """Published comments (never held or hidden ones), newest first, as the rows a request is made of."""
    return (Comment.objects.filter(status=Comment.Status.PUBLISHED).order_by("-created_on", "-id")
            .values_list(*REQUEST_FIELDS))


def _answers_of(comment_ids: list[int]) -> dict[int, list[AnswerRow]]:
    """The public answers of these comments, in the order they were given: one query."""
    found: dict[int, list[AnswerRow]] = {}
    rows = (Answer.objects.filter(review=Answer.Review.PUBLISHED, comment_id__in=comment_ids)
            .order_by("given_on", "id").values_list(*ANSWER_FIELDS))
    for row in rows:
        found.setdefault(row[0], []).append(AnswerRow(*row))
    return found


def _pick(km: str | None, en: str | None, language: str) -> str:
    """A name in the reader's language (the other where it has none)."""
    return (km or en or "") if language == "km" else (en or km or "")


class RequestWriter:
    """Turns rows into GeoReport v2 requests in the reader's language, the labels translated once per answer."""

    def __init__(self):
        self.language = translation.get_language()
        self.categories = {value: str(label) for value, label in Comment.Category.choices}
        self.statuses = {value: str(label) for value, label in AnswerStatus.choices}

    def status_notes(self, row: RequestRow, answers: list[AnswerRow]) -> str:
        """The latest public answer (its status, the office responsible, its text), or where a merged comment's
        answers are."""
        if row.duplicate_of_id is not None:
            return _("It says the same as request %(number)s: read that one's answers.") % {
                "number": row.duplicate_of_id}
        if not answers:
            return ""
        latest = answers[-1]  # in the order given
        note = self.statuses[latest.status]
        if latest.responsible_en or latest.responsible_km:
            office = _pick(latest.responsible_km, latest.responsible_en, self.language)
            note += " (" + _("office responsible: %(office)s") % {"office": office} + ")"
        return f"{note}: {latest.text}" if latest.text else note

    def request(self, row: RequestRow, answers: list[AnswerRow]) -> dict:
        """One comment as a GeoReport v2 service request: every field of the standard's list, those Samleng has
        nothing for as null or empty."""
        updated = max([row.published_on or row.created_on, *(a.published_on or a.given_on for a in answers)])
        return {
            "service_request_id": str(row.id),
            "status": "closed" if row.duplicate_of_id is not None or row.answer_status in CLOSING else "open",
            "status_notes": self.status_notes(row, answers),
            "service_name": self.categories[row.category],
            "service_code": row.category,
            "description": row.text,
            "agency_responsible": _pick(row.office_name_km, row.office_name_en, self.language),
            "service_notice": "",
            "requested_datetime": row.created_on.isoformat(),
            "updated_datetime": updated.isoformat(),
            "expected_datetime": None,
            "address": _pick(row.commune_name_km, row.commune_name_en, self.language),
            "address_id": row.facility_id,
            "zipcode": None,
            # The commune's centre: the gazetteer keeps none, so none is given (never a point nearer the commenter).
            "lat": None,
            "long": None,
            "media_url": None,
        }


def requests_out(rows) -> list[dict]:
    """The rows of published_requests() as GeoReport v2 requests, with their answers (one more query)."""
    rows = [RequestRow(*row) for row in rows]
    answers = _answers_of([row.id for row in rows]) if rows else {}
    writer = RequestWriter()
    return [writer.request(row, answers.get(row.id, [])) for row in rows]


def _day(text: str, parameter: str) -> dt.date:
    """A W3C date or datetime (2026-03-15, 2026-03-15T08:00:00Z) as a day; a datetime with a zone is taken in
    Samleng's own zone."""
    try:
        moment = parse_datetime(text)
        day = parse_date(text) if moment is None else None
    except ValueError:
        moment = day = None
    if moment is not None:
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return moment.date()
    if day is not None:
        return day
    raise Open311Error(400, both_languages(lambda: _("%(parameter)s must be a date such as 2026-03-15 or "
                                                     "2026-03-15T00:00:00Z.") % {"parameter": parameter}))


def _list_parameter(request, name: str) -> list[str]:
    return [part.strip() for part in request.GET.get(name, "").split(",") if part.strip()]


def requests_filtered(request):
    """The published comments the query asks for (at most MAX_ROWS), or Open311Error for a bad parameter."""
    found = published_requests()
    ids = _list_parameter(request, "service_request_id")
    if ids:
        if not all(part.isdigit() for part in ids):
            raise Open311Error(400, both_languages(lambda: _("service_request_id must be numbers separated by "
                                                             "commas.")))
        return list(found.filter(pk__in=[int(part) for part in ids[:MAX_ROWS]]))
    codes = _list_parameter(request, "service_code")
    unknown = [code for code in codes if code not in Comment.Category.values]
    if unknown:
        raise Open311Error(400, both_languages(lambda: _("Unknown service_code: %(codes)s. services.json lists them.")
                                               % {"codes": ", ".join(unknown)}))
    if codes:
        found = found.filter(category__in=codes)
    statuses = _list_parameter(request, "status")
    if any(status not in {"open", "closed"} for status in statuses):
        raise Open311Error(400, both_languages(lambda: _("status must be open or closed.")))
    if statuses == ["open"]:
        found = found.filter(duplicate_of__isnull=True).exclude(answer_status__in=CLOSING)
    elif statuses == ["closed"]:
        found = found.filter(Q(answer_status__in=CLOSING) | Q(duplicate_of__isnull=False))
    start = request.GET.get("start_date", "").strip()
    end = request.GET.get("end_date", "").strip()
    end_day = _day(end, "end_date") if end else None
    start_day = _day(start, "start_date") if start else None
    if start_day is None and end_day is None:
        start_day = timezone.localdate() - dt.timedelta(days=DEFAULT_DAYS)
    if start_day and end_day and start_day > end_day:
        raise Open311Error(400, both_languages(lambda: _("start_date must not be after end_date.")))
    if start_day:
        found = found.filter(created_on__gte=start_day)
    if end_day:
        found = found.filter(created_on__lte=end_day)
    return list(found[:MAX_ROWS])


def _requests_get(request, fmt):
    return respond(requests_out(requests_filtered(request)), fmt, root="service_requests")


@open311_view(frozenset({"GET"}))
def request_detail(request, fmt, pk: int):
    found = requests_out(published_requests().filter(pk=pk))
    if not found:
        raise Open311Error(404, both_languages(lambda: _("There is no published request %(number)s.")
                                               % {"number": pk}))
    return respond(found, fmt, root="service_requests")


# ---- requests: a partner sends a comment --------------------------------------------------------------------

def _post_errors(data) -> tuple[list[str], Facility | None, int | None]:
    """Every reason the comment cannot be taken (each in both languages), the facility and the rating."""
    errors: list[str] = []
    code = data.get("service_code", "").strip()
    if code not in Comment.Category.values:
        errors.append(both_languages(lambda: _("service_code must be one of the codes services.json lists.")))
    facility_id = data.get("attribute[facility_id]", "").strip()
    facility = Facility.objects.filter(facility_id=facility_id, active=True).first() if facility_id else None
    if not facility_id:
        errors.append(both_languages(lambda: _("attribute[facility_id] is required: the place the comment is "
                                               "about.")))
    elif facility is None:
        errors.append(both_languages(lambda: _("No facility in service has the id %(id)s.") % {"id": facility_id}))
    rating_text = data.get("attribute[rating]", "").strip()
    rating = None
    if rating_text:
        if rating_text in {"1", "2", "3", "4", "5"}:
            rating = int(rating_text)
        else:
            errors.append(both_languages(lambda: _("attribute[rating] must be 1, 2, 3, 4 or 5.")))
    text = data.get("description", "").strip()
    if not text:
        errors.append(both_languages(lambda: _("description is required: the comment itself.")))
    elif len(text) > TEXT_MAX:
        errors.append(both_languages(lambda: _("A comment has at most %(limit)d characters (this one has "
                                               "%(length)d).") % {"limit": TEXT_MAX, "length": len(text)}))
    email = data.get("email", "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors.append(both_languages(lambda: _("email is not an e-mail address.")))
    if data.get("media_url", "").strip():
        errors.append(both_languages(lambda: _("media_url is not accepted: a photo is sent only through the web "
                                               "form, where its metadata is removed.")))
    return errors, facility, rating


def _requests_post(request, fmt):
    key = api_key_find(request.POST.get("api_key", ""))
    if key is None:
        raise Open311Error(403, both_languages(lambda: _("A valid api_key is required to send a comment.")))
    _limit(f"key:{key.pk}", limits.Rate.parse(getattr(settings, POST_LIMIT_SETTING, "300/h")))
    errors, facility, rating = _post_errors(request.POST)
    if errors:
        raise Open311Error(400, *errors)
    # first_name, last_name and phone are read by no one: never stored (see README). Only the e-mail, as the
    # web form's contact, encrypted and for the moderators and the relay of answers.
    try:
        with transaction.atomic():  # the comment and its audit entry, or neither
            comment = services.comment_create(
                facility=facility, category=request.POST["service_code"].strip(),
                text=request.POST["description"].strip(), rating=rating,
                email=request.POST.get("email", "").strip()).comment
            audit_record(user=None, action=Action.CREATE, obj=comment,
                         summary=f"comment {comment.pk} sent through Open311 with the key of {key.name} ({key.pk})")
    except ValidationError as error:
        if error.code == "duplicate":
            raise Open311Error(400, both_languages(lambda: _("This comment was already sent today about this "
                                                             "place. It is not sent twice."))) from None
        raise Open311Error(400, *error.messages) from None
    if comment.status == Comment.Status.PUBLISHED:
        notice = both_languages(lambda: _("Published."))
    else:
        notice = both_languages(lambda: _("Received: it is public once the organisation's moderator has read "
                                          "it."))
    return respond([{"service_request_id": str(comment.pk), "service_notice": notice, "account_id": None}], fmt,
                   root="service_requests")


@open311_view(frozenset({"GET", "POST"}))
def requests_view(request, fmt):
    return _requests_post(request, fmt) if request.method == "POST" else _requests_get(request, fmt)


app_name = "open311"
urlpatterns = [
    path("open311/v2/discovery.<str:fmt>", discovery, name="discovery"),
    path("open311/v2/services.<str:fmt>", service_list, name="services"),
    path("open311/v2/services/<str:code>.<str:fmt>", service_definition, name="service"),
    path("open311/v2/requests.<str:fmt>", requests_view, name="requests"),
    path("open311/v2/requests/<int:pk>.<str:fmt>", request_detail, name="request"),
]
