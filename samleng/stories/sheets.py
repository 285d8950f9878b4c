"""The programme workbook's sheets of stories (format 1.2, docs/programme-workbook.md): `stories` and
`story_links`, last of the kind (a link names records of every sheet before it). Each sheet's columns, its checks
(said in English and Khmer with sheet, row and column) and its write through this app's services. Photos and
consents are never in a workbook: they are entered on the staff pages only. Nothing is removed: a row a later
workbook no longer lists is kept.

A story belongs to its place's province: a field officer imports the stories of their provinces (and links them);
a story without a province only those who see everything."""

from functools import cache

from django.utils.translation import gettext_noop

from samleng.core.bulk import UpsertResult
from samleng.core.workbook.cells import Vocabulary, in_both
from samleng.core.workbook.problems import Message
from samleng.core.workbook.sheets import Sheet, date, ident, long_text, text, word, yes_no
from samleng.places.cells import place, place_chain
from samleng.stories import rules
from samleng.stories.models import LinkType, Story, StoryLink
from samleng.stories.services import TARGETS, story_link_upsert_many, story_upsert_many, target_pks

STORY_WORD = gettext_noop("story")

ONE_LANGUAGE = Message("stories.one_language", rules.ONE_LANGUAGE)
UNKNOWN_TARGET = Message("stories.unknown_target", rules.UNKNOWN_TARGET)
AMBIGUOUS_PROJECT = Message("stories.ambiguous_project", rules.AMBIGUOUS_PROJECT)
NATIONAL_STORY = Message("stories.national", rules.NATIONAL_STORY)

#: The sheet of the programme workbook that defines the ids of each link type (budget projects come from the
#: budget workbook: they must already be in Samleng).
SHEET_OF_TYPE = {LinkType.CBO: "cbos", LinkType.ISSUE: "issues", LinkType.EVENT: "events",
                 LinkType.ADVOCACY_PLAN: "advocacy_plans", LinkType.JOINT_PLAN: "joint_plans",
                 LinkType.RESOURCE: "resources"}

#: The English words for the link types, as messages name them (their Khmer is in the catalogue).
TYPE_WORDS = {"cbo": gettext_noop("CBO"), "issue": gettext_noop("issue"), "event": gettext_noop("event"),
              "advocacy_plan": gettext_noop("advocacy plan"), "joint_plan": gettext_noop("joint plan"),
              "resource": gettext_noop("resource mobilised"), "budget_project": gettext_noop("budget project")}

LINK_TYPE_WORDS = {
    "cbo": ("សហគមន៍", "អង្គការសហគមន៍មូលដ្ឋាន"),
    "issue": ("បញ្ហា", "បញ្ហាតស៊ូមតិ"),
    "event": ("ព្រឹត្តិការណ៍", "កិច្ចប្រជុំ"),
    "advocacy_plan": ("ផែនការតស៊ូមតិ",),
    "joint_plan": ("ផែនការរួម", "ផែនការសកម្មភាពរួម"),
    "resource": ("ធនធាន",),
    "budget_project": ("គម្រោង", "គម្រោងថវិកា", "project"),
}


@cache
def link_types() -> Vocabulary:
    return Vocabulary.of_choices(gettext_noop("link type"), LinkType.choices, LINK_TYPE_WORDS)


def stored_stories(run) -> dict[str, tuple[int, int | None]]:
    """story_id -> (pk, province pk) of every stored story."""
    return run.db("stories.stories", lambda: {story_id: (pk, province) for pk, story_id, province in
                                              Story.objects.values_list("pk", "story_id", "province_id")})


def _in_scope(run, sheet: str, row, column: str, province: int | None) -> bool:
    if province is None and run.restricted:
        run.error(sheet, row.row, column, NATIONAL_STORY)
        return False
    return run.in_scope(sheet, row, column, province)


# ---- stories ---------------------------------------------------------------------------------------------------------

