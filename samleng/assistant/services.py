"""Every write of the assistant: many services or FAQ entries at once (the knowledge-base workbook's sheets), on
core.bulk.records_upsert_many: only what differs is written, one audit entry per call; the questions it could not
answer, scrubbed and counted, and the FAQ entries staff write for them. Keyword-only, atomic."""

import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from samleng.assistant.models import FaqEntry, Service, UnansweredQuestion
from samleng.assistant.understand import MAX_READ as MAX_STORED
from samleng.assistant.understand import STOPWORDS, words_of
from samleng.comments.detection import ID_NUMBER, PHONE, TITLED_NAME, personal_details
from samleng.core.audit import Action, audit_record, created_fields
from samleng.core.bulk import UpsertResult, records_upsert_many
from samleng.core.khmer import normalize, to_latin_digits


@transaction.atomic
def service_upsert_many(*, user, rows: Iterable[Mapping[str, Any]]) -> UpsertResult:
    """Create or update services matched on `service_id`. The caller has checked the rows."""
    return records_upsert_many(user=user, model=Service, key=("service_id",), rows=rows)


@transaction.atomic
def faq_upsert_many(*, user, rows: Iterable[Mapping[str, Any]]) -> UpsertResult:
    """Create or update FAQ entries matched on `faq_id`. The caller has checked the rows."""
    return records_upsert_many(user=user, model=FaqEntry, key=("faq_id",), rows=rows)


# ---- questions the assistant could not answer -------------------------------------------------------------------

#: At most this many different unanswered questions are kept (a flood of nonsense cannot fill the database); once
#: full, only the counts of those already kept grow.
UNANSWERED_KEPT = 5_000
#: What stands in the stored text for what the comments' detector found (and any other long number).
_SCRUBBED = {PHONE: "[phone]", ID_NUMBER: "[ID number]", TITLED_NAME: "[name]"}
_LONG_NUMBER = re.compile(r"\d{5,}")
_PLACEHOLDER = re.compile(r"\[(phone|ID number|name|number)\]")


def question_scrubbed(text: str) -> str:
    """`text` with the phone numbers, ID numbers and titled names that the comments' detector finds replaced
    (comments.detection, the one that holds a comment for moderation), and any other number of five digits or
    more; normalised and cut to 500 characters."""
    text = normalize(text)[:MAX_STORED]
    for finding in sorted(personal_details(text), key=lambda f: -f.start):
        text = text[:finding.start] + _SCRUBBED[finding.kind] + text[finding.end:]
    return _LONG_NUMBER.sub("[number]", to_latin_digits(text))


def unanswered_record(*, text: str) -> UnansweredQuestion | None:
    """Count a question the assistant could not answer: scrubbed first (question_scrubbed), then one more for
    the kept question with the same words, or kept as a new one. None when it has no words or too many are kept.
    Not audited (no user: the public asks)."""
    scrubbed = question_scrubbed(text)
    bare = _PLACEHOLDER.sub(" ", scrubbed)  # what was taken out does not make questions different
    words = sorted({w for w in words_of(bare)
                    if w not in STOPWORDS and any(c.isalpha() for c in w) and not any(c.isdigit() for c in w)})
    key = " ".join(words)[:300]
    if not key:
        return None
    with transaction.atomic():
        if UnansweredQuestion.objects.filter(key=key).update(count=F("count") + 1):
            return UnansweredQuestion.objects.get(key=key)
        if UnansweredQuestion.objects.count() >= UNANSWERED_KEPT:
            return None
        found, created = UnansweredQuestion.objects.get_or_create(key=key, defaults={"text": scrubbed})
        if not created:  # asked at the same moment by someone else
            UnansweredQuestion.objects.filter(pk=found.pk).update(count=F("count") + 1)
        return found


def faq_id_next(topic: str) -> str:
    """The next free id of a topic's FAQ entries, as the demo numbers them (FAQ-BUD-07)."""
    prefix = f"FAQ-{FAQ_PREFIXES.get(topic, 'OTH')}-"
    taken = set(FaqEntry.objects.filter(faq_id__startswith=prefix).values_list("faq_id", flat=True))
    number = 1
    while f"{prefix}{number:02d}" in taken:
        number += 1
    return f"{prefix}{number:02d}"


#: The prefix of each topic's FAQ ids (the demo's).
FAQ_PREFIXES = {"budget": "BUD", "owso": "OWS", "procurement": "PRO", "access_to_information": "ATI",
                "comments": "COM", "land": "LAND", "other": "OTH"}


@transaction.atomic
def faq_create_from_unanswered(*, user, unanswered: UnansweredQuestion, topic: str, question_en: str = "",
                               question_km: str = "", answer_en: str = "", answer_km: str = "") -> FaqEntry:
    """A FAQ entry written for an unanswered question, which then leaves the list (its count with it). The
    question's text is kept only in the wording the staff member gives (the form offers it to edit): scrubbed of
    phones, ID numbers and titled names, it may still hold an untitled name, and an entry is published. Audited.
    Raises ValidationError (both languages' messages from FaqEntry.clean) when a question or an answer is
    missing."""
    entry = FaqEntry(faq_id=faq_id_next(topic), topic=topic, question_en=normalize(question_en),
                     question_km=normalize(question_km), answer_en=answer_en.strip(), answer_km=answer_km.strip(),
                     source=str(_("written for questions the assistant could not answer")),
                     checked_on=timezone.localdate())
    entry.full_clean()
    entry.save()
    audit_record(user=user, action=Action.CREATE, obj=entry, summary=f"FAQ entry {entry.faq_id} for an unanswered "
                 f"question asked {unanswered.count} times", changes=created_fields(
                     {f: getattr(entry, f) for f in ("faq_id", "topic", "question_en", "question_km", "answer_en",
                                                     "answer_km", "also_asked")}))
    unanswered.delete()
    return entry


@transaction.atomic
def unanswered_dismiss(*, user, unanswered: UnansweredQuestion) -> None:
    """Take a question off the list without a FAQ entry (nonsense, or answered elsewhere). Audited."""
    audit_record(user=user, action=Action.DELETE, obj=unanswered,
                 summary=f"unanswered question dismissed (asked {unanswered.count} times)")
    unanswered.delete()


#: Two kept questions are similar when they share at least this share of their words (Jaccard).
SIMILAR = 0.5


def unanswered_similar(questions: list[UnansweredQuestion]) -> dict[int, tuple[int, int]]:
    """For each of `questions` (a page of the list), how many other kept questions share at least half their words
    with it, and how many times those were asked: {pk: (questions, times)}. One query (the keys of all kept, at
    most UNANSWERED_KEPT)."""
    kept = [(pk, frozenset(key.split()), count)
            for pk, key, count in UnansweredQuestion.objects.values_list("pk", "key", "count")]
    found = {}
    for question in questions:
        own = frozenset(question.key.split())
        similar = [count for pk, words, count in kept
                   if pk != question.pk and len(own & words) >= SIMILAR * len(own | words)]
        found[question.pk] = (len(similar), sum(similar))
    return found
