"""Every write to this app's records. Keyword-only, typed functions that run in a transaction, named
`<thing>_<verb>`, and write to the audit log.

Two sections: single records (the staff pages use them), and many records at once (`<thing>_upsert_many`,
which the workbook import uses: bulk inserts and updates, no per-row queries)."""

import datetime as dt
import itertools
import logging
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from samleng.advocacy import signals
from samleng.advocacy.models import CLOSED_STATUSES, Commitment, Issue, IssueProject, IssueUpdate, Status
from samleng.advocacy.rules import ISSUE_PARTS, UPDATE_PARTS, is_open_main, project_units
from samleng.budgets.models import Project
from samleng.cbos.models import CBO
from samleng.cbos.rules import parts_over_total
from samleng.core.audit import Action, audit_record, changed_fields, created_fields
from samleng.core.bulk import UpsertResult, among, bulk_search_text, records_upsert_many
from samleng.core.images import file_without_metadata
from samleng.core.khmer import normalize, search_text
from samleng.core.validation import full_clean_with
from samleng.places.models import Office
from samleng.places.selectors import office_get, office_label
from samleng.places.services import office_find_or_create, office_of_place

# ---- single records ---------------------------------------------------------------------------------

#: The fields of an issue that staff set. `status` is not among them: it follows the confirmed updates.
ISSUE_FIELDS = frozenset({
    "issue_id", "title_en", "title_km", "topic", "description", "description_km", "duty_bearer_level",
    "duty_bearer", "raised_on",
    "is_main", "households_affected", "people_affected", "people_affected_female", "is_public",
})
_LINE_FIELDS = frozenset({"issue_id", "title_en", "title_km"})
_MULTILINE_FIELDS = frozenset({"description", "description_km"})

logger = logging.getLogger(__name__)


def issue_search_text(issue: Issue) -> str:
    """What an issue is found by: its id and its titles in both languages, segmented (core.khmer)."""
    return search_text(issue.issue_id, issue.title_en, issue.title_km)


#: The field of a CBO that holds its place at each level of an office.
_CBO_PLACE = {"village": "village", "commune": "commune", "district": "district", "province": "province"}


def cbo_place_at(cbo: CBO, level: str):
    """The CBO's place at an office level (its commune for a commune office), None for national or unknown."""
    field = _CBO_PLACE.get(level)
    return getattr(cbo, field) if field else None


def office_for_issue(*, user, cbo: CBO, level: str, given: Office | str | None) -> Office | None:
    """The office an issue of `cbo` is addressed to at `level`: `given` as an office, or as text (its office id,
    or its name at that level and the CBO's place, fuzzy, created when new), or, when nothing is given, the
    administration of the CBO's place at that level (None for a national issue). ValidationError on
    `duty_bearer` for an office of another level or a name several offices could be."""
    place = cbo_place_at(cbo, level)
    if isinstance(given, str):
        given = normalize(given)
        if not given:
            given = None
        else:
            if level != Office.Level.NATIONAL and place is None and office_get(given) is None:
                raise ValidationError({"duty_bearer": _(
                    "The CBO records no %(level)s: name the office by its office id.") % {
                    "level": Office.Level(level).label}})
            try:
                given = office_find_or_create(user=user, text=given, level=level, place=place)
            except ValidationError as error:
                raise ValidationError({"duty_bearer": error.messages}) from error
    if given is None:
        return office_of_place(user=user, place=place) if place is not None else None
    if given.level != level:
        raise ValidationError({"duty_bearer": _("%(office)s is a %(its)s office, not a %(level)s one.") % {
            "office": office_label(given), "its": given.get_level_display(), "level": Office.Level(level).label}})
    return given


def _multiline(text: str) -> str:
    """Normalised like every stored text, but keeping the line breaks people typed."""
    return "\n".join(normalize(line) for line in (text or "").splitlines()).strip()