_PLACES = ("province", "district", "commune")


def _check_stories(run, sheet, rows) -> None:
    name = sheet.name
    run.define_ids(name, rows, "story_id")
    stored = stored_stories(run)
    places: dict[int, tuple] = {}
    provinces = run.state.setdefault("stories.provinces", {})
    has_place = any(column in run.present[name] for column in _PLACES)
    for row in rows:
        if "title_en" in run.present[name] and not rules.one_language(row.title_en, row.title_km):
            run.error(name, row.row, "title_en", ONE_LANGUAGE)
        if "text_en" in run.present[name] and not rules.one_language(row.text_en, row.text_km):
            run.error(name, row.row, "text_en", ONE_LANGUAGE)
        run.not_future(name, row, "told_on")
        chain = place_chain(run, name, row, _PLACES)
        where = chain["commune"] or chain["district"] or chain["province"]
        known = stored.get(row.story_id)
        # Without place columns a stored story keeps its place (and its province decides who may change it).
        province = chain["province"].pk if chain["province"] else None if has_place or known is None else known[1]
        if known is not None and not _in_scope(run, name, row, "story_id", known[1]):
            continue  # a stored story of another province: not the importer's to change
        if not _in_scope(run, name, row, "province", province):
            continue
        places[row.row] = (where.pk if where else None, province)
        if row.story_id is not None:
            provinces[row.story_id] = province
    run.state["stories.places"] = places


def _write_stories(run) -> UpsertResult:
    present = run.present["stories"]
    places = run.state.get("stories.places", {})
    with_place = any(column in present for column in _PLACES)

    def record(row) -> dict:
        values = run.record("stories", row, ("story_id", "told_on", "public"))
        for column in ("title_en", "title_km", "text_en", "text_km"):
            if column in present:
                values[column] = getattr(row, column) or ""
        if with_place:
            values["place_id"], values["province_id"] = places[row.row]
        return values

    result = story_upsert_many(user=run.user, rows=(record(r) for r in run.rows["stories"]))
    run.pks["stories"] = {k: pk for k, (pk, _province) in stored_stories(run).items()}
    run.pks["stories"].update(result.pks)
    return result


# ---- story_links --------------------------------------------------------------------------------------------------

def _check_links(run, sheet, rows) -> None:
    name = sheet.name
    stored = stored_stories(run)
    given = run.state.get("stories.provinces", {})
    by_type: dict[str, set[str]] = {}
    for row in rows:
        if row.link_type is not None and row.target is not None:
            by_type.setdefault(row.link_type, set()).add(row.target)
    found = {link_type: target_pks(link_type, targets, user=run.user) for link_type, targets in by_type.items()}
    for row in rows:
        if row.story_id is not None:
            if row.story_id in given:
                province = given[row.story_id]
            elif run.known("stories", row.story_id, stored) and row.story_id in stored:
                province = stored[row.story_id][1]
            else:
                if not run.known("stories", row.story_id, stored):
                    run.unknown_ref(name, row, "story_id", row.story_id, STORY_WORD, "stories")
                continue  # a story of the sheet whose own row has an error
            if not _in_scope(run, name, row, "story_id", province):
                continue
        if row.link_type is None or row.target is None:
            continue
        pks = found[row.link_type].get(row.target, [])
        sheet_of = SHEET_OF_TYPE.get(row.link_type)
        if sheet_of is not None and not pks and run.ids.get(sheet_of) and row.target in run.ids[sheet_of]:
            continue  # defined by this workbook's sheet
        if not pks:
            run.error(name, row.row, "target", UNKNOWN_TARGET, type=in_both(TYPE_WORDS[row.link_type]),
                      target=row.target)
        elif len(pks) > 1:
            run.error(name, row.row, "target", AMBIGUOUS_PROJECT, target=row.target,
                      units=", ".join(_project_units(pks)))
    run.unique(name, rows, lambda r: (r.story_id, r.link_type, r.target)
               if r.story_id and r.link_type and r.target else None, "target",
               lambda r: f"The link of {r.story_id} to {r.link_type} {r.target}")


