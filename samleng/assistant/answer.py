"""The assistant's answers: from templates in Khmer and English, with the source of every figure.

Every answer carries `sources` (`{"kind", "id", "url"}`, ids the records' own keys: a budget `UNIT/YEAR`, a
project its project_id, a service its service_id, a FAQ entry its faq_id, a glossary term its term_id) and
`figures` (the numbers it states, money in riel, never years). A figure is only ever read from the budget
selectors the budget pages use, or from the knowledge base; when nothing fits, the answer says so, offers the
closest FAQ entries and how to reach the organisation, and states no figure. Nothing of the question is stored."""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from samleng.assistant import retrieve
from samleng.assistant.models import FaqEntry, Service
from samleng.assistant.understand import COMMUNE, DISTRICT_FACILITIES, STOPWORDS, Question, understand, words_of
from samleng.budgets import selectors as budget_selectors
from samleng.comments import selectors as comment_selectors
from samleng.core.khmer import to_khmer_digits
from samleng.places.selectors import office_label, place_label
from samleng.transparency import selectors as transparency_selectors

#: A knowledge-base match must cover at least this share of the question's content words to be answered.
MIN_COVERAGE = 0.5
#: How many FAQ entries a declined question is offered, and how many projects an answer lists.
SUGGESTIONS, PROJECTS_LISTED = 3, 5
#: How many of the best matches are weighed against each other (a service named in full may rank below FAQ entries).
LOOKED_AT = 10


@dataclass
class Answer:
    answer: str
    kind: str
    sources: list[dict] = field(default_factory=list)
    figures: list[int] = field(default_factory=list)
    suggestions: list[dict] = field(default_factory=list)
    #: Nothing in the knowledge base fits: the question may go (scrubbed) to the staff's page of unanswered
    #: questions (services.unanswered_record). Not part of the API's answer.
    unanswered: bool = False

    def as_dict(self) -> dict:
        return {"answer": self.answer, "kind": self.kind, "sources": self.sources, "figures": self.figures,
                "suggestions": self.suggestions}


def ask(text: str, lang: str = "km") -> Answer:
    """The answer to a question in `lang` ("km" or "en")."""
    lang = "en" if lang == "en" else "km"
    with translation.override(lang):
        index = retrieve.index()
        question = understand(text or "", index.vocabulary, index.records)
        if not question.content_words and question.kind == "lookup":
            return _declined(question, lang, _("Please ask a question in words, in Khmer or in English: about a "
                                               "budget, a public service, or your rights to information."))
        if question.kind == "record":
            return _record_answer(question, lang)
        if question.kind in ("budget", "projects"):
            return _budget_answer(question, lang)
        if question.kind == "comments":
            return _comments_answer(question, lang)
        if question.kind == "concession":
            if question.concession_weak and _faq_fits(question):
                return _lookup_answer(question, lang)
            return _concession_answer(question, lang)
        if question.kind == "procurement":
            return _buyer_answer(question, lang)
        return _lookup_answer(question, lang)


# ---- formatting ---------------------------------------------------------------------------------------------


def _number(value: int, lang: str) -> str:
    text = f"{value:,}"
    return to_khmer_digits(text) if lang == "km" else text


def _riel(value: int, lang: str) -> str:
    return _("%(amount)s riel") % {"amount": _number(value, lang)}


def _usd(value: int | None, lang: str) -> str:
    return "" if value is None else " " + _("(about US$%(amount)s)") % {"amount": _number(value, lang)}


def _year_text(year: int, lang: str) -> str:
    return to_khmer_digits(str(year)) if lang == "km" else str(year)


def _pick(lang: str, khmer: str, english: str) -> str:
    """A record's text in the reader's language, else in the other."""
    return (khmer or english) if lang == "km" else (english or khmer)


# ---- budgets ----------------------------------------------------------------------------------------------


def _phase(phase: str) -> str:
    names = {"executed": _("executed budget"), "revised": _("revised budget"), "approved": _("approved budget"),
             "proposed": _("proposed budget")}
    return names.get(phase, phase)


