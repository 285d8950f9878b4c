"""Every read of stories: who may see which story (the public, staff of its province), what a public page may
show of it, the stories about a record (for other apps' pages, through stories.related), and the annex of the
donor report (results reads it here, and only here).

The public rule, said once (`public_q`): a story marked public, every person it names consenting to the public
pages (an active consent for_public), and every CBO, issue, plan and resource it tells about public (a private
one would be told about through the story). A photo is public with an active consent for_public of its own."""

import datetime as dt

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Prefetch, Q, QuerySet, Value

from samleng.stories.models import Consent, LinkType, Photo, Story, StoryLink

NOTHING = Q(pk__in=[])


# ---- who sees what ------------------------------------------------------------------------------------------------

def _people_without(flag: str) -> QuerySet:
    """The stories naming a person without an active consent carrying `flag` (for_public, for_reports)."""
    given = Consent.objects.filter(story=OuterRef("story"), person=OuterRef("person"), withdrawn_on__isnull=True,
                                   **{flag: True})
    return (Consent.objects.filter(photo__isnull=True).exclude(person="").annotate(given=Exists(given))
            .filter(given=False).values("story_id"))


def _private_links() -> QuerySet:
    """The stories that tell about a record not public: a CBO, an issue (or its CBO), a joint plan, an advocacy
    plan's or a resource's CBO. Events and budget projects have no such flag: events are never named publicly,
    budget projects always are."""
    return StoryLink.objects.filter(
        Q(cbo__is_public=False) | Q(issue__is_public=False) | Q(issue__cbo__is_public=False)
        | Q(joint_plan__public=False) | Q(advocacy_plan__cbo__is_public=False) | Q(resource__cbo__is_public=False)
    ).values("story_id")


def public_q() -> Q:
    """The stories anyone may read (see the module's docstring)."""
    return Q(public=True) & ~Q(pk__in=_people_without("for_public")) & ~Q(pk__in=_private_links())


def is_staff_of(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and getattr(user, "is_staff_role", False))


def staff_scope(user) -> Q:
    """The stories a user may edit, photos and consents included: those who see everything, all; a field officer,
    the stories of their provinces (a national story, without a province, is not theirs); nobody else."""
    if not is_staff_of(user):
        return NOTHING
    if user.sees_everything:
        return Q()
    return Q(province__in=user.provinces.all())


def can_edit(user, story: Story) -> bool:
    if not is_staff_of(user):
        return False
    if user.sees_everything:
        return True
    return story.province_id is not None and user.provinces.filter(pk=story.province_id).exists()


def readable_q(user) -> Q:
    """What a user may read: the public stories, and staff's own scope."""
    return public_q() | staff_scope(user) if is_staff_of(user) else public_q()


def staff_stories(user) -> QuerySet:
    return Story.objects.filter(staff_scope(user)).select_related("place").order_by("-told_on", "story_id")


def public_stories() -> QuerySet:
    return Story.objects.filter(public_q()).select_related("place").order_by("-told_on", "story_id")


def public_provinces() -> list[tuple]:
    """The provinces of the public stories, each with its number of stories, by name (two queries). Without
    public_stories' order, which would group by each story (every province counted 1: found by
    test_khmer_digits)."""
    from django.db.models import Count

    from samleng.places.models import Place

    counts = dict(public_stories().exclude(province=None).order_by().values_list("province")
                  .annotate(n=Count("pk")).values_list("province", "n"))
    return [(place, counts[place.pk]) for place in Place.objects.filter(pk__in=counts).order_by("name_en")]


def public_photos(story: Story) -> list[Photo]:
    """The story's photos that may be shown publicly: each with an active consent for the public pages."""
    return list(story.photos.filter(Exists(Consent.objects.filter(photo=OuterRef("pk"), for_public=True,
                                                                  withdrawn_on__isnull=True))))


def photo_is_public(photo: Photo) -> bool:
    return (Story.objects.filter(public_q(), pk=photo.story_id).exists()
            and photo.consents.filter(for_public=True, withdrawn_on__isnull=True).exists())


def links_of(story: Story, *, public: bool) -> list[StoryLink]:
    """The story's links with their records; for a public page only the records a visitor may open (public CBOs,
    issues and plans, budget projects), never events."""
    links = story.links.select_related("cbo", "issue", "issue__cbo", "event", "advocacy_plan", "joint_plan",
                                       "resource", "project")
    if not public:
        return list(links)
    return [link for link in links if _publicly_named(link)]


def _publicly_named(link: StoryLink) -> bool:
    if link.link_type == LinkType.CBO:
        return link.cbo.is_public
    if link.link_type == LinkType.ISSUE:
        return link.issue.is_public and link.issue.cbo.is_public
    if link.link_type == LinkType.JOINT_PLAN:
        return link.joint_plan.public
    return link.link_type == LinkType.BUDGET_PROJECT


