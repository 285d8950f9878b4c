"""The JSON API of information requests (django-ninja). Who asked is never stored, so never answered; the
letter that filed a request is never served here. Anonymous callers see public requests only (404 for the
others, as if they did not exist), the CBO a request was filed for only where that CBO is public; staff,
the office asked and the CBO's representatives see what the pages show them (accounts.access.request_scope)."""

import datetime as dt

from django.utils import timezone
from ninja import Router, Schema

from samleng.accounts.access import can_see_cbo, request_scope
from samleng.core.api import ApiError, ErrorOut, Page, page, page_bounds
from samleng.transparency import selectors
from samleng.transparency.models import RequestStatus

router = Router(tags=["information requests"])
MAX_LIMIT = 100


class OfficeOut(Schema):
    office_id: str
    name_en: str
    name_km: str
    #: commune, district, province or national
    level: str
    #: The gazetteer code of the place where the office is (null for a national office).
    place_code: str | None


class EventOut(Schema):
    date: dt.date
    #: One of the spec's events: acknowledged, answered_held, answered_not_held, refused_confidential, fee_quoted,
    #: fee_accepted, extended, delivered, partially_delivered, appealed, appeal_decided, withdrawn.
    event: str
    fee_khr: int | None
    note: str
    note_km: str


class RequestOut(Schema):
    request_id: str
    office: OfficeOut
    subject_en: str
    subject_km: str
    #: budget, procurement, land_concession, public_service or other
    topic: str
    #: written, oral or online
    channel: str
    filed_on: dt.date
    public: bool
    #: awaiting_answer, awaiting_fee, awaiting_delivery, under_appeal, delivered, not_held, refused, withdrawn or
    #: appeal_decided
    status: str
    answer_due: dt.date
    #: When the information falls due: null when none applies (no answer "held" yet, or a fee not accepted).
    delivery_due: dt.date | None
    #: As of today in Phnom Penh: a due day passed with no answer (or no delivery), and the request is not closed.
    overdue: bool
    closed: bool
    #: The cbo_id of the CBO the request was filed for; null when none, or when the caller may not see that CBO.
    on_behalf_of: str | None
    events: list[EventOut]


class RequestPage(Page[RequestOut]):
    pass


def _out(request, user, today: dt.date) -> dict:
    office = request.office
    cbo = request.on_behalf_of
    return {
        "request_id": request.request_id,
        "office": {"office_id": office.office_id, "name_en": office.name_en, "name_km": office.name_km,
                   "level": office.level, "place_code": office.place.code if office.place_id else None},
        "subject_en": request.subject_en, "subject_km": request.subject_km, "topic": request.topic,
        "channel": request.channel, "filed_on": request.filed_on, "public": request.public,
        "status": request.status, "answer_due": request.answer_due, "delivery_due": request.delivery_due,
        "overdue": request.overdue_now, "closed": request.closed_on is not None,
        "on_behalf_of": cbo.cbo_id if cbo is not None and can_see_cbo(user, cbo) else None,
        "events": [{"date": e.date, "event": e.event, "fee_khr": e.fee_khr, "note": e.note, "note_km": e.note_km}
                   for e in request.events.all()],
    }


@router.get("/", response={200: RequestPage, 422: ErrorOut}, summary="Information requests")
def requests_list(request, office: str | None = None, status: str | None = None, overdue: bool | None = None,
                  limit: int = 50, offset: int = 0):
    """The requests the caller may see, newest filed first: of one office (`office`: its office_id), in one
    `status`, overdue or not today. A page of at most `limit` (up to 100) from `offset`."""
    if status and status not in RequestStatus.values:
        raise ApiError(422, f"status is one of: {', '.join(RequestStatus.values)}.",
                       f"status ត្រូវតែជាមួយក្នុងចំណោម៖ {', '.join(RequestStatus.values)}។")
    limit, offset = page_bounds(limit, offset, max_limit=MAX_LIMIT)
    today = timezone.localdate()
    found = selectors.requests_for_api(request_scope(request.user), office_id=office, status=status,
                                       overdue=overdue, today=today, upto=offset + limit + 1)
    result = page(request, found, limit=limit, offset=offset)
    result["items"] = [_out(r, request.user, today) for r in result["items"]]
    return result


@router.get("/{request_id}", response={200: RequestOut, 404: ErrorOut}, summary="One information request")
def request_detail(request, request_id: str):
    """A request by its id (the workbook's `request_id`), with its clock as of today and its events in order.
    404 when there is none, or the caller may not see it."""
    found = selectors.requests_for_api(request_scope(request.user), request_id=request_id, upto=1)
    if not found:
        raise ApiError(404, f"No information request {request_id} is public.",
                       f"គ្មានសំណើសុំព័ត៌មាន {request_id} ជាសាធារណៈទេ។")
    return _out(found[0], request.user, timezone.localdate())
