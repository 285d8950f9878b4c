"""Every write of stories: the staff pages' single records (their rules said in the reader's language: rules.py)
and the workbook's many at once (stories.sheets). Photos are stored re-encoded from their pixels (core.images:
no metadata survives). Each write is in the audit log, and the cached public pages that show "stories about
this" (CBOs, issues, budgets) are renewed."""

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from samleng.accounts.access import cbo_scope, event_scope, issue_scope
from samleng.advocacy.models import Issue
from samleng.budgets.models import Project
from samleng.cbos.models import CBO
from samleng.core import pagecache
from samleng.core.audit import Action as AuditAction
from samleng.core.audit import audit_record, changed_fields, created_fields, delete_audited
from samleng.core.bulk import UpsertResult, records_upsert_many
from samleng.core.images import image_without_metadata
from samleng.core.khmer import normalize
from samleng.engagement.models import Event
from samleng.places.models import Place
from samleng.plans.models import AdvocacyPlan, JointPlan, Resource
from samleng.plans.selectors import plans_followed
from samleng.stories import rules
from samleng.stories.models import Consent, LinkType, Photo, Story, StoryLink

#: link type -> (model, its id field, the StoryLink field that holds it)
TARGETS: dict[str, tuple[type, str, str]] = {
    LinkType.CBO: (CBO, "cbo_id", "cbo"),
    LinkType.ISSUE: (Issue, "issue_id", "issue"),
    LinkType.EVENT: (Event, "event_id", "event"),
    LinkType.ADVOCACY_PLAN: (AdvocacyPlan, "plan_id", "advocacy_plan"),
    LinkType.JOINT_PLAN: (JointPlan, "joint_plan_id", "joint_plan"),
    LinkType.RESOURCE: (Resource, "resource_id", "resource"),
    LinkType.BUDGET_PROJECT: (Project, "project_id", "project"),
}
LINK_FIELDS = tuple(field for _model, _id, field in TARGETS.values())
#: The apps whose cached public pages show stories about their records.
_PAGES = ("cbos", "advocacy", "budgets")


def _said(message: str, params: dict | None = None) -> str:
    return _(message) % params if params else _(message)


def _pages_changed() -> None:
    for scope in _PAGES:
        pagecache.changed(scope)


def province_of(place: Place | None) -> Place | None:
    """The province a place is in (itself for a province)."""
    while place is not None and place.parent_id is not None:
        place = place.parent
    return place


def _clean_texts(values: dict) -> dict:
    return {name: normalize(value).strip() if isinstance(value, str) else value for name, value in values.items()}


def _check_story(values: dict, story: Story | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not rules.one_language(values.get("title_en"), values.get("title_km")):
        errors["title_en"] = _(rules.ONE_LANGUAGE)
    if not rules.one_language(values.get("text_en"), values.get("text_km")):
        errors["text_en"] = _(rules.ONE_LANGUAGE)
    told_on = values.get("told_on")
    if told_on is not None and told_on > timezone.localdate():
        errors["told_on"] = _said(rules.IN_FUTURE, {"date": told_on.isoformat()})
    if values.get("public") and story is not None and story.pk:
        people = people_without_consent(story, "for_public")
        if people:
            errors["public"] = _said(rules.PERSON_WITHOUT_CONSENT, {"people": ", ".join(people)})
    return errors


def people_without_consent(story: Story, flag: str) -> list[str]:
    """The people the story names who have no active consent with `flag` (for_public, for_reports)."""
    named = set(story.consents.filter(photo__isnull=True).values_list("person", flat=True))
    given = set(story.consents.filter(photo__isnull=True, withdrawn_on__isnull=True, **{flag: True})
                .values_list("person", flat=True))
    return sorted(named - given)


# ---- stories (the staff pages) ---------------------------------------------------------------------------------

_STORY_FIELDS = ("title_en", "title_km", "text_en", "text_km", "told_on", "place", "public", "in_report")


@transaction.atomic
def story_create(*, user, story_id: str, title_en: str = "", title_km: str = "", text_en: str = "",
                 text_km: str = "", told_on: dt.date, place: Place | None = None, public: bool = False,
                 in_report: bool = False) -> Story:
    """A new story (private unless `public`). Refused (ValidationError by field) without a title or a text in
    either language, told in the future, or with a story_id already used."""
    values = _clean_texts({"title_en": title_en, "title_km": title_km, "text_en": text_en, "text_km": text_km,
                           "told_on": told_on, "place": place, "public": public, "in_report": in_report})
    errors = _check_story(values, None)
    story = Story(story_id=story_id.strip(), province=province_of(place), **values)
    try:
        story.full_clean()
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, messages[0])
    if errors:
        raise ValidationError(errors)
    story.save()
    audit_record(user=user, action=AuditAction.CREATE, obj=story, summary=f"story {story.story_id} added",
                 changes=created_fields({"told_on": told_on, "public": public}))
    _pages_changed()
    return story