def story_for_staff(story: Story) -> dict:
    """A staff page's story: its photos with their consents, the people it names with theirs, its links."""
    photos = list(story.photos.prefetch_related(Prefetch("consents", queryset=Consent.objects.order_by("given_on"))))
    people = list(story.consents.filter(photo__isnull=True).order_by("person", "given_on"))
    return {"story": story, "photos": photos, "people": people, "links": links_of(story, public=False),
            "public_now": Story.objects.filter(public_q(), pk=story.pk).exists()}


# ---- the stories about a record (other apps' pages, through stories.related) ----------------------------------

#: A page shows at most this many stories about one record.
ABOUT_SHOWN = 5

_FIELD_OF_KIND = {"cbos.cbo": "cbo", "advocacy.issue": "issue", "engagement.event": "event",
                  "plans.jointplan": "joint_plan", "plans.advocacyplan": "advocacy_plan", "plans.resource": "resource"}


def stories_about(user, kind: str, pk: int) -> list[Story]:
    """The stories `user` may read about the record (`kind`, a model's label_lower, and its pk), newest first, each
    with `editable` (whether `user` may open its staff page). One query."""
    field = _FIELD_OF_KIND[kind]
    linked = StoryLink.objects.filter(**{f"{field}_id": pk}).values("story_id")
    stories = Story.objects.filter(readable_q(user), pk__in=linked)
    if not is_staff_of(user):
        stories = stories.annotate(editable=Value(False))
    elif user.sees_everything:
        stories = stories.annotate(editable=Value(True))
    else:
        stories = stories.annotate(editable=ExpressionWrapper(staff_scope(user), output_field=BooleanField()))
    return list(stories.order_by("-told_on", "story_id")[:ABOUT_SHOWN])


def stories_about_projects(user, project_pks) -> dict[int, list[Story]]:
    """project pk -> the stories `user` may read about it (one query)."""
    readable = Story.objects.filter(readable_q(user)).values("pk")
    found: dict[int, list[Story]] = {}
    for link in (StoryLink.objects.filter(project_id__in=project_pks, story__in=readable).select_related("story")
                 .order_by("-story__told_on", "story__story_id")):
        found.setdefault(link.project_id, []).append(link.story)
    return found


# ---- the donor report's annex (results) -----------------------------------------------------------------------

def report_stories(period: int) -> list[dict]:
    """The stories chosen for the donor report of `period` (a year: told in it), each person they name consenting
    to donor reports, as plain data that an issued report freezes: ids, titles and texts in both languages, the
    day, the place's names, the names of the public CBOs they tell about (a donor report leaves the organisation: a
    private CBO is left unnamed, as on the public pages, `_publicly_named`), and their photos consented to donor
    reports (pk and caption: the files are read when the report is written, report_photo_bytes). No person's detail;
    no other link (issues, events, plans, resources, budget projects) is listed."""
    stories = (Story.objects.filter(in_report=True, told_on__gte=dt.date(period, 1, 1),
                                    told_on__lte=dt.date(period, 12, 31))
               .exclude(pk__in=_people_without("for_reports")).select_related("place")
               .prefetch_related(Prefetch("links", queryset=StoryLink.objects.filter(
                   link_type=LinkType.CBO, cbo__is_public=True).select_related("cbo")),
                   Prefetch("photos", to_attr="report_photos", queryset=Photo.objects.filter(Exists(
                       Consent.objects.filter(photo=OuterRef("pk"), for_reports=True, withdrawn_on__isnull=True)))))
               .order_by("told_on", "story_id"))
    return [{
        "story_id": story.story_id, "title_en": story.title_en, "title_km": story.title_km,
        "text_en": story.text_en, "text_km": story.text_km, "told_on": story.told_on.isoformat(),
        "place_en": story.place.name_en if story.place else "", "place_km": story.place.name_km if story.place else "",
        "cbos": [{"name_en": link.cbo.name_en, "name_km": link.cbo.name_km} for link in story.links.all()],
        "photos": [{"pk": photo.pk, "caption_en": photo.caption_en, "caption_km": photo.caption_km}
                   for photo in story.report_photos],
    } for story in stories]


#: The widest a photo is printed in a report (pixels): enough for a page's width, small enough for an e-mail.
REPORT_PHOTO_PX = 1200


def report_photo_bytes(pks) -> dict[int, bytes]:
    """pk -> the JPEG a report prints, of the photos among `pks` whose consent for donor reports is still given now
    (a report issued before a consent was withdrawn no longer prints that photo), at most REPORT_PHOTO_PX wide. A
    photo whose file is missing is left out."""
    import io

    from PIL import Image

    found = {}
    consented = Consent.objects.filter(photo=OuterRef("pk"), for_reports=True, withdrawn_on__isnull=True)
    for photo in Photo.objects.filter(pk__in=list(pks)).filter(Exists(consented)):
        try:
            with photo.image.open("rb") as file, Image.open(file) as image:
                image = image.convert("RGB")
                image.thumbnail((REPORT_PHOTO_PX, REPORT_PHOTO_PX))
                data = io.BytesIO()
                image.save(data, "JPEG", quality=85)
        except (OSError, ValueError):
            continue
        found[photo.pk] = data.getvalue()
    return found
