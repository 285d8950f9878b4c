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
import secrets
from xml.etree import ElementTree

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Prefetch, Q
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


def _xml_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _xml_fill(element: ElementTree.Element, value) -> None:
    if isinstance(value, dict):
        for name, inner in value.items():
            _xml_fill(ElementTree.SubElement(element, name), inner)
    elif isinstance(value, list):
        for inner in value:
            _xml_fill(ElementTree.SubElement(element, XML_ITEMS[element.tag]), inner)
    else:
        element.text = _xml_value(value)


def respond(data, fmt: str, *, root: str, status: int = 200) -> HttpResponse:
    """`data` (a list, or one object) as JSON, or as XML under `root` (a list's items named by XML_ITEMS)."""
    if fmt == "xml":
        element = ElementTree.Element(root)
        _xml_fill(element, data)
        body = b'<?xml version="1.0" encoding="utf-8"?>\n' + ElementTree.tostring(element, encoding="utf-8")
        return HttpResponse(body, status=status, content_type="text/xml; charset=utf-8")
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
    changeset = "2026-12-06T00:00:00Z"
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

#: What a request reads of a comment and its facility: what its public page shows, and less.
REQUEST_FIELDS = ("id", "category", "text", "created_on", "published_on", "answer_status", "duplicate_of_id",
                  "facility__facility_id", "facility__answered_by__name_en", "facility__answered_by__name_km",
                  "commune__code", "commune__name_en", "commune__name_km")


def published_requests():
    """Published comments (never held or hidden ones) with what a request shows, newest first, and their public
    answers (comment.public_answers, one more query)."""
    answers = (Answer.objects.filter(review=Answer.Review.PUBLISHED).select_related("responsible_office")
               .only("id", "comment_id", "status", "text", "given_on", "published_on", "responsible_office__name_en",
                     "responsible_office__name_km").order_by("given_on", "id"))
    return (Comment.objects.filter(status=Comment.Status.PUBLISHED)
            .select_related("facility__answered_by", "commune").only(*REQUEST_FIELDS)
            .prefetch_related(Prefetch("answers", queryset=answers, to_attr="public_answers"))
            .order_by("-created_on", "-id"))


def _name(obj) -> str:
    """A record's name in the reader's language (the other where it has none)."""
    km, en = getattr(obj, "name_km", ""), getattr(obj, "name_en", "")
    return (km or en) if translation.get_language() == "km" else (en or km)


def _status_notes(comment: Comment) -> str:
    if comment.duplicate_of_id is not None:
        return _("It says the same as request %(number)s: read that one's answers.") % {
            "number": comment.duplicate_of_id}
    if not comment.public_answers:
        return ""
    latest = max(comment.public_answers, key=lambda a: (a.given_on, a.pk))
    note = str(AnswerStatus(latest.status).label)
    if latest.responsible_office is not None:
        note += " (" + _("office responsible: %(office)s") % {"office": _name(latest.responsible_office)} + ")"
    return f"{note}: {latest.text}" if latest.text else note


def request_out(comment: Comment) -> dict:
    """One comment as a GeoReport v2 service request: every field of the standard's list, those Samleng has
    nothing for as null or empty."""
    days = [comment.published_on or comment.created_on,
            *(a.published_on or a.given_on for a in comment.public_answers)]
    return {
        "service_request_id": str(comment.pk),
        "status": "closed" if comment.duplicate_of_id is not None or comment.answer_status in CLOSING else "open",
        "status_notes": _status_notes(comment),
        "service_name": str(Comment.Category(comment.category).label),
        "service_code": comment.category,
        "description": comment.text,
        "agency_responsible": _name(comment.facility.answered_by),
        "service_notice": "",
        "requested_datetime": comment.created_on.isoformat(),
        "updated_datetime": max(days).isoformat(),
        "expected_datetime": None,
        "address": _name(comment.commune),
        "address_id": comment.facility.facility_id,
        "zipcode": None,
        # The commune's centre: the gazetteer keeps none, so none is given (never a point nearer the commenter).
        "lat": None,
        "long": None,
        "media_url": None,
    }


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
    return respond([request_out(c) for c in requests_filtered(request)], fmt, root="service_requests")


@open311_view(frozenset({"GET"}))
def request_detail(request, fmt, pk: int):
    comment = published_requests().filter(pk=pk).first()
    if comment is None:
        raise Open311Error(404, both_languages(lambda: _("There is no published request %(number)s.")
                                               % {"number": pk}))
    return respond([request_out(comment)], fmt, root="service_requests")


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
        new = services.comment_create(facility=facility, category=request.POST["service_code"].strip(),
                                      text=request.POST["description"].strip(), rating=rating,
                                      email=request.POST.get("email", "").strip())
    except ValidationError as error:
        if error.code == "duplicate":
            raise Open311Error(400, both_languages(lambda: _("This comment was already sent today about this "
                                                             "place. It is not sent twice."))) from None
        raise Open311Error(400, *error.messages) from None
    comment = new.comment
    audit_record(user=None, action=Action.CREATE, obj=comment,
                 summary=f"comment {comment.pk} sent through Open311 with the key of {key.name} ({key.pk})")
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
