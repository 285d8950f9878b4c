"""What a question asks: its words (normalised with core's one normaliser, segmented as core.search segments),
its kind (a budget figure, a unit's projects, or something to look up in the knowledge base) and its slots (a
place through the gazetteer's fuzzy lookup, a year in Khmer or Latin digits or "this year", a budget category).
Rules only: nothing is downloaded and nothing is stored."""

import re
from dataclasses import dataclass, field
from functools import lru_cache

from django.utils import timezone

from samleng.core.khmer import fold, has_khmer, normalize, search_terms, to_latin_digits
from samleng.places.selectors import place_resolve

# The gazetteer's levels (places.models.Place.Level: the assistant reads places through its selectors only).
PROVINCE, DISTRICT, COMMUNE = 1, 2, 3

#: A question longer than this is cut before it is read (the API refuses more than 500 characters).
MAX_READ = 500

#: Years a budget question may name; outside them the year is said to be out of range, never looked up.
FIRST_YEAR, LAST_YEAR_AHEAD = 2000, 5

# Words that ask for a budget figure, for a unit's projects, for a figure per person, for revenue.
_BUDGET_WORDS = {"budget", "budgets", "spend", "spends", "spending", "spent", "expenditure", "expenditures",
                 "revenue", "revenues", "income", "ថវិកា", "ចំណាយ", "ចំណូល"}
_PROJECT_WORDS = {"project", "projects", "គម្រោង"}
_REVENUE_WORDS = {"revenue", "revenues", "income", "ចំណូល"}
_PER_PERSON = re.compile(r"per (person|head|capita|inhabitant)|ក្នុង(មនុស្ស)?ម្នាក់|ម្នាក់ៗ|សម្រាប់មនុស្សម្នាក់")
_COMPARE = re.compile(r"compar|ប្រៀបធៀប|ធៀប")
_THIS_YEAR = re.compile(r"this year|current year|ឆ្នាំនេះ")
_LAST_YEAR = re.compile(r"last year|ឆ្នាំមុន|ឆ្នាំទៅ")
_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")
#: A record's own key as the organisation writes them: an information request (AIR-KR-2023-01), a procurement
#: project (MEF-2024-001), a land concession (ELC-KT-002), a facility (FAC-0606-OWS): letters, a dash, and a run of
#: letters, digits and dashes that holds a digit.
_RECORD_ID = re.compile(r"\b([A-Za-z]{2,10}-[A-Za-z0-9-]*\d[A-Za-z0-9-]*)\b")

#: Words that ask what people say about a place of service (the comments' published figures).
_COMMENTS = re.compile(r"\bsays?\b|\bsaid\b|\bthink\b|\bcomment|\bcomplain|\brating|\breview|\bfeedback|\bopinion"
                       r"|មតិ|យោបល់|និយាយ|ពេញចិត្ត|ត្អូញត្អែរ|បណ្តឹង|បណ្ដឹង")
#: Words that ask about a land concession, and about a buyer's procurement.
_CONCESSION_WORDS = {"concession", "concessions", "elc", "elcs", "សម្បទាន", "ដីសម្បទាន"}
_CONCESSION_KM = fold("សម្បទាន")
_PROCUREMENT = re.compile(r"procure|tender|disclos|score|\brank|លទ្ធកម្ម|ពិន្ទុ|បង្ហាញ|ផ្សព្វផ្សាយ|ចំណាត់ថ្នាក់")

#: The types of facilities (places.Facility.Type's values) by the words that name them, English and Khmer (folded
#: and without spaces for Khmer, which is written without them).
FACILITY_WORDS = {
    "one_window_service": ("one window", "one-window", "ows", "owso", "ច្រកចេញចូលតែមួយ", "ច្រកតែមួយ"),
    "health_centre": ("health cent", "health post", "clinic", "មណ្ឌលសុខភាព"),
    "referral_hospital": ("hospital", "មន្ទីរពេទ្យ"),
    "school": ("school", "សាលាបឋមសិក្សា", "សាលារៀន", "អនុវិទ្យាល័យ", "វិទ្យាល័យ"),
    "police_post": ("police", "នគរបាល"),
    "commune_office": ("commune office", "commune hall", "sangkat office", "សាលាឃុំ", "សាលាសង្កាត់"),
    "district_office": ("district office", "district hall", "municipal hall", "town hall", "សាលាស្រុក",
                        "សាលាក្រុង", "សាលាខណ្ឌ"),
}

