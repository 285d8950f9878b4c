"""Reads of comments for the public pages, the offices' answers and the figures (never a contact:
moderation.py alone reads those)."""

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from statistics import median

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from samleng.accounts.access import comment_answer_scope
from samleng.comments.models import CLOSING, Answer, AnswerStatus, Comment
from samleng.places.models import Facility, Office, Place


def facilities_of_commune(commune: Place) -> QuerySet[Facility]:
    """The facilities in service in a commune, and those that serve its whole district (no commune)."""
    return (Facility.objects.filter(active=True)
            .filter(Q(commune=commune) | Q(commune__isnull=True, district_id=commune.parent_id))
            .order_by("type", "name_en", "facility_id"))


def facility_public_comments(facility: Facility) -> QuerySet[Comment]:
    """What the public sees of a facility's comments, newest first: the published ones, and those hidden after
    they were published (shown as hidden, with the reason, never their text). Held ones are not shown."""
    return (Comment.objects.filter(facility=facility)
            .filter(Q(status=Comment.Status.PUBLISHED) | Q(status=Comment.Status.HIDDEN, published_on__isnull=False))
            .only(*PUBLIC_FIELDS).order_by("-created_on", "-id"))



def facilities_at(place: Place) -> QuerySet[Facility]:
    """The facilities in service that a place holds: a commune's (its commune office, health centre...), or a
    district's own (those with no commune: its district office, One Window Service office), for the assistant's
    "what do people say about this office?"."""
    own = Q(commune=place) | Q(commune__isnull=True, district=place)
    return Facility.objects.filter(active=True).filter(own).order_by("type", "facility_id")


def facility_get(facility_id: str) -> Facility | None:
    """A facility by its facility_id (without case)."""
    return Facility.objects.filter(facility_id__iexact=facility_id).first()

# ---- answers ------------------------------------------------------------------------------------------------------

#: What a page may read of a comment: never `original_text`, `held_because`, `receipt_hash` or `text_hash`.
PUBLIC_FIELDS = ("id", "facility_id", "commune_id", "category", "rating", "text", "language", "photo", "status",
                 "hidden_reason", "created_on", "published_on", "answer_status", "first_answer_on", "duplicate_of_id")


def public_answers() -> QuerySet[Answer]:
    """Answers the public reads, in the order they were given, with the offices they name."""
    return (Answer.objects.filter(review=Answer.Review.PUBLISHED).select_related("office", "responsible_office")
            .order_by("given_on", "id"))


def with_public_answers(comments: QuerySet[Comment]) -> QuerySet[Comment]:
    """`comments` with their public answers (comment.public_answers) and their kept comment: two more queries."""
    return comments.prefetch_related(Prefetch("answers", queryset=public_answers(), to_attr="public_answers"))


def comment_public_get(pk: int) -> Comment | None:
    """A comment as the public reads it (its page): published, or hidden after it was (shown as hidden);
    None for a held one or none at all."""
    found = (Comment.objects.filter(pk=pk).filter(Q(status=Comment.Status.PUBLISHED)
                                                  | Q(status=Comment.Status.HIDDEN, published_on__isnull=False))
             .select_related("facility", "facility__answered_by", "commune").only(
                 *PUBLIC_FIELDS, "facility__facility_id", "facility__name_en", "facility__name_km",
                 "facility__type", "facility__answered_by__name_en", "facility__answered_by__name_km",
                 "facility__answered_by__office_id", "commune__name_en", "commune__name_km", "commune__code"))
    return with_public_answers(found).first()


def merged_into(comment: Comment) -> list[Comment]:
    """The published comments a moderator merged into `comment` (they say the same), oldest first. Filtered on
    `duplicate_of` alone in the database (its index); the few found are sorted here."""
    found = Comment.objects.filter(duplicate_of=comment).only("id", "created_on", "status")
    return sorted((c for c in found if c.status == Comment.Status.PUBLISHED), key=lambda c: (c.created_on, c.pk))