@transaction.atomic
def story_update(*, user, story: Story, **fields: Any) -> Story:
    """Change a story's texts, day, place, public flag and annex choice. Made public only when every person it
    names has consented to the public pages."""
    values = _clean_texts({name: fields[name] for name in _STORY_FIELDS if name in fields})
    merged = {name: getattr(story, name) for name in _STORY_FIELDS} | values
    errors = _check_story(merged, story)
    if errors:
        raise ValidationError(errors)
    changes = changed_fields(story, values)
    for name, value in values.items():
        setattr(story, name, value)
    story.province = province_of(story.place)
    story.save()
    if changes:
        audit_record(user=user, action=AuditAction.UPDATE, obj=story, summary=f"story {story.story_id} changed",
                     changes={name: ["…", "…"] if name.startswith(("text", "title")) else change
                              for name, change in changes.items()})
    _pages_changed()
    return story


# ---- photos and consents ------------------------------------------------------------------------------------------

def _check_consent(given_on: dt.date, withdrawn_on: dt.date | None = None) -> dict[str, str]:
    errors = {}
    if given_on > timezone.localdate():
        errors["given_on"] = _said(rules.IN_FUTURE, {"date": given_on.isoformat()})
    if withdrawn_on is not None and withdrawn_on < given_on:
        errors["withdrawn_on"] = _said(rules.WITHDRAWN_BEFORE_GIVEN, {"withdrawn": withdrawn_on.isoformat(),
                                                                      "given": given_on.isoformat()})
    return errors


@transaction.atomic
def photo_add(*, user, story: Story, image: File, caption_en: str = "", caption_km: str = "", given_by: str,
              given_on: dt.date, method: str, for_public: bool = False, for_reports: bool = False,
              note: str = "") -> Photo:
    """A photo of the story with the consent behind it (who gave it, when, how, for what): no photo without one.
    The photo is re-encoded from its pixels (no EXIF, GPS, camera or comment survives); a file that is not an
    image is refused."""
    errors = _check_consent(given_on)
    if not given_by.strip():
        errors["given_by"] = _("Say who gave the consent.")
    if errors:
        raise ValidationError(errors)
    clean = image_without_metadata(image)
    if clean is image:  # not an image at all: image_without_metadata passes other files through
        raise ValidationError({"image": _("This file is not a photo (JPEG, PNG or WebP).")})
    photo = Photo(story=story, caption_en=normalize(caption_en).strip(), caption_km=normalize(caption_km).strip(),
                  added_by=user)
    photo.image.save(clean.name, clean, save=False)
    photo.save()
    Consent.objects.create(story=story, photo=photo, given_by=normalize(given_by).strip(), given_on=given_on,
                           method=method, for_public=for_public, for_reports=for_reports, note=note.strip(),
                           recorded_by=user)
    audit_record(user=user, action=AuditAction.CREATE, obj=photo, summary=f"photo added to story {story.story_id}",
                 changes=created_fields({"for_public": for_public, "for_reports": for_reports}))
    _pages_changed()
    return photo


@transaction.atomic
def photo_delete(*, user, photo: Photo) -> None:
    story_id = photo.story.story_id
    photo.image.delete(save=False)
    delete_audited(photo, user=user, summary=f"photo removed from story {story_id}")
    _pages_changed()


@transaction.atomic
def person_consent_add(*, user, story: Story, person: str, given_by: str = "", given_on: dt.date, method: str,
                       for_public: bool = False, for_reports: bool = False, note: str = "") -> Consent:
    """Record a person the story names and their consent (given by them, or for a child by a parent or guardian:
    `given_by`, the person when empty). A person recorded without consent for the public pages keeps the story off
    them."""
    person = normalize(person).strip()
    errors = _check_consent(given_on)
    if not person:
        errors["person"] = _(rules.CONSENT_SUBJECT)
    if errors:
        raise ValidationError(errors)
    consent = Consent.objects.create(story=story, person=person, given_by=normalize(given_by).strip() or person,
                                     given_on=given_on, method=method, for_public=for_public,
                                     for_reports=for_reports, note=note.strip(), recorded_by=user)
    audit_record(user=user, action=AuditAction.CREATE, obj=consent,
                 summary=f"consent of a person named in story {story.story_id} recorded",
                 changes=created_fields({"for_public": for_public, "for_reports": for_reports}))
    _pages_changed()
    return consent