# Words that name a unit's level: they choose between a commune and a district of the same name.
_LEVEL_WORDS = {
    COMMUNE: {"commune", "sangkat", "khum", "ឃុំ", "សង្កាត់"},
    DISTRICT: {"district", "srok", "khan", "municipality", "ស្រុក", "ខណ្ឌ", "ក្រុង"},
    PROVINCE: {"province", "khaet", "khet", "ខេត្ត", "រាជធានី"},
}
_UNIT_LEVELS = (COMMUNE, DISTRICT, PROVINCE)

#: Words that carry no meaning of their own in a question (English and Khmer), and words that say what is asked
#: about a service rather than which one (documents, fee, days): left out of retrieval.
STOPWORDS = frozenset("""
a an the of in on at to for from by with and or is are was were be been do does did how much many what which who
whom whose when where why can could should would will my our your their its it this that these those there here
me i we you they he she about please tell show give know want need have has had any some than s
document documents paper papers bring fee fees cost costs price charge days long take takes make get
តើ ជា អ្វី ខ្លះ នៃ របស់ ខ្ញុំ មាន ប៉ុន្មាន ដែល និង ក្នុង ទេ បាន ទៅ ពី នៅ ឬ ហើយ ដូចម្តេច ដូចម្ដេច យ៉ាង
ណា ណាខ្លះ នេះ នោះ គឺ សម្រាប់ ត្រូវ ប៉ុណ្ណា ចង់ ដឹង សូម ធ្វើ ត្រូវការ ឯកសារ ថ្លៃ តម្លៃ ថ្ងៃ ពេល អស់
""".split())

#: Words never taken for a place's name: the stopwords and the words of budget questions.
NOT_PLACES = STOPWORDS | frozenset("""
year years budget budgets commune communes district districts province provinces village sangkat khan srok spend
spends spending spent money total riel riels dollar dollars usd khr per person people compare other others
revenue income expenditure project projects social services service health education roads infrastructure
administration development agriculture economy this last current
ឆ្នាំ ឃុំ ស្រុក ខេត្ត សង្កាត់ ភូមិ ថវិកា ចំណាយ ចំណូល គម្រោង ប្រាក់ លុយ រៀល ក្រុង ខណ្ឌ
""".split())


@dataclass
class Question:
    text: str  # the question normalised (cut to MAX_READ)
    words: list[str]  # folded, segmented words, stopwords kept
    kind: str  # "budget", "projects", "record", "comments", "concession", "procurement" or "lookup"
    place: object | None = None
    place_candidates: list = field(default_factory=list)
    year: int | None = None
    year_out_of_range: bool = False
    per_person: bool = False
    revenue: bool = False
    request_id: str = ""  # a record's key ("record": a request, procurement project, concession or facility)
    compare: bool = False
    facility_type: str = ""  # "comments": the type of facility named, if any
    buyer: str = ""  # "procurement": the buyer's key (transparency.selectors.buyer_key)
    concession_pks: list = field(default_factory=list)  # "concession": the best matches (several when tied)
    concession_weak: bool = False  # named only by words the knowledge base has too: a FAQ entry may fit better

    @property
    def content_words(self) -> list[str]:
        return [w for w in self.words if w not in STOPWORDS and not w.isdigit()]


def words_of(text: str) -> list[str]:
    """The words of a text as the assistant compares them: segmented, folded (one order of Khmer marks, Latin
    digits, lower case); the knowledge base's texts go through the same function."""
    folded = [_fold_word(w) for w in search_terms(text)]
    return [w for w in folded if w.strip()]