def answers_for_answerer(comment: Comment) -> QuerySet[Answer]:
    """Every answer to a comment, those awaiting moderation or refused too: for whoever may answer it (the office
    reads why one was refused). Never what the commenter left (no contact is in an answer)."""
    return Answer.objects.filter(comment=comment).select_related("office", "responsible_office").order_by(
        "given_on", "id")


#: The inbox's lists: ?state= value -> its label.
INBOX_STATES = {
    "unanswered": _("not answered yet"),
    "open": _("open"),
    "closed": _("closed"),
    "all": _("all"),
}


def answer_inbox(user, *, state: str = "unanswered", office_id: int | None = None) -> QuerySet[Comment]:
    """The published comments `user` may answer (accounts.access.comment_answer_scope), optionally those about
    one office's facilities: not answered yet or open ones oldest first (the backlog), the others newest first.
    Only public fields: an authority reads no more than the public does."""
    restricted = office_id is not None or not user.sees_everything
    # Within some facilities (an office's, a province's), "published" is said as "neither held nor hidden": the
    # same comments, in words no index serves, so that SQLite reads them by facility and sorts the few found,
    # rather than walking every published comment in date order (0.2 s for an office's closed comments).
    published = (~Q(status__in=[Comment.Status.HELD, Comment.Status.HIDDEN]) if restricted
                 else Q(status=Comment.Status.PUBLISHED))
    comments = (Comment.objects.filter(comment_answer_scope(user)).filter(published)
                .select_related("facility", "commune")
                .only(*PUBLIC_FIELDS, "facility__facility_id", "facility__name_en", "facility__name_km",
                      "facility__type", "commune__name_en", "commune__name_km"))
    if office_id is not None:
        comments = comments.filter(facility_id__in=Facility.objects.filter(answered_by_id=office_id).values("pk"))
    if state == "unanswered":
        return comments.filter(answer_status="", duplicate_of__isnull=True).order_by("created_on", "id")
    if state == "open":
        return comments.filter(duplicate_of__isnull=True).exclude(answer_status__in=CLOSING).order_by(
            "created_on", "id")
    if state == "closed":
        return comments.filter(Q(answer_status__in=CLOSING) | Q(duplicate_of__isnull=False)).order_by(
            "-created_on", "-id")
    return comments.order_by("-created_on", "-id")


@dataclass(frozen=True)
class PublicAnswer:
    """What anyone may read of a public answer, for a message to the commenter (notifications): nothing of who
    commented, nothing that is not on the comment's public page."""

    answer_id: int
    comment_id: int
    status: str  # AnswerStatus
    status_label_en: str
    status_label_km: str
    closing: bool
    text: str
    given_on: dt.date
    facility_name_en: str
    facility_name_km: str
    office_name_en: str
    office_name_km: str
    responsible_office_name_en: str
    responsible_office_name_km: str


def answer_public_get(answer_id: int) -> PublicAnswer | None:
    """A public answer by its id (None while it awaits moderation, refused, or unknown)."""
    answer = (Answer.objects.filter(pk=answer_id, review=Answer.Review.PUBLISHED)
              .select_related("comment__facility", "office", "responsible_office")
              .only("id", "comment_id", "status", "text", "given_on", "comment__facility__name_en",
                    "comment__facility__name_km", "office__name_en", "office__name_km",
                    "responsible_office__name_en", "responsible_office__name_km").first())
    if answer is None:
        return None
    label = AnswerStatus(answer.status).label
    with translation.override("en"):
        label_en = str(label)
    with translation.override("km"):
        label_km = str(label)
    responsible = answer.responsible_office
    return PublicAnswer(
        answer_id=answer.pk, comment_id=answer.comment_id, status=answer.status, status_label_en=label_en,
        status_label_km=label_km, closing=answer.closing, text=answer.text, given_on=answer.given_on,
        facility_name_en=answer.comment.facility.name_en, facility_name_km=answer.comment.facility.name_km,
        office_name_en=answer.office.name_en, office_name_km=answer.office.name_km,
        responsible_office_name_en=responsible.name_en if responsible else "",
        responsible_office_name_km=responsible.name_km if responsible else "")


