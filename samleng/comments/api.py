"""Citizens' comments in the JSON API (django-ninja): the published comments (by facility or commune) with their
offices' public answers, and a facility's figures. What the public pages show and nothing more: never a contact,
a receipt code, the original of a redacted text, why a comment was held, its flags. A figure is given only where
at least 5 comments stand behind it (selectors.SMALL), except to the organisation's staff (null otherwise)."""

import datetime as dt

from ninja import Router, Schema

from samleng.comments import selectors
from samleng.comments.models import CLOSING, AnswerStatus, Comment
from samleng.core.api import ApiError, ErrorOut, Page, page, page_bounds
from samleng.places.models import Facility, Place

router = Router(tags=["citizens' comments"])
MAX_LIMIT = 100


class AnswerOut(Schema):
    #: received, investigating, in_progress, action_scheduled, fixed, unable_to_fix, not_responsible, duplicate
    status: str
    #: fixed, unable_to_fix, not_responsible and duplicate close a comment.
    closing: bool
    text: str
    #: The office that answered (never the person who typed it).
    office_id: str
    office_name_en: str
    office_name_km: str
    #: For not_responsible: the office that is.
    responsible_office_id: str | None
    #: online (by the office in Samleng), paper or meeting (recorded by the organisation's staff).
    given: str
    given_on: dt.date


class CommentOut(Schema):
    #: Open311's service_request_id.
    id: int
    facility_id: str
    #: The gazetteer code of the facility's commune (its district for a facility of a whole district).
    commune_code: str
    #: Open311's service_code: waiting_time, fees, staff_attitude, information, not_available, corruption,
    #: suggestion, praise or other.
    category: str
    rating: int | None
    text: str
    #: km or en
    language: str
    #: The day only: a comment keeps no time of day.
    created_on: dt.date
    #: Open311's open or closed.
    status: str
    #: The status of the latest public answer; null while none.
    answer_status: str | None
    #: The comment it says the same as, when a moderator merged it (its answers are that one's).
    merged_into: int | None
    answers: list[AnswerOut]


class CommentPage(Page[CommentOut]):
    pass


class CountOut(Schema):
    #: A category, or an answer status ("unanswered" for none yet).
    key: str
    #: Null where fewer than 5 comments stand behind it (and the caller is not the organisation's staff).
    count: int | None


class FiguresOut(Schema):
    facility_id: str
    #: Null where fewer than 5 comments stand behind a figure (staff see every figure).
    total: int | None
    open: int | None
    closed: int | None
    answered_percent: float | None
    median_days_to_answer: float | None
    by_category: list[CountOut]
    by_status: list[CountOut]
    #: Whether a figure is null because too few comments stand behind it.
    withheld: bool
    #: How many comments must stand behind a public figure.
    small: int


def _answer_out(answer) -> dict:
    responsible = answer.responsible_office
    return {
        "status": answer.status, "closing": answer.status in CLOSING, "text": answer.text,
        "office_id": answer.office.office_id, "office_name_en": answer.office.name_en,
        "office_name_km": answer.office.name_km,
        "responsible_office_id": responsible.office_id if responsible else None,
        "given": answer.given, "given_on": answer.given_on,
    }


def _comment_out(comment: Comment) -> dict:
    return {
        "id": comment.pk, "facility_id": comment.facility.facility_id, "commune_code": comment.commune.code,
        "category": comment.category, "rating": comment.rating, "text": comment.text, "language": comment.language,
        "created_on": comment.created_on, "status": comment.open311_status,
        "answer_status": comment.answer_status or None, "merged_into": comment.duplicate_of_id,
        "answers": [_answer_out(a) for a in comment.public_answers],
    }


def _published():
    """Published comments with what a comment's public page shows (selectors.PUBLIC_FIELDS) and their public
    answers."""
    return (selectors.with_public_answers(Comment.objects.filter(status=Comment.Status.PUBLISHED))
            .select_related("facility", "commune")
            .only(*selectors.PUBLIC_FIELDS, "facility__facility_id", "commune__code").order_by("-created_on", "-id"))


class _Window:
    """Rows from `offset` (and one more, to know of a next page) as core.api.page reads a whole list."""

    def __init__(self, rows: list, offset: int):
        self.rows, self.offset = rows, offset

    def __len__(self):
        return self.offset + len(self.rows)

    def __getitem__(self, window: slice):
        return self.rows[window.start - self.offset:window.stop - self.offset]


def _facility(facility_id: str) -> Facility:
    facility = Facility.objects.filter(facility_id=facility_id).first()
    if facility is None:
        raise ApiError(404, f"no facility has the id {facility_id}", f"គ្មានកន្លែងផ្តល់សេវាណាមានលេខសម្គាល់ {facility_id} ទេ")
    return facility


@router.get("/", response={200: CommentPage, 404: ErrorOut}, summary="Published comments, newest first")
def comments_list(request, facility: str | None = None, commune: str | None = None, limit: int = 20,
                  offset: int = 0):
    """The published comments about `facility` (its facility_id) or in `commune` (a gazetteer code), or all of
    them, newest first, each with its offices' public answers. A page of at most `limit` (up to 100) from
    `offset`."""
    limit, offset = page_bounds(limit, offset, max_limit=MAX_LIMIT)
    found = _published()
    if facility:
        found = found.filter(facility=_facility(facility))
    if commune:
        place = Place.objects.filter(code=commune).first()
        if place is None:
            raise ApiError(404, f"no place has the code {commune}", f"គ្មានទីកន្លែងណាមានលេខកូដ {commune} ទេ")
        found = found.filter(commune=place)
    rows = list(found[offset:offset + limit + 1])
    result = page(request, _Window(rows, offset), limit=limit, offset=offset)
    result["items"] = [_comment_out(c) for c in result["items"]]
    return result


@router.get("/{int:comment_id}", response={200: CommentOut, 404: ErrorOut}, summary="One published comment")
def comment_get(request, comment_id: int):
    """A published comment with its offices' public answers (404 for one held, hidden or unknown)."""
    comment = _published().filter(pk=comment_id).first()
    if comment is None:
        raise ApiError(404, f"no published comment has the number {comment_id}",
                       f"គ្មានមតិដែលបានផ្សាយណាមានលេខ {comment_id} ទេ")
    return _comment_out(comment)


def _shown(figure):
    return figure.value if figure.shown else None


@router.get("/facilities/{facility_id}/figures", response={200: FiguresOut, 404: ErrorOut},
            summary="A facility's figures from its published comments")
def facility_figures(request, facility_id: str):
    """What the published comments about a facility add up to (merged ones counted once): by category, by where
    they stand, open and closed, the share answered, the median days to a first public answer. Each figure is
    null where fewer than `small` comments stand behind it, unless the caller is the organisation's staff."""
    facility = _facility(facility_id)
    figures = selectors.facility_figures(facility, full=selectors.figures_in_full(request.user))
    statuses = ["unanswered", *AnswerStatus.values]
    return {
        "facility_id": facility.facility_id, "total": _shown(figures.total), "open": _shown(figures.open),
        "closed": _shown(figures.closed), "answered_percent": _shown(figures.answered_percent),
        "median_days_to_answer": _shown(figures.median_days),
        "by_category": [{"key": key, "count": _shown(figure)}
                        for key, (_label, figure) in zip(Comment.Category.values, figures.by_category, strict=True)],
        "by_status": [{"key": key, "count": _shown(figure)}
                      for key, (_label, figure) in zip(statuses, figures.by_status, strict=True)],
        "withheld": figures.anything_withheld, "small": selectors.SMALL,
    }