@transaction.atomic
def consent_withdraw(*, user, consent: Consent, withdrawn_on: dt.date) -> Consent:
    """A consent withdrawn from `withdrawn_on` on: it stays recorded, and counts no longer (a photo it covered
    leaves the public pages; a person it covered takes the story off them)."""
    errors = _check_consent(consent.given_on, withdrawn_on)
    if withdrawn_on > timezone.localdate():
        errors["withdrawn_on"] = _said(rules.IN_FUTURE, {"date": withdrawn_on.isoformat()})
    if errors:
        raise ValidationError(errors)
    consent.withdrawn_on = withdrawn_on
    consent.save(update_fields=["withdrawn_on"])
    audit_record(user=user, action=AuditAction.UPDATE, obj=consent,
                 summary=f"consent withdrawn in story {consent.story.story_id}",
                 changes={"withdrawn_on": [None, withdrawn_on.isoformat()]})
    _pages_changed()
    return consent


# ---- links ----------------------------------------------------------------------------------------------------------

def nameable(user, link_type: str) -> Q:
    """The records of `link_type` that `user` may link a story to: those they may see. A record out of their
    scope is unknown to them, as one that does not exist: a link must tell neither that it exists nor its name.
    Budget projects are published data; the command line (no user) names anything."""
    if user is None:
        return Q()
    if link_type in (LinkType.CBO, LinkType.ADVOCACY_PLAN, LinkType.RESOURCE):
        return cbo_scope(user, prefix="" if link_type == LinkType.CBO else "cbo__")
    if link_type == LinkType.ISSUE:
        return issue_scope(user)
    if link_type == LinkType.EVENT:
        return event_scope(user)
    if link_type == LinkType.JOINT_PLAN:
        return Q(pk__in=plans_followed(user).values("pk"))
    return Q()


def target_pks(link_type: str, targets: Iterable[str], *, user) -> dict[str, list[int]]:
    """target id -> the pks of the records of `link_type` with that id that `user` may name (a budget project's
    id may be used by several units; every other id by one record). One query."""
    model, id_field, _field = TARGETS[link_type]
    found: dict[str, list[int]] = {}
    records = model.objects.filter(nameable(user, link_type), **{f"{id_field}__in": set(targets)})
    for pk, target in records.values_list("pk", id_field):
        found.setdefault(target, []).append(pk)
    return found


@transaction.atomic
def link_add(*, user, story: Story, link_type: str, target: str) -> StoryLink:
    """Say that the story tells about a record, named by its id (a cbo_id, an issue_id, ...)."""
    target = target.strip()
    link_name = str(LinkType(link_type).label) if link_type in LinkType.values else link_type
    if link_type not in TARGETS:
        raise ValidationError({"link_type": _("Choose what the story tells about.")})
    pks = target_pks(link_type, [target], user=user).get(target, [])
    if not pks:
        raise ValidationError({"target": _said(rules.UNKNOWN_TARGET, {"type": link_name, "target": target})})
    if len(pks) > 1:
        units = ", ".join(Project.objects.filter(pk__in=pks).values_list("unit", flat=True))
        raise ValidationError({"target": _said(rules.AMBIGUOUS_PROJECT, {"target": target, "units": units})})
    if story.links.filter(link_type=link_type, target=target).exists():
        raise ValidationError({"target": _said(rules.LINK_EXISTS, {"type": link_name})})
    link = StoryLink.objects.create(story=story, link_type=link_type, target=target,
                                    **{f"{TARGETS[link_type][2]}_id": pks[0]})
    audit_record(user=user, action=AuditAction.CREATE, obj=link,
                 summary=f"story {story.story_id} linked to {link_type} {target}")
    _pages_changed()
    return link


@transaction.atomic
def link_remove(*, user, link: StoryLink) -> None:
    delete_audited(link, user=user,
                   summary=f"story {link.story.story_id} no longer linked to {link.link_type} {link.target}")
    _pages_changed()


# ---- the workbook (stories.sheets) -------------------------------------------------------------------------

@transaction.atomic
def story_upsert_many(*, user, rows: Iterable[Mapping[str, Any]]) -> UpsertResult:
    """Stories by story_id; texts already normalised by the workbook's cells."""
    result = records_upsert_many(user=user, model=Story, key=("story_id",), rows=rows)
    _pages_changed()
    return result


@transaction.atomic
def story_link_upsert_many(*, user, rows: Iterable[Mapping[str, Any]]) -> UpsertResult:
    """Links by (story, link_type, target); nothing is removed (a link is removed on the staff page)."""
    result = records_upsert_many(user=user, model=StoryLink, key=("story_id", "link_type", "target"), rows=rows)
    _pages_changed()
    return result
