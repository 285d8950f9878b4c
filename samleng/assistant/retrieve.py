"""Finding the FAQ entries, services and glossary terms a question is about: BM25 over their texts, segmented and
folded as questions are (understand.words_of), held in memory.

Why in memory and not bm25s or FTS5: the knowledge base is small (2,000 FAQ entries and 500 services at national
scale are ~40,000 words), so a dictionary of postings built once per process answers in well under a millisecond
and needs no package and no table; FTS5's ranking would also need the segmented text twice (SQLite and
PostgreSQL). The index is rebuilt when the assistant's own records change (signals) and at most every
`MAX_AGE` seconds for the glossary, which budgets owns."""

import math
import threading
import time
from collections import Counter
from dataclasses import dataclass

from django.db.models.signals import post_delete, post_save
from rapidfuzz import fuzz, process

from samleng.assistant.models import FaqEntry, Service
from samleng.assistant.understand import STOPWORDS, Records, words_of
from samleng.budgets import selectors as budget_selectors
from samleng.transparency import selectors as transparency_selectors

#: BM25's usual constants.
K1, B = 1.2, 0.75
#: Seconds an index serves before it is built again (the glossary changes without telling the assistant).
MAX_AGE = 300
#: A document's title (a question, a service's name, a term) counts this many times against its other text.
TITLE_WEIGHT = 3
#: A question's word the knowledge base does not have is read as its closest word at least this similar (0-100):
#: "certifiicate", "motorbiike". Only words of this many letters or more: short words have too many neighbours.
SPELLING_SCORE, SPELLING_MIN_LENGTH = 88, 5  # 88: 'weather' is not 'whether' (86)


@dataclass(frozen=True)
class Doc:
    kind: str  # "faq", "service" or "glossary"
    key: str  # faq_id, service_id, term_id
    pk: int


@dataclass(frozen=True)
class Hit:
    doc: Doc
    score: float
    #: Share of the question's content words found in the document (0 to 1): how sure the match is.
    coverage: float
    #: Every word of the document's title (a service's name) is in the question.
    title_asked: bool = False


class Index:
    def __init__(self, docs: list[tuple[Doc, tuple[list[str], list[str]]]]):
        """`docs`: each document with its title's words (a question and its other wordings, a name, a term) and
        its other text's words."""
        #: The words of the knowledge base's titles (not of its answers, which may name places).
        self.vocabulary = frozenset(w for _, (title, _) in docs for w in title if not any(c.isdigit() for c in w))
        self.titles = [frozenset(title) - STOPWORDS for _, (title, _) in docs]
        docs = [(doc, title * TITLE_WEIGHT + rest) for doc, (title, rest) in docs]
        self.docs = [doc for doc, _ in docs]
        self.lengths = [len(words) or 1 for _, words in docs]
        self.average = (sum(self.lengths) / len(self.lengths)) if self.lengths else 1.0
        self.postings: dict[str, list[tuple[int, int]]] = {}
        for i, (_, words) in enumerate(docs):
            for word, count in Counter(words).items():
                self.postings.setdefault(word, []).append((i, count))
        total = len(self.docs)
        self.idf = {w: math.log(1 + (total - len(p) + 0.5) / (len(p) + 0.5)) for w, p in self.postings.items()}
        self.known = list(self.postings)
        self.records = Records({}, {}, {})
        self.built = time.monotonic()

    def spelled(self, word: str) -> str:
        """The word as the knowledge base spells it: itself if known, else its closest long-enough word."""
        if word in self.postings or len(word) < SPELLING_MIN_LENGTH or not self.known:
            return word
        found = process.extractOne(word, self.known, scorer=fuzz.ratio, score_cutoff=SPELLING_SCORE)
        return found[0] if found else word

    def search(self, words: list[str], *, kinds: tuple[str, ...] | None = None, limit: int = 5) -> list[Hit]:
        # Numbers say nothing of a topic (and may be someone's phone or ID number); years are the budgets' business.
        content = (list(dict.fromkeys(w for w in words if w not in STOPWORDS and not w.isdigit()))
                   or list(dict.fromkeys(words)))
        content = list(dict.fromkeys(self.spelled(w) for w in content))
        asked = set(content)
        scores: dict[int, float] = {}
        found: dict[int, int] = {}
        for word in content:
            for i, count in self.postings.get(word, ()):
                norm = count * (K1 + 1) / (count + K1 * (1 - B + B * self.lengths[i] / self.average))
                scores[i] = scores.get(i, 0.0) + self.idf[word] * norm
                found[i] = found.get(i, 0) + 1
        ranked = sorted(scores, key=lambda i: (-scores[i], self.docs[i].key))
        if kinds:
            ranked = [i for i in ranked if self.docs[i].kind in kinds]
        return [Hit(self.docs[i], scores[i], found[i] / len(content), bool(self.titles[i]) and self.titles[i] <= asked)
                for i in ranked[:limit]]