@lru_cache(maxsize=65_536)
def _fold_word(word: str) -> str:
    # Words recur (the index folds 300,000 of them at national scale, a few thousand different): each once.
    return fold(word)


def understand(text: str, common_words: frozenset[str] = frozenset(), records: "Records | None" = None) -> Question:
    """Read a question: its words, kind and slots. `common_words` (the knowledge base's words) are never taken
    alone for a place's name: "mean" or "road" would otherwise find a commune by a close spelling. `records`:
    the buyers and concessions a question may name (built with the knowledge base's index)."""
    text = normalize(text)[:MAX_READ]
    words = words_of(text)
    folded = fold(text)
    question = Question(text=text, words=words, kind="lookup")
    found = _RECORD_ID.search(to_latin_digits(text))
    if found:
        question.kind, question.request_id = "record", found.group(1).upper()
        return question
    question.year, question.year_out_of_range = _year(folded)
    question.per_person = bool(_PER_PERSON.search(folded))
    question.compare = bool(_COMPARE.search(folded))
    wordset = set(words)
    question.revenue = bool(wordset & _REVENUE_WORDS)
    asks_projects = bool(wordset & _PROJECT_WORDS)
    asks_budget = bool(wordset & _BUDGET_WORDS) or question.per_person or question.compare
    if asks_projects or asks_budget:
        question.place, question.place_candidates = find_place(words, common_words)
        # A budget question with a year but no place found names a place Samleng does not know ("Atlantis"):
        # answered as a budget question (which declines), not looked up in the FAQ.
        if question.place or question.place_candidates or (question.year and asks_budget and _names_a_unit(words)):
            question.kind = "projects" if asks_projects and not question.per_person else "budget"
            return question
    if records is not None:
        _other_kinds(question, folded, common_words, records)
    return question


#: A question that names more concessions than this equally well names none of them (a FAQ question).
CONCESSIONS_TIED = 3


@dataclass
class Records:
    """What a question may name besides places: the procurement buyers (their keys' words, and years) and the land
    concessions (the words of their names, companies and places), read through the apps' selectors."""

    buyers: dict  # buyer key -> (its words, (spelling, years newest first))
    concession_words: dict  # concession pk -> set of its words
    idf: dict  # word -> how rare among concessions

    def __post_init__(self):
        # The buyers whose name's first word is each word (a question is read word by word, not buyer by buyer).
        self._by_first: dict[str, list] = {}
        for key, (name, _found) in sorted(self.buyers.items(), key=lambda kv: -len(kv[1][0])):
            if name:
                self._by_first.setdefault(name[0], []).append((key, name))

    def buyer_in(self, words: list[str]) -> str:
        """The key of the buyer whose name the words hold (the longest name first), or ""."""
        for i, word in enumerate(words):
            for key, name in self._by_first.get(word, ()):
                if words[i:i + len(name)] == name:
                    return key
        return ""

    def concessions_in(self, words: list[str], common_words: frozenset[str] = frozenset()) -> list[int]:
        """The concessions the words name best (several when they tie); [] when none shares a word. The knowledge
        base's words do not name one ("new", ថ្មី, is also Thmei's name: "are new concessions still granted?")."""
        asked = set(words) - STOPWORDS - _CONCESSION_WORDS - common_words
        scores = {pk: sum(self.idf[w] for w in asked & own) for pk, own in self.concession_words.items()}
        best = max(scores.values(), default=0)
        found = sorted(pk for pk, score in scores.items() if score == best) if best > 0 else []
        return found if len(found) <= CONCESSIONS_TIED else []