def _budget_answer(question: Question, lang: str) -> Answer:
    if question.place is None and question.place_candidates:
        # Of several places with the name, the one that has a published budget is the one a budget question means.
        published = [p for p in question.place_candidates if budget_selectors.published_years(p.code)]
        if len(published) == 1:
            question.place = published[0]
    if question.place is None and not question.place_candidates:
        return _declined(question, lang, _("Samleng did not find the commune, district or province your question "
                                           "names. Please check its spelling, or give its district or province."))
    if question.place is None:
        names = ", ".join(place_label(p, language=lang) for p in question.place_candidates)
        return _declined(question, lang, _("Several places have that name: %(names)s. Please say which one, with "
                                           "its district or province.") % {"names": names})
    place = question.place
    name = place_label(place, language=lang)
    if question.year_out_of_range:
        return _declined(question, lang, _("Samleng has no budget of %(place)s for %(year)s: budgets are published "
                                           "for recent years only.") % {"place": name,
                                                                         "year": _year_text(question.year, lang)})
    data = budget_selectors.unit_budget(place.code, question.year, compare=question.compare)
    if data is None:
        years = budget_selectors.published_years(place.code)
        if not years:
            message = _("No budget of %(place)s is published on Samleng yet.") % {"place": name}
        else:
            message = _("The budget of %(place)s for %(year)s is not published on Samleng. Published years: "
                        "%(years)s.") % {"place": name, "year": _year_text(question.year, lang),
                                         "years": ", ".join(_year_text(y, lang) for y in years)}
        return _declined(question, lang, message)
    url = reverse("budgets:unit", args=[data.unit]) + f"?year={data.year}"
    source = {"kind": "budget", "id": f"{data.unit}/{data.year}", "url": url}
    if question.kind == "projects":
        return _projects_answer(data, name, lang, source)
    if question.compare:
        return _comparison_answer(question, data, name, lang, source)
    category = _category(question, data)
    facts = {"place": name, "year": _year_text(data.year, lang), "phase": _phase(data.phase)}
    if category is not None:
        amount = category.amount_khr
        text = _("%(place)s: %(category)s in %(year)s, %(amount)s%(usd)s (%(phase)s).") % {
            **facts, "category": _pick(lang, category.name_km, category.name_en), "amount": _riel(amount, lang),
            "usd": _usd(category.amount_usd, lang)}
    elif question.per_person:
        amount = data.per_person.get("expenditure")
        if amount is None:
            return _declined(question, lang, _("Samleng does not know the population of %(place)s, so it cannot "
                                               "say its budget per person.") % {"place": name})
        text = _("%(place)s spends %(amount)s per person in %(year)s (%(phase)s).") % {
            **facts, "amount": _riel(amount, lang)}
    else:
        direction = "revenue" if question.revenue else "expenditure"
        amount = data.totals[direction]
        template = (_("The revenue of %(place)s in %(year)s is %(amount)s%(usd)s (%(phase)s).") if question.revenue
                    else _("The budget of %(place)s in %(year)s is %(amount)s%(usd)s of expenditure (%(phase)s)."))
        text = template % {**facts, "amount": _riel(amount, lang), "usd": _usd(data.totals_usd[direction], lang)}
    return Answer(text + " " + _("Source: its budget page."), "budget", [source], [amount])


def _comparison_answer(question: Question, data, name: str, lang: str, source: dict) -> Answer:
    """The unit's expenditure per person against the units of its level nearby in its population band: the
    comparison its budget page shows (the smallest area first)."""
    comparison = data.comparison
    group = comparison.groups[0] if comparison and comparison.groups else None
    if group is None or group.median_per_person_khr is None:
        return _declined(question, lang, _("Samleng cannot compare %(place)s in %(year)s: its population or its "
                                           "neighbours' budgets are not known.") % {
            "place": name, "year": _year_text(data.year, lang)})
    area = _pick(lang, group.scope_name_km, group.scope_name_en)
    text = _("In %(year)s %(place)s spends %(amount)s per person; the median of the %(count)s units of its size in "
             "%(area)s is %(median)s per person (%(phase)s).") % {
        "year": _year_text(data.year, lang), "place": name, "amount": _riel(comparison.per_person_khr, lang),
        "count": _number(group.units, lang), "area": area, "median": _riel(group.median_per_person_khr, lang),
        "phase": _phase(comparison.phase)}
    if group.rank is not None:
        text += " " + _("It ranks %(rank)s of %(count)s (1 spends the most per person).") % {
            "rank": _number(group.rank, lang), "count": _number(group.units, lang)}
    return Answer(text + " " + _("Source: its budget page."), "budget", [source],
                  [comparison.per_person_khr, group.median_per_person_khr])