# ---- figures (public only where at least SMALL comments stand behind each) ---------------------------------------

#: A figure derived from comments is public only where at least this many comments stand behind it (DESIGN.md,
#: Privacy): fewer could let a reader tell whose comment it is. Staff see every figure.
SMALL = 5


def figures_in_full(user) -> bool:
    """Staff of the organisation see every figure, however few comments stand behind it."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_staff_like)


@dataclass(frozen=True)
class Figure:
    """A figure and how many comments stand behind it; `shown` says whether this reader may see it."""

    value: int | float | None
    behind: int
    full: bool

    @property
    def shown(self) -> bool:
        return self.full or self.behind >= SMALL


@dataclass
class CommentFigures:
    """What the published comments about a facility (or an office's facilities) add up to, as one reader may
    see it. Comments merged into another are counted once, as the one kept."""

    total: Figure
    by_category: list[tuple[str, Figure]]  # (label, figure) in the form's order
    by_status: list[tuple[str, Figure]]  # "not answered yet", then each AnswerStatus
    open: Figure
    closed: Figure
    answered_percent: Figure  # the share with at least one public answer; behind it: every comment
    median_days: Figure  # days from the comment to its first public answer; behind it: the answered ones
    full: bool

    @property
    def anything_withheld(self) -> bool:
        figures = [self.total, self.open, self.closed, self.answered_percent, self.median_days,
                   *(f for _label, f in self.by_category), *(f for _label, f in self.by_status)]
        return any(not f.shown for f in figures)


def _figures(comments: QuerySet[Comment], *, full: bool) -> CommentFigures:
    """One query: the counts by category, answer status and days to the first answer."""
    # Merged comments are left out here rather than by "duplicate_of IS NULL", which would lead SQLite's
    # planner to a worse index; they are few.
    rows = (comments.filter(status=Comment.Status.PUBLISHED).order_by()
            .values_list("category", "answer_status", "created_on", "first_answer_on", "duplicate_of_id")
            .annotate(n=Count("id")))
    categories: Counter = Counter()
    statuses: Counter = Counter()
    days: list[int] = []
    for category, answer_status, created_on, first_answer_on, merged_into, n in rows:
        if merged_into is not None:
            continue
        categories[category] += n
        statuses[answer_status] += n
        if first_answer_on is not None:
            days.extend([(first_answer_on - created_on).days] * n)
    total = sum(categories.values())
    closed = sum(n for status, n in statuses.items() if status in CLOSING)

    def count(n: int) -> Figure:
        return Figure(n, n, full)

    return CommentFigures(
        total=count(total),
        by_category=[(label, count(categories[value])) for value, label in Comment.Category.choices],
        by_status=[(_("not answered yet"), count(statuses[""]))]
        + [(label, count(statuses[value])) for value, label in AnswerStatus.choices],
        open=count(total - closed), closed=count(closed),
        answered_percent=Figure(100 * len(days) / total if total else None, total, full),
        median_days=Figure(median(days) if days else None, len(days), full),
        full=full,
    )


def facility_figures(facility: Facility, *, full: bool) -> CommentFigures:
    return _figures(Comment.objects.filter(facility=facility), full=full)


def office_comment_figures(office_pk: int, *, full: bool) -> CommentFigures:
    """The figures of the comments about every facility the office answers for (for results' office page)."""
    # The office's facilities as a subquery: each then reads its comments by the (facility, status) index.
    facilities = Facility.objects.filter(answered_by_id=office_pk).values("pk")
    return _figures(Comment.objects.filter(facility_id__in=facilities), full=full)


def responsible_office_choices(facility: Facility) -> QuerySet[Office]:
    """The offices an office may name as responsible instead of itself: those of the facility's commune,
    district and province, and the national ones (ministries), the facility's own office left out."""
    places = [pk for pk in (facility.commune_id, facility.district_id, facility.province_id) if pk]
    return (Office.objects.filter(Q(place_id__in=places) | Q(place__isnull=True))
            .exclude(pk=facility.answered_by_id).order_by("level", "name_en", "office_id"))
