"""The vocabularies of the programme workbook, with the Khmer words field officers type for each value.

The models' choice labels are English (translated through gettext for pages); a workbook cell may hold the
canonical value (`community_fishery`), its English label (`community fishery`) or its Khmer label
(`សហគមន៍នេសាទ`), so the Khmer labels are kept here, next to the only code that reads them."""

from functools import cache

from django.utils import translation

from samleng.advocacy.models import Issue, Status
from samleng.cbos.models import CBO, Representative
from samleng.engagement.models import Event, Mechanism
from samleng.imports.cells import Vocabulary
from samleng.results.models import Direction, Outcome, Unit
from samleng.transparency.models import ElcItem, ProcurementItem

CBO_TYPES_KM = {
    "community_forestry": ("សហគមន៍ព្រៃឈើ",),
    "community_fishery": ("សហគមន៍នេសាទ", "សហគមន៍ជលផល"),
    "agricultural_cooperative": ("សហករណ៍កសិកម្ម",),
    "agricultural_community": ("សហគមន៍កសិកម្ម",),
    "youth_group": ("ក្រុមយុវជន",),
    "women_group": ("ក្រុមស្ត្រី",),
    "disability_group": ("ក្រុមជនមានពិការភាព",),
    "indigenous_community": ("សហគមន៍ជនជាតិដើមភាគតិច",),
    "other": ("ផ្សេងៗ", "ផ្សេងទៀត"),
}
SEXES_KM = {
    "female": ("ស្រី",),
    "male": ("ប្រុស",),
    "other": ("ផ្សេងៗ", "ផ្សេងទៀត"),
}
ROLES_KM = {
    "leader": ("ប្រធាន", "មេដឹកនាំ"),
    "committee": ("គណៈកម្មការ", "សមាជិកគណៈកម្មការ"),
    "member": ("សមាជិក",),
}
TOPICS_KM = {
    "land": ("ដីធ្លី",),
    "forestry": ("ព្រៃឈើ",),
    "fishery": ("នេសាទ", "ជលផល"),
    "agriculture": ("កសិកម្ម",),
    "water": ("ទឹក",),
    "budget_disclosure": ("ការបង្ហាញថវិកា", "ការផ្សព្វផ្សាយថវិកា"),
    "public_service": ("សេវាសាធារណៈ",),
    "health": ("សុខាភិបាល", "សុខភាព"),
    "education": ("អប់រំ", "ការអប់រំ"),
    "social_protection": ("កិច្ចគាំពារសង្គម",),
    "livelihood": ("ជីវភាព",),
    "other": ("ផ្សេងៗ", "ផ្សេងទៀត"),
}
LEVELS_KM = {
    "village": ("ភូមិ",),
    "commune": ("ឃុំ", "សង្កាត់", "ឃុំ/សង្កាត់"),
    "district": ("ស្រុក", "ខណ្ឌ", "ក្រុង", "ស្រុក/ក្រុង/ខណ្ឌ"),
    "province": ("ខេត្ត", "រាជធានី", "រាជធានី/ខេត្ត"),
    "national": ("ថ្នាក់ជាតិ", "ជាតិ"),
}
STATUSES_KM = {
    "raised": ("បានលើកឡើង",),
    "in_dialogue": ("កំពុងសន្ទនា", "កំពុងពិភាក្សា"),
    "partly_solved": ("ដោះស្រាយបានមួយផ្នែក", "ដោះស្រាយបានខ្លះ"),
    "solved": ("បានដោះស្រាយ", "ដោះស្រាយរួច"),
    "unsolved": ("មិនបានដោះស្រាយ",),
    "dropped": ("បានបោះបង់",),
}
_MEETINGS_KM = {
    "public_forum": ("វេទិកាសាធារណៈ",),
    "district_dialogue": ("កិច្ចប្រជុំសន្ទនាថ្នាក់ស្រុក", "វេទិកាសន្ទនាថ្នាក់ស្រុក"),
    "commune_council_meeting": ("កិច្ចប្រជុំក្រុមប្រឹក្សាឃុំ", "កិច្ចប្រជុំក្រុមប្រឹក្សាឃុំសង្កាត់"),
    "budget_forum": ("វេទិកាថវិកា",),
    "other": ("ផ្សេងៗ", "ផ្សេងទៀត"),
}
EVENT_TYPES_KM = {
    **_MEETINGS_KM,
    "training": ("វគ្គបណ្តុះបណ្តាល", "ការបណ្តុះបណ្តាល"),
    "awareness_campaign": ("យុទ្ធនាការផ្សព្វផ្សាយ", "យុទ្ធនាការលើកកម្ពស់ការយល់ដឹង"),
    "workshop": ("សិក្ខាសាលា",),
    "network_meeting": ("កិច្ចប្រជុំបណ្តាញ",),
    "consultation": ("ការពិគ្រោះយោបល់",),
}
MECHANISMS_KM = {
    **_MEETINGS_KM,
    "one_window_service": ("ការិយាល័យច្រកចេញចូលតែមួយ", "សេវាច្រកចេញចូលតែមួយ"),
}
UNITS_KM = {
    "percent": ("ភាគរយ", "%"),
    "count": ("ចំនួន",),
}
DIRECTIONS_KM = {
    "up": ("កាន់តែខ្ពស់កាន់តែល្អ", "ឡើង", "កើនឡើង"),
    "down": ("កាន់តែទាបកាន់តែល្អ", "ចុះ", "ថយចុះ"),
}
OUTCOME_KINDS_KM = {
    "outcome": ("លទ្ធផលរំពឹងទុក",),
    "output": ("លទ្ធផលផ្ទាល់",),
}
ELC_ITEMS_KM = {
    "contract": ("កិច្ចសន្យា",),
    "master_plan": ("ផែនការមេ",),
    "esia": ("ការវាយតម្លៃហេតុប៉ះពាល់បរិស្ថាននិងសង្គម", "ESIA"),
    "map": ("ផែនទី",),
    "sub_decree": ("អនុក្រឹត្យ",),
    "company_profile": ("ប្រវត្តិរូបក្រុមហ៊ុន", "ព័ត៌មានក្រុមហ៊ុន"),
}
PROCUREMENT_ITEMS_KM = {
    "plan": ("ផែនការលទ្ធកម្ម",),
    "announcement": ("សេចក្តីជូនដំណឹង", "ការប្រកាស", "សេចក្តីប្រកាស"),
    "specification": ("លក្ខណៈបច្ចេកទេស",),
    "award_winner": ("អ្នកឈ្នះ", "អ្នកឈ្នះការដេញថ្លៃ"),
    "award_value": ("តម្លៃឈ្នះ", "តម្លៃនៃការប្រគល់កិច្ចសន្យា"),
    "contract": ("កិច្ចសន្យា",),
    "implementation": ("ការអនុវត្ត",),
}