def _category(question: Question, data) -> object | None:
    """The budget category a question names, by the words of its Khmer or English name (the best overlap)."""
    asked = set(question.content_words)
    best, best_score = None, 0
    for figure in data.categories:
        if figure.direction != ("revenue" if question.revenue else "expenditure"):
            continue
        names = set(words_of(figure.name_en + " " + figure.name_km)) - _GENERIC_CATEGORY_WORDS - STOPWORDS
        score = len(asked & names)
        if score > best_score:
            best, best_score = figure, score
    return best


#: Words of category names that do not tell categories apart.
_GENERIC_CATEGORY_WORDS = {"and", "other", "others", "of", "the", "និង", "ផ្សេងៗ", "ការ", "services", "service",
                           "expenditure", "revenue", "budget", "ចំណាយ", "ចំណូល", "ថវិកា"}


def _projects_answer(data, name: str, lang: str, budget_source: dict) -> Answer:
    projects = [p for p in data.projects if p.fiscal_year == data.year]
    if not projects:
        text = _("%(place)s has no projects listed for %(year)s.") % {"place": name,
                                                                       "year": _year_text(data.year, lang)}
        return Answer(text, "budget", [budget_source], [])
    listed = projects[:PROJECTS_LISTED]
    lines = [f"{_pick(lang, p.title_km, p.title_en)}: {_riel(p.cost_khr, lang)}" for p in listed]
    text = _("Projects of %(place)s in %(year)s (%(count)s):") % {
        "place": name, "year": _year_text(data.year, lang), "count": _number(len(projects), lang)}
    text += " " + "; ".join(lines) + "."
    if len(projects) > len(listed):
        text += " " + _("More on its budget page.")
    page = budget_source["url"]
    sources = [{"kind": "project", "id": p.project_id, "url": f"{page}#{budget_selectors.project_anchor(p.project_id)}"}
               for p in listed]
    return Answer(text, "project", sources + [budget_source], [p.cost_khr for p in listed])


# ---- information requests -----------------------------------------------------------------------------------


def _record_answer(question: Question, lang: str) -> Answer:
    """A record named by its key: a public information request, a procurement project, a land concession, a
    facility (what people say about it)."""
    found = transparency_selectors.requests_for_api(Q(public=True), request_id=question.request_id, upto=1)
    if found:
        return _request_answer(found[0], lang)
    project = transparency_selectors.procurement_project_get(question.request_id)
    if project is not None:
        return _project_answer(project, lang)
    concession = transparency_selectors.concession_get(question.request_id)
    if concession is not None:
        return _concession_record_answer(concession, lang)
    facility = comment_selectors.facility_get(question.request_id)
    if facility is not None:
        return _facility_answer(facility, lang)
    # A request that is not public is as unknown as one that does not exist.
    return _declined(question, lang, _("Samleng has no public record numbered %(id)s: no public information "
                                       "request, procurement project, land concession or public service point.") % {
        "id": question.request_id})


def _request_answer(request, lang: str) -> Answer:
    """The status of a public information request (what its public page shows)."""
    facts = {"id": request.request_id, "office": office_label(request.office, language=lang),
             "filed": request.filed_on.isoformat(), "status": request.get_status_display()}
    text = _("Information request %(id)s, filed on %(filed)s with %(office)s: %(status)s.") % facts
    if request.answer_due and request.status == "awaiting_answer":
        text += " " + _("The answer is due by %(day)s.") % {"day": request.answer_due.isoformat()}
    if getattr(request, "overdue_now", False):
        text += " " + _("It is overdue.")
    url = reverse("transparency:request", args=[request.request_id])
    return Answer(text, "request", [{"kind": "request", "id": request.request_id, "url": url}])