def _prepared(values: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(values) - ISSUE_FIELDS
    if unknown:  # a programming error, not a user's: fail loudly
        raise TypeError(f"unknown fields: {', '.join(sorted(unknown))}")
    prepared = dict(values)
    for name, value in values.items():
        if isinstance(value, str) and name in _LINE_FIELDS:
            prepared[name] = normalize(value)
        elif isinstance(value, str) and name in _MULTILINE_FIELDS:
            prepared[name] = _multiline(value)
    return prepared


def _latest_confirmed(issue_id: int) -> tuple[dt.date, str] | None:
    """(date, status) of the issue's latest confirmed update: the latest date, and on one day the last
    recorded. issue_status_on and issue_status_refresh_many order the same way."""
    return (
        IssueUpdate.objects.filter(issue_id=issue_id, confirmed=True)
        .order_by("-date", "-id").values_list("date", "status").first()
    )


def _refuse_second_open_main(issue: Issue, status: str, on_field: str | None = None) -> None:
    """A CBO has at most one open main issue: refuse when `issue`, with `status`, would be a second one."""
    if not is_open_main(issue.is_main, status):
        return
    # Lock the CBO's row so that two requests cannot each open a main issue at the same moment (PostgreSQL;
    # on SQLite, transactions are already serialised by the IMMEDIATE mode set in settings).
    list(CBO.objects.select_for_update().filter(pk=issue.cbo_id).values_list("pk", flat=True))
    others = Issue.objects.filter(cbo_id=issue.cbo_id, is_main=True).exclude(status__in=CLOSED_STATUSES)
    if issue.pk:
        others = others.exclude(pk=issue.pk)
    other = others.order_by("raised_on", "pk").first()
    if other is None:
        return
    message = _(
        "This CBO already has an open main issue: %(issue)s. A CBO has at most one open main issue at a "
        "time: record that one as solved, unsolved or dropped first, or do not make this one the main issue."
    ) % {"issue": f"{other.issue_id} {other.title_en}"}
    raise ValidationError({on_field: [message]} if on_field else message, code="second_open_main_issue")


def _issue_rules(issue: Issue) -> dict[str, str]:
    errors = {}
    if issue.raised_on and issue.raised_on > timezone.localdate():
        errors["raised_on"] = _("This date is in the future.")
    elif issue.pk and issue.raised_on and issue.updates.filter(date__lt=issue.raised_on).exists():
        errors["raised_on"] = _("Some updates of this issue are dated before this date.")
    for female, _total in parts_over_total(lambda name: getattr(issue, name), ISSUE_PARTS):
        errors[female] = _("There cannot be more women than people in all.")
    return errors


@transaction.atomic
def issue_status_refresh(*, issue: Issue) -> str:
    """Recompute Issue.status, the cached status of the latest confirmed update (RAISED when there is none),
    store it if it changed, and return it. This and issue_status_refresh_many are the cache's only writers."""
    latest = _latest_confirmed(issue.pk)
    status = latest[1] if latest else Status.RAISED.value
    Issue.objects.filter(pk=issue.pk).exclude(status=status).update(status=status)
    issue.status = status
    return status


_REFRESH_CHUNK = 5000  # ids per UPDATE: well under the bound-parameter limits of SQLite and PostgreSQL


@transaction.atomic
def issue_status_refresh_many(*, issue_ids: Iterable[int]) -> int:
    """issue_status_refresh for many issues (the workbook import): one UPDATE statement per 5,000 issues,
    whatever the number of updates, each issue's status coming from a correlated subquery. Returns the
    number of issues whose status changed."""
    latest = (IssueUpdate.objects.filter(issue=OuterRef("pk"), confirmed=True)
              .order_by("-date", "-id").values("status")[:1])
    status = Coalesce(Subquery(latest), Value(Status.RAISED.value))
    ids = list(dict.fromkeys(issue_ids))
    changed = 0
    for start in range(0, len(ids), _REFRESH_CHUNK):
        chunk = ids[start:start + _REFRESH_CHUNK]
        changed += Issue.objects.filter(pk__in=chunk).exclude(status=status).update(status=status)
    return changed


@transaction.atomic
def issue_places_follow(*, cbo_ids: Iterable[int]) -> int:
    """Give the issues of these CBOs their CBO's current province and district (Issue.province and
    Issue.district are copies of them): one UPDATE per 5,000 CBOs, only of the issues that differ. Called
    when CBOs move (cbos.signals.cbo_moved, connected in advocacy.apps). Returns the number of issues moved.
    No audit entry: the CBO's own entry records the move."""
    cbo = CBO.objects.filter(pk=OuterRef("cbo_id"))
    province, district = Subquery(cbo.values("province_id")[:1]), Subquery(cbo.values("district_id")[:1])
    ids = list(dict.fromkeys(cbo_ids))
    moved = 0
    for start in range(0, len(ids), _REFRESH_CHUNK):
        issues = Issue.objects.filter(cbo_id__in=ids[start:start + _REFRESH_CHUNK])
        stale = issues.exclude(province_id=province, district_id=district)
        moved += stale.update(province_id=province, district_id=district)
    return moved


@transaction.atomic
def issue_create(
    *, user, cbo: CBO, issue_id: str, title_en: str, topic: str, duty_bearer_level: str, raised_on: dt.date,
    title_km: str = "", description: str = "", description_km: str = "", duty_bearer: Office | str | None = None,
    is_main: bool = False,
    households_affected: int | None = None, people_affected: int | None = None,
    people_affected_female: int | None = None, is_public: bool = False,
) -> Issue:
    """Record an issue `cbo` raises. Refused (ValidationError) when it is a main issue and the CBO already
    has an open one."""
    given = dict(locals())  # the arguments, before any other name is bound
    values = _prepared({k: v for k, v in given.items() if k in ISSUE_FIELDS})
    values["duty_bearer"] = office_for_issue(user=user, cbo=cbo, level=duty_bearer_level, given=duty_bearer)
    issue = Issue(cbo=cbo, status=Status.RAISED, province_id=cbo.province_id, district_id=cbo.district_id, **values)
    issue.search_text = issue_search_text(issue)
    full_clean_with(issue, _issue_rules(issue))
    _refuse_second_open_main(issue, issue.status, on_field="is_main")
    issue.save()
    audit_record(user=user, action=Action.CREATE, obj=issue,
                 summary=f"issue {issue.issue_id} of CBO {cbo.cbo_id} recorded", changes=created_fields(values))
    return issue


@transaction.atomic
def issue_update(*, user, issue: Issue, data: Mapping[str, Any]) -> Issue:
    """Change some fields of an issue (`data`: names from ISSUE_FIELDS). Its status changes only through
    updates (issue_update_post)."""
    values = _prepared(data)
    current = Issue.objects.select_for_update().select_related("cbo").get(pk=issue.pk)
    if "duty_bearer" in values or "duty_bearer_level" in values:
        level = values.get("duty_bearer_level", current.duty_bearer_level)
        kept = values["duty_bearer"] if "duty_bearer" in values else current.duty_bearer
        if "duty_bearer" not in values and kept is not None and kept.level != level:
            kept = None  # a new level without a new office: the administration at that level
        values["duty_bearer"] = office_for_issue(user=user, cbo=current.cbo, level=level, given=kept)
    changes = changed_fields(current, values)
    if not changes:
        return current
    for name, value in values.items():
        setattr(current, name, value)
    current.search_text = issue_search_text(current)
    full_clean_with(current, _issue_rules(current))
    if "is_main" in changes:
        _refuse_second_open_main(current, current.status, on_field="is_main")
    current.save()
    audit_record(user=user, action=Action.UPDATE, obj=current, summary=f"issue {current.issue_id} changed",
                 changes=changes)
    return current


def _update_rules(update: IssueUpdate) -> dict[str, str]:
    errors = {}
    issue = update.issue
    if update.date and update.date > timezone.localdate():
        errors["date"] = _("This date is in the future.")
    elif update.date and update.date < issue.raised_on:
        errors["date"] = _("The issue was raised on %(day)s, after this date.") % {"day": issue.raised_on}
    elif IssueUpdate.objects.filter(issue=issue, date=update.date, status=update.status).exists():
        errors["status"] = _("This issue already has an update with this status on this date.")
    for female, _total in parts_over_total(lambda name: getattr(update, name), UPDATE_PARTS):
        errors[female] = _("There cannot be more women than people in all.")
    return errors


def _announce_status(issue_id: int, old_status: str, new_status: str) -> None:
    """Send `issue_status_changed` once the current transaction commits (signals.py)."""

    def send():
        # send_robust: a listener that fails (the notifications outbox) must not hide an update already recorded.
        for receiver, error in signals.issue_status_changed.send_robust(
                sender=Issue, issue_id=issue_id, old_status=old_status, new_status=new_status):
            if isinstance(error, Exception):
                logger.error("issue_status_changed listener %r failed for issue %s", receiver, issue_id,
                             exc_info=error)

    transaction.on_commit(send)


@transaction.atomic
def issue_update_post(
    *, user, issue: Issue, status: str, date: dt.date, note: str = "", note_km: str = "", evidence: str = "",
    evidence_file: File | None = None, people_benefited: int | None = None,
    people_benefited_female: int | None = None,
) -> IssueUpdate:
    """Record a dated status update of an issue, with its evidence. Staff's updates count at once; a CBO
    representative's is kept unconfirmed, and changes nothing, until staff confirm it. Refused when it would
    reopen a main issue while the CBO has another open one. The event where it was recorded is engagement's
    to record (engagement.services.update_event_set)."""
    confirmed = bool(getattr(user, "is_staff_role", False))
    update = IssueUpdate(
        issue=issue, status=status, date=date, note=_multiline(note), note_km=_multiline(note_km),
        evidence=_multiline(evidence),
        people_benefited=people_benefited, people_benefited_female=people_benefited_female, confirmed=confirmed,
        posted_by=user if getattr(user, "is_authenticated", False) else None,
        confirmed_by=user if confirmed else None,
    )
    if evidence_file:
        update.evidence_file = file_without_metadata(evidence_file)  # GPS, camera, author go (Privacy)
    # The unique (issue, date, status) constraint is checked by _update_rules, with a plainer message.
    full_clean_with(update, _update_rules(update), validate_constraints=False)
    old_status = issue.status
    if confirmed:
        # Decide before saving, so that a refusal leaves no stored evidence file behind. The new update is
        # the latest unless a confirmed one is dated later (on the same day the newest counts).
        latest = _latest_confirmed(issue.pk)
        new_status = status if latest is None or date >= latest[0] else latest[1]
        _refuse_second_open_main(issue, new_status)
    update.save()
    new_status = issue_status_refresh(issue=issue)
    changes = created_fields({"status": status, "date": date, "confirmed": confirmed})
    if new_status != old_status:
        changes["issue_status"] = [old_status, new_status]
        _announce_status(issue.pk, old_status, new_status)
    waiting = "" if confirmed else " (awaiting confirmation)"
    audit_record(user=user, action=Action.CREATE, obj=update,
                 summary=f"issue {issue.issue_id}: {status} on {date}{waiting}", changes=changes)
    return update


@transaction.atomic
def issue_update_confirm(*, user, update: IssueUpdate) -> IssueUpdate:
    """Staff confirm a representative's update: from now on it counts for the issue's status."""
    current = IssueUpdate.objects.select_for_update().select_related("issue").get(pk=update.pk)
    if current.confirmed:
        raise ValidationError(_("This update is already confirmed."), code="already_confirmed")
    issue = current.issue
    old_status = issue.status
    current.confirmed, current.confirmed_by = True, user
    current.save(update_fields=["confirmed", "confirmed_by"])
    latest = _latest_confirmed(issue.pk)
    # Raising here undoes the confirmation with the transaction.
    _refuse_second_open_main(issue, latest[1])
    new_status = issue_status_refresh(issue=issue)
    changes = {"confirmed": [False, True]}
    if new_status != old_status:
        changes["issue_status"] = [old_status, new_status]
        _announce_status(issue.pk, old_status, new_status)
    audit_record(user=user, action=Action.UPDATE, obj=current,
                 summary=f"issue {issue.issue_id}: update {current.status} on {current.date} confirmed",
                 changes=changes)
    return current


@transaction.atomic
def issue_update_reject(*, user, update: IssueUpdate, reason: str = "") -> None:
    """Staff reject a representative's unconfirmed update: it is removed, with its evidence file. A
    confirmed update is history and cannot be rejected; a later update corrects it."""
    current = IssueUpdate.objects.select_for_update().select_related("issue").get(pk=update.pk)
    if current.confirmed:
        raise ValidationError(_("A confirmed update cannot be rejected; post a new update instead."),
                              code="already_confirmed")
    reason = normalize(reason)
    audit_record(
        user=user, action=Action.DELETE, obj=current,
        summary=f"issue {current.issue.issue_id}: update {current.status} on {current.date} rejected"
        + (f": {reason}" if reason else ""),
        changes={"status": [current.status, None], "date": [str(current.date), None]},
    )
    file_name, storage = current.evidence_file.name, current.evidence_file.storage
    current.delete()
    if file_name:
        # Only once the deletion is committed: a rollback must not lose the file of a kept update.
        transaction.on_commit(lambda: storage.delete(file_name))


def _commitment_rules(commitment: Commitment) -> dict[str, str]:
    errors = {}
    today = timezone.localdate()
    issue = commitment.issue
    if commitment.made_on and commitment.made_on > today:
        errors["made_on"] = _("This date is in the future.")
    elif commitment.made_on and commitment.made_on < issue.raised_on:
        errors["made_on"] = _("The issue was raised on %(day)s, after this date.") % {"day": issue.raised_on}
    if commitment.due_on and commitment.made_on and commitment.due_on < commitment.made_on:
        errors["due_on"] = _("A promise cannot be due before it was made.")
    if commitment.kept_on and commitment.kept_on > today:
        errors["kept_on"] = _("This date is in the future.")
    elif commitment.kept_on and commitment.made_on and commitment.kept_on < commitment.made_on:
        errors["kept_on"] = _("A promise cannot be kept before it was made.")
    return errors


@transaction.atomic
def commitment_create(
    *, user, issue: Issue, made_on: dt.date, authority: Office | str, promise: str = "", promise_km: str = "",
    due_on: dt.date | None = None, level: str = "",
) -> Commitment:
    """Record what an authority promised to do about an issue. `authority` is an office, or its office id, or its
    name at `level` (the issue's duty bearer level when not given) and the CBO's place (created when new). The
    event where it was promised is engagement's to record (engagement.services.commitment_event_set). The promise
    is written in English (`promise`), in Khmer (`promise_km`) or both; one at least."""
    if not _multiline(promise) and not _multiline(promise_km):
        raise ValidationError({"promise": _("Write what was promised, in English or in Khmer.")})
    if isinstance(authority, str) and office_get(authority) is not None:
        authority = office_get(authority)  # an office id: whatever its level
    if not isinstance(authority, Office):
        if not normalize(authority or ""):
            raise ValidationError({"authority": _("Name the office that made the promise.")})
        try:
            authority = office_for_issue(user=user, cbo=issue.cbo, level=level or issue.duty_bearer_level,
                                         given=authority)
        except ValidationError as error:
            raise ValidationError({"authority": error.message_dict["duty_bearer"]}) from error
    commitment = Commitment(issue=issue, made_on=made_on, authority=authority,
                            promise=_multiline(promise), promise_km=_multiline(promise_km), due_on=due_on)
    full_clean_with(commitment, _commitment_rules(commitment))
    commitment.save()
    audit_record(user=user, action=Action.CREATE, obj=commitment,
                 summary=f"issue {issue.issue_id}: commitment of {commitment.authority} recorded",
                 changes=created_fields({"made_on": made_on, "authority": commitment.authority, "due_on": due_on}))
    return commitment


@transaction.atomic
def commitment_mark_kept(*, user, commitment: Commitment, kept_on: dt.date) -> Commitment:
    """Record the day an authority kept its promise (or correct that day)."""
    current = Commitment.objects.select_for_update().select_related("issue").get(pk=commitment.pk)
    changes = changed_fields(current, {"kept_on": kept_on})
    if not changes:
        return current
    current.kept_on = kept_on
    full_clean_with(current, _commitment_rules(current))
    current.save(update_fields=["kept_on"])
    audit_record(user=user, action=Action.UPDATE, obj=current,
                 summary=f"issue {current.issue.issue_id}: commitment of {current.authority} kept", changes=changes)
    return current


@transaction.atomic
def issue_project_link(*, user, issue: Issue, project: Project) -> IssueProject:
    """Record that `issue` led to the budget project `project`, a project of the commune, district or province of
    the issue's CBO. Refuses a project of another place, and a project already linked."""
    if project.unit not in project_units(issue.cbo):
        raise ValidationError({"project": _(
            "This project is in another place's budget: link a project of the CBO's commune, district or "
            "province.")})
    if IssueProject.objects.filter(issue=issue, project=project).exists():
        raise ValidationError({"project": _("This project is already linked to the issue.")})
    link = IssueProject.objects.create(issue=issue, project=project)
    audit_record(user=user, action=Action.CREATE, obj=link,
                 summary=f"issue {issue.issue_id}: led to the budget project {project.project_id} of "
                         f"{project.unit} ({project.fiscal_year})",
                 changes=created_fields({"issue": issue.issue_id, "project": project.project_id}))
    return link


@transaction.atomic
def issue_project_unlink(*, user, link: IssueProject) -> None:
    """Take away the link between an issue and a budget project (recorded by mistake)."""
    issue_id, project_id = link.issue.issue_id, link.project.project_id
    audit_record(user=user, action=Action.DELETE, obj=link,
                 summary=f"issue {issue_id}: no longer linked to the budget project {project_id}")
    link.delete()



# ---- many records (workbook import) -----------------------------------------------------------------

_ISSUE_SEARCH_FROM = ("issue_id", "title_en", "title_km")


def issue_upsert_many(*, user, rows: Iterable[Mapping[str, Any]], batch_size: int = 2000) -> UpsertResult:
    """Create or update issues matched on `issue_id`; rows give `cbo_id` as the CBO's primary key and leave
    `status` out (it follows the updates: issue_update_upsert_many refreshes it). The caller has checked the
    rows, including the rule of one open main issue per CBO across all of them. search_text follows the
    titles, as issue_search_text makes it, and the places (`province_id`, `district_id`) follow the CBO's.
    Returns the counts and every issue's primary key by issue_id."""
    return records_upsert_many(
        user=user, model=Issue, key=("issue_id",), rows=_with_cbo_places(rows, batch_size), batch_size=batch_size,
        derive_from=_ISSUE_SEARCH_FROM,
        derive=lambda v: {"search_text": bulk_search_text(*(v[f] for f in _ISSUE_SEARCH_FROM))},
    )


def _with_cbo_places(rows: Iterable[Mapping[str, Any]], batch_size: int):
    """The rows, each that gives a CBO with that CBO's province_id and district_id added: one query per
    batch of rows."""
    rows = iter(rows)
    while chunk := list(itertools.islice(rows, batch_size)):
        cbo_ids = {row["cbo_id"] for row in chunk if "cbo_id" in row}
        places = {pk: (province, district) for pk, province, district in
                  among(CBO, "pk", cbo_ids).values_list("pk", "province_id", "district_id")}
        for row in chunk:
            if "cbo_id" in row:
                province, district = places[row["cbo_id"]]
                row = {**row, "province_id": province, "district_id": district}
            yield row


def issue_update_upsert_many(
    *, user, rows: Iterable[Mapping[str, Any]], batch_size: int = 2000, keep_keys: bool = False,
) -> UpsertResult:
    """Create or update issue updates matched on (issue, date, status): rows give `issue_id` as a primary
    key (the event where an update was recorded is engagement's: engagement.services.update_event_upsert_many).
    New updates count at once (confirmed, posted and confirmed by `user`), and so does a
    representative's update awaiting confirmation that a row matches: the workbook is staff's record, and
    the import's own checks (one open main issue) count it. Afterwards the status of every issue concerned is
    refreshed from its latest confirmed update (issue_status_refresh_many). With `keep_keys`, the result
    holds every update's primary key, and the keys of those created or changed, by (issue pk, date, status)."""
    issue_ids: set[int] = set()

    def noted(rows):
        for row in rows:
            issue_ids.add(row["issue_id"])
            yield {**row, "confirmed": True}

    posted_by = user.pk if getattr(user, "is_authenticated", False) else None
    result = records_upsert_many(
        user=user, model=IssueUpdate, key=("issue_id", "date", "status"), rows=noted(rows), batch_size=batch_size,
        on_create={"confirmed": True, "posted_by_id": posted_by, "confirmed_by_id": posted_by},
        keep_keys=keep_keys,
    )
    issue_status_refresh_many(issue_ids=issue_ids)
    return result