def _khmer_words(choices, synonyms: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    """The Khmer words accepted for each value: the label the pages show (from the Khmer catalogue), so
    that what a field officer copies from a page reads back, and the other words people type."""
    with translation.override("km"):
        shown = {value: str(label) for value, label in choices}
    english = {value: str(label) for value, label in choices}  # built under translation.override("en")
    # A label the catalogue does not translate yet is English: the Khmer words come first then.
    return {value: tuple(dict.fromkeys(
        (shown[value], *synonyms.get(value, ())) if shown[value] != english[value] else
        (*synonyms.get(value, ()), shown[value]))) for value in shown}


@cache
def vocabularies() -> dict[str, Vocabulary]:
    """Built on first use, with the English labels whatever the language of the request."""
    def vocabulary(name_en, name_km, choices, synonyms):
        return Vocabulary(name_en, name_km, choices, _khmer_words(choices, synonyms))

    with translation.override("en"):
        return {
            "cbo_type": vocabulary("CBO type", "ប្រភេទសហគមន៍", CBO.Type.choices, CBO_TYPES_KM),
            "sex": vocabulary("sex", "ភេទ", Representative.Sex.choices, SEXES_KM),
            "role": vocabulary("role", "តួនាទី", Representative.Role.choices, ROLES_KM),
            "topic": vocabulary("topic", "ប្រធានបទ", Issue.Topic.choices, TOPICS_KM),
            "level": vocabulary("level", "ថ្នាក់", Issue.Level.choices, LEVELS_KM),
            "status": vocabulary("status", "ស្ថានភាព", Status.choices, STATUSES_KM),
            "event_type": vocabulary("type of event", "ប្រភេទព្រឹត្តិការណ៍", Event.Type.choices, EVENT_TYPES_KM),
            "mechanism": vocabulary("mechanism", "យន្តការ", Mechanism.choices, MECHANISMS_KM),
            "unit": vocabulary("unit", "ឯកតា", Unit.choices, UNITS_KM),
            "direction": vocabulary("direction", "ទិសដៅ", Direction.choices, DIRECTIONS_KM),
            "outcome_kind": vocabulary("kind of result", "ប្រភេទលទ្ធផល", Outcome.Kind.choices,
                                       OUTCOME_KINDS_KM),
            "elc_item": vocabulary("concession document", "ឯកសារដីសម្បទាន", ElcItem.choices, ELC_ITEMS_KM),
            "procurement_item": vocabulary("procurement document", "ឯកសារលទ្ធកម្ម", ProcurementItem.choices,
                                           PROCUREMENT_ITEMS_KM),
        }