# ---- procurement and land concessions ------------------------------------------------------------------------


def _percent(value: float | None, lang: str) -> str:
    return _number(round(value or 0), lang) + "%"


def _buyer_answer(question: Question, lang: str) -> Answer:
    """A buyer's disclosure score in a fiscal year (the named one, else its latest), as its public page shows it:
    its projects, the items of their disclosure records disclosed, the share, its rank among the year's buyers."""
    spelling, years = retrieve.index().records.buyers[question.buyer][1]
    year = question.year or years[0]
    if question.year_out_of_range or year not in years:
        return _declined(question, lang, _("Samleng has no procurement project of %(buyer)s in %(year)s. Years "
                                           "with projects: %(years)s.") % {
            "buyer": spelling, "year": _year_text(year, lang), "years": ", ".join(_year_text(y, lang) for y in years)})
    row, buyers = transparency_selectors.procurement_buyer_year(spelling, year)
    if row is None:  # its projects went since the index was built
        return _declined(question, lang, _("Samleng has no procurement project of %(buyer)s in %(year)s.") % {
            "buyer": spelling, "year": _year_text(year, lang)})
    possible = row.projects * ITEMS_PER_PROJECT
    score = round(row.score_percent or 0)
    text = _("%(buyer)s in %(year)s: %(projects)s procurement projects; %(disclosed)s of their %(possible)s items "
             "were disclosed, a disclosure score of %(score)s, rank %(rank)s of %(buyers)s buyers. %(complete)s "
             "projects disclosed all seven items.") % {
        "buyer": row.buyer, "year": _year_text(year, lang), "projects": _number(row.projects, lang),
        "disclosed": _number(row.disclosed, lang), "possible": _number(possible, lang),
        "score": _percent(row.score_percent, lang), "rank": _number(row.rank, lang), "buyers": _number(buyers, lang),
        "complete": _number(row.complete, lang)}
    if row.small:
        text += " " + _("Fewer than five projects: the score says little.")
    url = reverse("transparency:procurement_buyer") + "?" + urlencode({"name": row.buyer, "year": year})
    source = {"kind": "procurement", "id": f"{row.buyer}/{year}", "url": url}
    return Answer(text + " " + _("Source: its procurement page."), "procurement", [source],
                  [row.projects, row.disclosed, score])


#: The items of a procurement project's disclosure record (plan, announcement, specification, award winner, award
#: value, contract, implementation): the score counts them.
ITEMS_PER_PROJECT = 7


def _items_text(rows, lang: str) -> tuple[str, int]:
    """What was disclosed (with the day) and what was not, and how many items were."""
    disclosed = [row for row in rows if row.disclosed]
    missing = [str(row.label) for row in rows if not row.disclosed]
    parts = [_("Disclosed: %(count)s of %(total)s items") % {"count": _number(len(disclosed), lang),
                                                             "total": _number(len(rows), lang)}]
    if disclosed:
        days = "; ".join(f"{row.label} {row.disclosure.disclosed_on.isoformat()}" for row in disclosed)
        parts[0] += f" ({days})"
    if missing:
        parts.append(_("not disclosed: %(items)s") % {"items": "; ".join(missing)})
    return ", ".join(parts) + ".", len(disclosed)


def _project_answer(project, lang: str) -> Answer:
    """A procurement project by its id: its buyer, year, method, value, and what of it was disclosed."""
    title = _pick(lang, project.title_km, project.title)
    text = _("Procurement project %(id)s, %(title)s: bought by %(buyer)s in %(year)s") % {
        "id": project.project_id, "title": title, "buyer": project.buyer.strip(),
        "year": _year_text(project.fiscal_year, lang)}
    if project.method:
        text += f" ({project.method})"
    figures = []
    if project.value_khr is not None:
        text += "; " + _("value %(amount)s") % {"amount": _riel(project.value_khr, lang)}
        figures.append(project.value_khr)
    else:
        text += "; " + _("its value was not disclosed")
    items, disclosed = _items_text(transparency_selectors.procurement_items(project), lang)
    text += ". " + items
    url = reverse("transparency:procurement_project", args=[project.pk])
    return Answer(text + " " + _("Source: its procurement page."), "procurement",
                  [{"kind": "procurement", "id": project.project_id, "url": url}], figures + [disclosed])