def _other_kinds(question: Question, folded: str, common_words: frozenset[str], records: Records) -> None:
    """What people say about a facility, a land concession, a buyer's procurement: set the question's kind."""
    words = question.words
    wordset = set(words)
    compact = folded.replace(" ", "")
    if _COMMENTS.search(folded):
        question.facility_type = next((kind for kind, names in FACILITY_WORDS.items()
                                       if any((fold(n) in compact) if has_khmer(n) else (n in folded)
                                              for n in names)), "")
        place_words = [w for w in words if w not in _FACILITY_PARTS]
        # A One Window Service office is a district's (Krakor is a district and a commune of another district).
        order = (DISTRICT, COMMUNE, PROVINCE) if question.facility_type in DISTRICT_FACILITIES else _UNIT_LEVELS
        question.place, question.place_candidates = find_place(place_words, common_words, order)
        if question.place or question.place_candidates:
            question.kind = "comments"
            return
    if wordset & _CONCESSION_WORDS or _CONCESSION_KM in compact:
        question.concession_pks = records.concessions_in(words, common_words)
        if not question.concession_pks:  # named only by words the FAQ has too (ថ្មី, "new", is Thmei's name)
            question.concession_pks = records.concessions_in(words)
            question.concession_weak = bool(question.concession_pks)
        if question.concession_pks:
            question.kind = "concession"
            return
    buyer = records.buyer_in(words)
    if buyer and (_PROCUREMENT.search(folded) or len(question.content_words) <= 3):
        question.kind, question.buyer = "procurement", buyer


#: Facilities a district has rather than a commune.
DISTRICT_FACILITIES = frozenset({"one_window_service", "district_office", "referral_hospital"})

#: Words of facilities' names, never read as a place's name ("health", "centre", "window"...).
_FACILITY_PARTS = frozenset("""
office offices centre center health clinic hospital school schools police post window one service services hall
people say says said think comment comments complain complaints rating ratings review reviews feedback opinion
opinions about ows owso municipal town primary
""".split())


def _names_a_unit(words: list[str]) -> bool:
    return any(set(words) & names for names in _LEVEL_WORDS.values())


def _year(folded: str) -> tuple[int | None, bool]:
    """(the year a question names, whether it is outside the years budgets can have)."""
    now = timezone.localdate().year
    if _THIS_YEAR.search(folded):
        return now, False
    if _LAST_YEAR.search(folded):
        return now - 1, False
    match = _YEAR.search(folded)
    if not match:
        return None, False
    year = int(match.group(1))
    return year, not (FIRST_YEAR <= year <= now + LAST_YEAR_AHEAD)


def find_place(words: list[str], common_words: frozenset[str] = frozenset(),
               order: tuple[int, ...] = _UNIT_LEVELS) -> tuple[object | None, list]:
    """The unit (commune, district or province) a question names: the longest run of words (up to three) that
    the gazetteer resolves, at the level a unit word beside it names, else at the one level where it is not
    ambiguous (Sandan is a district and two communes: the district), the first of `order` where several are
    not. (None, candidates) when it stays ambiguous; (None, []) when nothing names a place."""
    for size in (3, 2, 1):
        for start in range(len(words) - size + 1):
            run = words[start:start + size]
            if all(w in NOT_PLACES or w.isdigit() or len(w) < 2 for w in run):
                continue
            if run[-1] in NOT_PLACES or all(w in common_words for w in run):
                continue
            # A name may begin with a common word (មានរិទ្ធ, Mean Rit: មាន is "has") when a unit word stands before it.
            after_unit = start > 0 and any(words[start - 1] in names for names in _LEVEL_WORDS.values())
            if run[0] in NOT_PLACES and not after_unit:
                continue
            found = _resolve_run(run, words[max(0, start - 1):start] + words[start + size:start + size + 1], order)
            if found is not None:
                return found
    return None, []


def _resolve_run(run: list[str], beside: list[str], order: tuple[int, ...]) -> tuple[object | None, list] | None:
    khmer = any("\u1780" <= ch <= "\u17ff" for ch in "".join(run))
    text = ("" if khmer else " ").join(run)
    said = [level for level, names in _LEVEL_WORDS.items() if set(beside) & names]
    levels = said or list(order)
    matches = {level: place_resolve(text, level=level) for level in levels}
    unique = [m.place for m in matches.values() if m.place is not None]
    if unique:
        return unique[0], []
    candidates = [p for m in matches.values() for p in m.candidates]
    if candidates:
        return None, candidates[:5]
    return None