def _faq_words(entry: FaqEntry) -> tuple[list[str], list[str]]:
    titles = " ".join([entry.question_en, entry.question_km, *entry.also_asked_list])
    # The answer's English only: segmenting Khmer is most of the index's start-up (2 ms an entry, three quarters of
    # it the Khmer answer), and the Khmer wordings are in the question and also_asked (the evaluation lost nothing).
    return words_of(titles), words_of(entry.answer_en)


def _service_words(service: Service) -> tuple[list[str], list[str]]:
    return words_of(service.name_en + " " + service.name_km), words_of(
        " ".join([service.documents_en, service.documents_km, service.get_sector_display()]))


def _term_words(term) -> tuple[list[str], list[str]]:
    return words_of(term.term_en + " " + term.term_km), words_of(term.explanation_en + " " + term.explanation_km)


def build() -> Index:
    """The index of every FAQ entry, service and glossary term (three queries), with the procurement buyers and
    land concessions a question may name (two more)."""
    docs: list[tuple[Doc, tuple[list[str], list[str]]]] = []
    docs += [(Doc("faq", e.faq_id, e.pk), _faq_words(e)) for e in FaqEntry.objects.all()]
    docs += [(Doc("service", s.service_id, s.pk), _service_words(s)) for s in Service.objects.all()]
    docs += [(Doc("glossary", t.term_id, t.pk), _term_words(t)) for t in budget_selectors.glossary_terms()]
    index = Index(docs)
    index.records = records()
    return index


def records() -> Records:
    """The buyers and concessions a question may name (understand.Records)."""
    buyers = {key: (words_of(key), found) for key, found in transparency_selectors.procurement_buyers().items()}
    concessions = {pk: set(words_of(text)) - STOPWORDS
                   for pk, _elc_id, text in transparency_selectors.concession_names()}
    counts = Counter(w for own in concessions.values() for w in own)
    # A word every concession has ("concession", "Co. Ltd.", ដី) names none of them.
    idf = {w: math.log(len(concessions) / n) for w, n in counts.items()}
    return Records(buyers=buyers, concession_words=concessions, idf=idf)


_index: Index | None = None
_lock = threading.Lock()


def index() -> Index:
    """The index of this process, built on first use and again after a change or MAX_AGE seconds."""
    global _index
    current = _index
    if current is None or time.monotonic() - current.built > MAX_AGE:
        with _lock:
            if _index is None or time.monotonic() - _index.built > MAX_AGE:
                _index = build()
            current = _index
    return current


def clear(*args, **kwargs) -> None:
    global _index
    with _lock:
        _index = None


for _model in (FaqEntry, Service):
    post_save.connect(clear, sender=_model, dispatch_uid=f"assistant-index-{_model.__name__}-save")
    post_delete.connect(clear, sender=_model, dispatch_uid=f"assistant-index-{_model.__name__}-delete")