#: A FAQ entry that holds this share of a question's words answers it rather than a concession named only by words
#: the FAQ has too.
FAQ_FITS = 0.8


def _faq_fits(question: Question) -> bool:
    hits = retrieve.index().search(question.words, kinds=("faq",), limit=1)
    return bool(hits) and hits[0].coverage >= FAQ_FITS


def _concession_answer(question: Question, lang: str) -> Answer:
    if len(question.concession_pks) == 1:
        return _concession_record_answer(transparency_selectors.concession_get(pk=question.concession_pks[0]), lang)
    found = [transparency_selectors.concession_get(pk=pk) for pk in question.concession_pks]
    names = "; ".join(f"{c.elc_id} {_pick(lang, c.name_km, c.name)}" for c in found if c is not None)
    return _declined(question, lang, _("Several land concessions fit your question: %(names)s. Please ask about "
                                       "one of them, by its name or its number.") % {"names": names})


def _concession_record_answer(concession, lang: str) -> Answer:
    """What is known about a land concession, as its public page shows it: company, area, place, when granted,
    crop, sub-decree, and which of its documents were disclosed."""
    name = _pick(lang, concession.name_km, concession.name)
    where = place_label(concession.district or concession.province, language=lang)  # the district's names its province
    text = f"{concession.elc_id} {name}: " + _("in %(place)s") % {"place": where}
    figures = []
    if concession.company:
        text += "; " + _("company: %(company)s") % {"company": concession.company}
    if concession.area_ha is not None:
        area = round(concession.area_ha)
        text += "; " + _("%(area)s hectares") % {"area": _number(area, lang)}
        figures.append(area)
    if concession.granted_on:
        text += "; " + _("granted on %(day)s") % {"day": concession.granted_on.isoformat()}
    if concession.crop:
        text += "; " + _("crop: %(crop)s") % {"crop": concession.crop}
    if concession.sub_decree:
        text += "; " + _("sub-decree: %(law)s") % {"law": concession.sub_decree}
    items, disclosed = _items_text(transparency_selectors.concession_items(concession), lang)
    text += ". " + items
    if concession.source:
        text += " " + _("Recorded from: %(source)s.") % {"source": concession.source}
    url = reverse("transparency:concession", args=[concession.pk])
    return Answer(text + " " + _("Source: its page."), "concession",
                  [{"kind": "concession", "id": concession.elc_id, "url": url}], figures + [disclosed])


# ---- what people say about a place of service -------------------------------------------------------------


def _comments_answer(question: Question, lang: str) -> Answer:
    """The comments' published figures of the facility a question names: by its type and place (the gazetteer),
    else the place's only facility; otherwise the place's facilities are offered."""
    candidates = question.place_candidates
    if question.place is None and len(candidates) > 1 and question.facility_type:
        # Of several places with the name (Chheu Teal, Thmei), the one with such a facility is the one meant.
        candidates = [p for p in candidates if any(f.type == question.facility_type
                                                   for f in comment_selectors.facilities_at(p))] or candidates
    place = question.place or (candidates[0] if len(candidates) == 1 else None)
    if place is None:
        names = ", ".join(place_label(p, language=lang) for p in question.place_candidates)
        return _declined(question, lang, _("Several places have that name: %(names)s. Please say which one, with "
                                           "its district or province.") % {"names": names})
    facilities = list(comment_selectors.facilities_at(place))
    if question.facility_type and place.level == COMMUNE and question.facility_type in DISTRICT_FACILITIES:
        facilities = list(comment_selectors.facilities_at(place.parent))  # the district's One Window Service...
    chosen = [f for f in facilities if f.type == question.facility_type] if question.facility_type else facilities
    if len(chosen) == 1:
        return _facility_answer(chosen[0], lang)
    name = place_label(place, language=lang)
    if not facilities:
        return _declined(question, lang, _("Samleng lists no public service point in %(place)s.") % {"place": name})
    listed = ", ".join(_pick(lang, f.name_km, f.name_en) for f in facilities)
    return _declined(question, lang, _("Which public service point of %(place)s do you mean? %(names)s.") % {
        "place": name, "names": listed})