def _project_units(pks: list[int]) -> list[str]:
    from samleng.budgets.models import Project

    return list(Project.objects.filter(pk__in=pks).values_list("unit", flat=True))


def _write_links(run) -> UpsertResult:
    stories = run.pks.get("stories") or {k: pk for k, (pk, _p) in stored_stories(run).items()}
    rows = run.rows["story_links"]
    by_type: dict[str, set[str]] = {}
    for row in rows:
        by_type.setdefault(row.link_type, set()).add(row.target)
    found = {link_type: target_pks(link_type, targets, user=run.user) for link_type, targets in by_type.items()}
    rows = sorted(rows, key=lambda r: (stories[r.story_id], r.link_type, r.target))
    return story_link_upsert_many(user=run.user, rows=(
        {"story_id": stories[row.story_id], "link_type": row.link_type, "target": row.target,
         **{f"{field}_id": None for field in _FIELDS},
         f"{TARGETS[row.link_type][2]}_id": found[row.link_type][row.target][0]}
        for row in rows))


_FIELDS = tuple(field for _model, _id, field in TARGETS.values())


# ---- the sheets (`help` for the template, in both languages) ---------------------------------------------------------

STORIES = Sheet("stories", (
    ident("story_id", help=gettext_noop("The story's id (for example ST-KT-2024-1).")),
    text("title_en", 300, help=gettext_noop("The story's title in English (or title_km).")),
    text("title_km", 300, help=gettext_noop("The story's title in Khmer.")),
    long_text("text_en", help=gettext_noop("The story in English (or text_km).")),
    long_text("text_km", help=gettext_noop("The story in Khmer.")),
    date("told_on", True, help=gettext_noop("The day the story was told or written.")),
    place("province"), place("district"), place("commune"),
    yes_no("public", help=gettext_noop(
        "yes to show it on the public pages, once every person it names has consented (consents and photos are "
        "entered on the staff pages).")),
), key=("story_id",), check=_check_stories, write=_write_stories,
    help=gettext_noop("Case studies and success stories, in English and Khmer."))

STORY_LINKS = Sheet("story_links", (
    ident("story_id", help=gettext_noop("The id of a story, of the stories sheet or of Samleng.")),
    word("link_type", link_types, True),
    ident("target", max_length=60, help=gettext_noop(
        "The id of the record the story tells about: a cbo_id, an issue_id, an event_id, a plan_id, a joint_plan_id, "
        "a resource_id, or a budget project's project_id.")),
), key=("story_id", "link_type", "target"), check=_check_links, write=_write_links,
    help=gettext_noop("What each story tells about: CBOs, issues, events, plans, resources, budget projects."))

SHEETS = (STORIES, STORY_LINKS)


# ---- the export (what the import reads back unchanged) ------------------------------------------------------------

def _codes(place) -> tuple[str, str, str]:
    code = place.code if place else ""
    return code[:2], code[:4] if len(code) >= 4 else "", code[:6] if len(code) >= 6 else ""


def export_sheets(provinces: list[int] | None = None):
    """(sheet name, header, rows) of the stories and their links (of `provinces`; all when None, national stories
    only then). Places as codes."""
    stories = Story.objects.all() if provinces is None else Story.objects.filter(province_id__in=provinces)
    yield "stories", STORIES.names, (
        (s.story_id, s.title_en, s.title_km, s.text_en, s.text_km, s.told_on, *_codes(s.place), s.public)
        for s in stories.select_related("place").order_by("story_id").iterator())
    yield "story_links", STORY_LINKS.names, StoryLink.objects.filter(story__in=stories).order_by(
        "story__story_id", "link_type", "target").values_list("story__story_id", "link_type", "target").iterator()