def _facility_answer(facility, lang: str) -> Answer:
    """What the published comments about a facility add up to, as its public page shows everyone: a figure only
    where at least five comments stand behind it (DESIGN.md, Privacy)."""
    figures = comment_selectors.facility_figures(facility, full=False)
    name = _pick(lang, facility.name_km, facility.name_en)
    url = reverse("comments:facility", args=[facility.facility_id])
    source = {"kind": "comments", "id": facility.facility_id, "url": url}
    small = {"count": _number(comment_selectors.SMALL, lang)}
    if not figures.total.shown:
        text = _("Fewer than %(count)s comments about %(place)s are published: Samleng shows what people say only "
                 "where at least %(count)s comments stand behind it, so that nobody can be recognised. You can read "
                 "the published ones, or add yours, on its page.") % {**small, "place": name}
        return Answer(text, "comments", [source], [])
    stated = [figures.total.value]
    text = _("%(count)s published comments about %(place)s.") % {"count": _number(figures.total.value, lang),
                                                                  "place": name}
    shown = sorted(((label, f) for label, f in figures.by_category if f.shown and f.value), key=lambda c: -c[1].value)
    if shown:
        text += " " + _("About: %(categories)s.") % {"categories": "; ".join(
            f"{label} {_number(f.value, lang)}" for label, f in shown[:4])}
        stated += [f.value for _label, f in shown[:4]]
    if figures.answered_percent.shown and figures.answered_percent.value is not None:
        answered = round(figures.answered_percent.value)
        text += " " + _("%(percent)s of them have a public answer from the office.") % {
            "percent": _number(answered, lang) + "%"}
        stated.append(answered)
    if figures.median_days.shown and figures.median_days.value is not None:
        days = round(figures.median_days.value)
        text += " " + _("Half were answered within %(days)s days.") % {"days": _number(days, lang)}
        stated.append(days)
    return Answer(text + " " + _("Source: its comments page."), "comments", [source], stated)


# ---- the knowledge base -----------------------------------------------------------------------------------


def _lookup_answer(question: Question, lang: str) -> Answer:
    hits = retrieve.index().search(question.words, limit=LOOKED_AT)
    if not hits or hits[0].coverage < MIN_COVERAGE:
        declined = _declined(question, lang, _("I do not know the answer to that question."))
        declined.unanswered = True
        return declined
    best = _preferred(hits)
    if best.doc.kind == "service":
        return _service_answer(Service.objects.get(pk=best.doc.pk), lang)
    if best.doc.kind == "glossary":
        return _glossary_answer(best.doc, lang)
    others = [h.doc for h in hits if h.doc.kind == "faq" and h.coverage >= MIN_COVERAGE and h is not best]
    entries = _faq_entries([best.doc, *others][:SUGGESTIONS + 2])
    entry = entries[0]
    text = _pick(lang, entry.answer_km, entry.answer_en)
    return Answer(text, "faq", [_faq_source(e) for e in entries])


#: A FAQ entry, then a service, answers before a close glossary term (or a FAQ before a service) that scores up to
#: this much better with no more of the question's words: an entry written for the question says more than a
#: definition ("What is the Commune/Sangkat Fund?" is both).
PREFER_WITHIN = 0.7


def _preferred(hits: list) -> object:
    """A service whose whole name the question says; else a FAQ entry, then a service, close to the best match."""
    top = hits[0]
    named = [h for h in hits if h.doc.kind == "service" and h.title_asked and h.coverage >= MIN_COVERAGE]
    if named:
        return named[0]
    for kind in ("faq", "service"):
        if top.doc.kind == kind:
            return top
        for hit in hits[1:]:
            if hit.doc.kind == kind and hit.coverage >= top.coverage and hit.score >= PREFER_WITHIN * top.score:
                return hit
    return top


def _faq_entries(docs) -> list[FaqEntry]:
    by_pk = FaqEntry.objects.in_bulk([d.pk for d in docs])
    return [by_pk[d.pk] for d in docs if d.pk in by_pk]


def _faq_source(entry: FaqEntry) -> dict:
    return {"kind": "faq", "id": entry.faq_id, "url": reverse("assistant:chat") + f"?faq={entry.faq_id}"}


def _service_answer(service: Service, lang: str) -> Answer:
    name = _pick(lang, service.name_km, service.name_en)
    parts = [name + ":"]
    figures = []
    if service.fee_khr == 0:
        parts.append(_("free of charge."))
    elif service.fee_khr is not None:
        parts.append(_("the fee is %(fee)s.") % {"fee": _riel(service.fee_khr, lang)})
        figures.append(service.fee_khr)
    else:
        parts.append(_("Samleng does not know the fee; it is on the office's fee board, and you may ask for a "
                       "receipt."))
    note = _pick(lang, service.fee_note_km, service.fee_note_en)
    if note:
        parts.append(note)
    documents = service.documents_km_list if lang == "km" else service.documents_en_list
    documents = documents or service.documents_en_list or service.documents_km_list
    if documents:
        parts.append(_("Documents to bring: %(documents)s.") % {"documents": "; ".join(documents)})
    if service.days is not None:
        parts.append(_("It takes %(days)s working days.") % {"days": _number(service.days, lang)})
    parts.append(_("Office: %(level)s.") % {"level": service.get_office_level_display()})
    if service.legal_basis:
        parts.append(_("Legal basis: %(law)s.") % {"law": service.legal_basis})
    parts.append(_("Checked on %(day)s (%(source)s).") % {"day": service.checked_on.isoformat(),
                                                          "source": service.source})
    url = reverse("assistant:chat") + f"?service={service.service_id}"
    return Answer(" ".join(parts), "service", [{"kind": "service", "id": service.service_id, "url": url}], figures)


def _glossary_answer(doc, lang: str) -> Answer:
    term = next(t for t in budget_selectors.glossary_terms() if t.pk == doc.pk)
    text = f"{_pick(lang, term.term_km, term.term_en)}: {_pick(lang, term.explanation_km, term.explanation_en)}"
    url = reverse("budgets:glossary") + f"#term-{term.term_id}"
    return Answer(text, "glossary", [{"kind": "glossary", "id": term.term_id, "url": url}])


# ---- declining ----------------------------------------------------------------------------------------------


def _declined(question: Question, lang: str, message: str) -> Answer:
    """An answer that states no figure: what is missing, the closest FAQ entries, and how to reach the NGO."""
    hits = retrieve.index().search(question.words, kinds=("faq",), limit=SUGGESTIONS) if question.words else []
    entries = _faq_entries([h.doc for h in hits])
    suggestions = [{**_faq_source(e), "question": _pick(lang, e.question_km, e.question_en)} for e in entries]
    contact = _("For anything else, ask the staff of %(organisation)s at a public forum or at their office.") % {
        "organisation": settings.ORGANISATION_NAME}
    return Answer(f"{message} {contact}", "none", [], [], suggestions)


# ---- a record named in an address -------------------------------------------------------------------------


def faq_answer(faq_id: str, lang: str) -> Answer | None:
    """A FAQ entry's answer (the page a FAQ source links to); None for an unknown id."""
    entry = FaqEntry.objects.filter(faq_id=faq_id[:40]).first()
    if entry is None:
        return None
    with translation.override(lang):
        return Answer(_pick(lang, entry.answer_km, entry.answer_en), "faq", [_faq_source(entry)])


def service_answer(service_id: str, lang: str) -> Answer | None:
    service = Service.objects.filter(service_id=service_id[:40]).first()
    if service is None:
        return None
    with translation.override(lang):
        return _service_answer(service, lang)
