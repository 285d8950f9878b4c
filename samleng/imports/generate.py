"""Generated programme workbooks, for the benchmarks (bench/) and the tests: made-up but realistic records
at the sizes of DESIGN.md ("national") or at about 1% of them ("small"), in the shape of the programme
workbook format 1 (docs/programme-workbook.md), so that they import as a real workbook does.

    counts = workbook_generate("var/national", scale="national", seed=1)   # a folder of .csv files
    counts = workbook_generate("var/national.xlsx", scale="national")       # one .xlsx workbook

Realistic means: every CBO type, issue topic, status, event type and mechanism; names built from the
gazetteer's real village, commune and district names with real Khmer words; places written mostly as codes
and sometimes as Khmer or English names (only where the name is unique under its parent, so that the import
resolves it); yes/no, numbers and dates written the several ways people type them; at most one open main
issue per CBO at any time; each issue's updates dated after it was raised, in an order that makes sense
(raised, then in dialogue, then partly solved, then closed). The same seed gives the same workbook.

Places come from the database's gazetteer (the one the import resolves names against), so it must be
loaded first (`samleng setup`)."""

import bisect
import csv
import datetime as dt
import random
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from samleng.core.khmer import to_khmer_digits
from samleng.core.workbook.writer import workbook_writer
from samleng.imports.kinds import PROGRAMME_KIND
from samleng.places.models import Place, PlaceAlias
from samleng.places.names import is_khmer, khmer_key, plain_form, romanised_key
from samleng.plans import sheets as plans
from samleng.stories import sheets as stories

# ---- sizes -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scale:
    cbos: int
    representatives: int
    issues: int
    updates: int
    events: int
    attendance: int
    #: The provinces the records are in: all 25, or the first few of PROVINCE_ORDER.
    provinces: int
    concessions: int = 100
    procurement_projects: int = 20_000
    requests: int = 10_000


SCALES = {
    # DESIGN.md, "Performance budgets"; every district is assessed for the 5 years.
    "national": Scale(cbos=5_000, representatives=15_000, issues=20_000, updates=80_000, events=30_000,
                      attendance=600_000, provinces=25, concessions=100, procurement_projects=20_000,
                      requests=10_000),
    "small": Scale(cbos=50, representatives=150, issues=200, updates=800, events=300, attendance=6_000,
                   provinces=2, concessions=10, procurement_projects=200, requests=100),
}
#: Small workbooks stay in the programme's own provinces first: Kampong Thom, Pursat, Kratie...
PROVINCE_ORDER = ["06", "15", "10", "05", "01", "08", "21", "23", "12"]
YEARS = (2020, 2021, 2022, 2023, 2024)
START, END = dt.date(YEARS[0], 1, 1), dt.date(YEARS[-1], 12, 31)

#: The sheets and their columns, as the importer reads them (the apps' sheets: the one description of the spec).
#: Of format 1.2's sheets, the joint plans' are generated (JOINT_PLAN_SHEETS), not yet the others (plans' and
#: stories').
JOINT_PLAN_SHEETS = ("joint_plans", "joint_plan_recommendations", "joint_plan_actions", "action_updates")
_NOT_GENERATED = {sheet.name for sheet in (*plans.SHEETS, *stories.SHEETS)} - set(JOINT_PLAN_SHEETS)
COLUMNS = {name: PROGRAMME_KIND.sheet(name).names for name in PROGRAMME_KIND.export_order
           if name not in _NOT_GENERATED}

# ---- words -------------------------------------------------------------------------------------------

CBO_TYPES = {  # type: (weight, English suffix, Khmer prefix)
    "community_forestry": (22, "Community Forestry", "សហគមន៍ព្រៃឈើ"),
    "community_fishery": (12, "Community Fishery", "សហគមន៍នេសាទ"),
    "agricultural_cooperative": (14, "Agricultural Cooperative", "សហករណ៍កសិកម្ម"),
    "agricultural_community": (16, "Agricultural Community", "សហគមន៍កសិកម្ម"),
    "youth_group": (9, "Youth Group", "ក្រុមយុវជន"),
    "women_group": (11, "Women's Group", "ក្រុមស្ត្រី"),
    "disability_group": (4, "People with Disability Community", "សហគមន៍ជនពិការ"),
    "indigenous_community": (6, "Indigenous Community", "សហគមន៍ជនជាតិដើមភាគតិច"),
    "other": (6, "Savings Group", "ក្រុមសន្សំ"),
}
#: The Khmer words a field officer types for a value (the spec accepts a value's Khmer label).
TYPE_KM = {"community_forestry": "សហគមន៍ព្រៃឈើ", "community_fishery": "សហគមន៍នេសាទ",
           "agricultural_cooperative": "សហករណ៍កសិកម្ម", "agricultural_community": "សហគមន៍កសិកម្ម",
           "youth_group": "ក្រុមយុវជន", "women_group": "ក្រុមស្ត្រី"}
STATUS_KM = {"raised": "បានលើកឡើង", "solved": "បានដោះស្រាយ"}
SEX_KM = {"female": "ស្រី", "male": "ប្រុស"}
#: Provinces with many indigenous people (Ratanakiri, Mondulkiri, Stung Treng, Kratie, Preah Vihear).
INDIGENOUS_PROVINCES = {"16", "11", "19", "10", "13"}

TOPICS_BY_TYPE = {  # the topics a CBO of each type raises most
    "community_forestry": ["forestry"] * 5 + ["land"] * 3 + ["budget_disclosure", "water", "public_service"],
    "community_fishery": ["fishery"] * 5 + ["water"] * 2 + ["land", "budget_disclosure", "livelihood"],
    "agricultural_cooperative": ["agriculture"] * 4 + ["water"] * 2 + ["livelihood"] * 2 + ["land", "other"],
    "agricultural_community": ["agriculture"] * 4 + ["water"] * 2 + ["land"] * 2 + ["livelihood", "public_service"],
    "youth_group": ["education"] * 3 + ["budget_disclosure"] * 3 + ["public_service"] * 2 + ["health", "other"],
    "women_group": ["health"] * 3 + ["social_protection"] * 2 + ["public_service"] * 2 + ["water",
                                                                                          "budget_disclosure"],
    "disability_group": ["social_protection"] * 4 + ["health"] * 2 + ["public_service"] * 2 + ["education"],
    "indigenous_community": ["land"] * 5 + ["forestry"] * 2 + ["education", "health", "budget_disclosure"],
    "other": ["livelihood"] * 3 + ["budget_disclosure", "public_service", "land", "water", "other"],
}
TITLES = {  # topic: [(English, Khmer)], "{place}" is the CBO's village or commune
    "land": [("Land dispute with a company over farmland", "វិវាទដីធ្លីជាមួយក្រុមហ៊ុន"),
             ("Encroachment on community land in {place}", "ការរំលោភយកដីសហគមន៍នៅ{place}"),
             ("Slow systematic land registration in {place}", "ការចុះបញ្ជីដីធ្លីយឺតយ៉ាវនៅ{place}")],
    "forestry": [("Illegal logging in the community forest", "ការកាប់ឈើខុសច្បាប់ក្នុងព្រៃសហគមន៍"),
                 ("No budget for forest patrols", "កង្វះថវិកាសម្រាប់ល្បាតព្រៃ"),
                 ("Charcoal kilns in the community forest", "ឡធ្យូងក្នុងព្រៃសហគមន៍")],
    "fishery": [("Illegal fishing with electric nets", "ការនេសាទខុសច្បាប់ដោយប្រើឧបករណ៍ឆក់ត្រី"),
                ("Illegal fishing in the community fishing area near {place}",
                 "ការនេសាទខុសច្បាប់ក្នុងតំបន់នេសាទសហគមន៍ក្បែរ{place}")],
    "agriculture": [("Lack of techniques for growing vegetables", "កង្វះបច្ចេកទេសដាំបន្លែ"),
                    ("Pests destroy crops", "សត្វល្អិតបំផ្លាញដំណាំ"),
                    ("No agricultural extension support", "កង្វះការគាំទ្របច្ចេកទេសកសិកម្ម")],
    "water": [("Irrigation canal needs repair in {place}", "ប្រឡាយស្រោចស្រពត្រូវការជួសជុលនៅ{place}"),
              ("No clean water in {place}", "កង្វះទឹកស្អាតនៅ{place}"),
              ("No water for dry-season rice", "កង្វះទឹកសម្រាប់ដាំស្រូវប្រាំង")],
    "budget_disclosure": [("Commune budget not published", "ថវិកាឃុំមិនត្រូវបានផ្សព្វផ្សាយ"),
                          ("District budget information not available to citizens",
                           "ព័ត៌មានថវិកាស្រុកមិនមានសម្រាប់ប្រជាពលរដ្ឋ")],
    "public_service": [("Damaged road to the school in {place}", "ផ្លូវទៅសាលារៀនខូចនៅ{place}"),
                       ("Unclear fees at the One Window Service office",
                        "ថ្លៃសេវានៅការិយាល័យច្រកចេញចូលតែមួយមិនច្បាស់លាស់")],
    "health": [("Health centre without a midwife at night", "មណ្ឌលសុខភាពគ្មានឆ្មបពេលយប់"),
               ("Medicines missing at the health centre", "កង្វះថ្នាំពេទ្យនៅមណ្ឌលសុខភាព")],
    "education": [("Not enough teachers at the primary school", "កង្វះគ្រូបង្រៀននៅសាលាបឋមសិក្សា"),
                  ("No vocational training for young people", "កង្វះវគ្គបណ្តុះបណ្តាលវិជ្ជាជីវៈសម្រាប់យុវជន")],
    "social_protection": [("Poor households not registered for ID Poor cards",
                           "គ្រួសារក្រីក្រមិនទាន់បានចុះបញ្ជីប័ណ្ណក្រីក្រ"),
                          ("No support for people with disabilities", "កង្វះការគាំទ្រជនពិការ")],
    "livelihood": [("Low prices for farm produce", "តម្លៃកសិផលទាប"),
                   ("No market for the community's products", "គ្មានទីផ្សារសម្រាប់ផលិតផលសហគមន៍")],
    "other": [("No land for a community office", "គ្មានដីសម្រាប់សាងសង់ការិយាល័យសហគមន៍")],
}
LEVEL_BY_TOPIC = {"land": "district", "forestry": "commune", "fishery": "district", "agriculture": "district",
                  "water": "commune", "budget_disclosure": "commune", "public_service": "commune",
                  "health": "district", "education": "district", "social_protection": "commune",
                  "livelihood": "district", "other": "commune"}
NOTES = {  # status: [(English note, Khmer note)]
    "raised": [("Raised with the authorities by the CBO's representatives.",
                "តំណាងសហគមន៍បានលើកបញ្ហានេះជូនអាជ្ញាធរ។"),
               ("Raised at the monthly meeting.", "បានលើកឡើងនៅកិច្ចប្រជុំប្រចាំខែ។"),
               ("A letter was sent to the commune chief.", "បានផ្ញើលិខិតជូនមេឃុំ។")],
    "in_dialogue": [("Discussed with the authorities; they promised to look into it.",
                     "បានពិភាក្សាជាមួយអាជ្ញាធរ ហើយអាជ្ញាធរសន្យាថានឹងពិនិត្យមើល។"),
                    ("The commune council asked for more information.", "ក្រុមប្រឹក្សាឃុំបានស្នើសុំព័ត៌មានបន្ថែម។"),
                    ("Discussed at the meeting.", "បានពិភាក្សានៅក្នុងកិច្ចប្រជុំ។")],
    "partly_solved": [("Part of the request was met; the rest is in next year's plan.",
                       "សំណើមួយផ្នែកត្រូវបានដោះស្រាយ ផ្នែកដែលនៅសល់មានក្នុងផែនការឆ្នាំក្រោយ។"),
                      ("The authorities acted for some of the households.",
                       "អាជ្ញាធរបានចាត់វិធានការសម្រាប់គ្រួសារមួយចំនួន។")],
    "solved": [("The authorities solved the issue.", "អាជ្ញាធរបានដោះស្រាយបញ្ហានេះរួចហើយ។"),
               ("Done as the CBO asked; confirmed on a site visit.",
                "បានធ្វើតាមសំណើរបស់សហគមន៍ ហើយបានបញ្ជាក់នៅពេលចុះពិនិត្យទីតាំង។")],
    "unsolved": [("No solution: there is no budget for it.", "មិនទាន់មានដំណោះស្រាយទេ ព្រោះគ្មានថវិកា។"),
                 ("The authorities declined the request.", "អាជ្ញាធរបានបដិសេធសំណើនេះ។")],
    "dropped": [("The CBO dropped the issue.", "សហគមន៍បានបោះបង់បញ្ហានេះ។"),
                ("The CBO chose to work on another issue.", "សហគមន៍បានជ្រើសរើសធ្វើការលើបញ្ហាផ្សេងទៀត។")],
}
#: The Khmer word before a place's name in its administration's name (ឃុំក្លែង: Klaeng commune).
LEVEL_KM = {"village": "ភូមិ", "commune": "ឃុំ", "district": "ស្រុក", "province": "ខេត្ត"}
EVENT_TYPES = {  # type: (weight, authorities present share, English title, Khmer title)
    "public_forum": (12, 0.95, "Public forum, {commune}", "វេទិកាសាធារណៈ {commune}"),
    "district_dialogue": (12, 0.98, "District dialogue meeting, {district}", "កិច្ចប្រជុំសន្ទនាថ្នាក់ស្រុក {district}"),
    "commune_council_meeting": (22, 0.97, "Commune council meeting, {commune}", "កិច្ចប្រជុំក្រុមប្រឹក្សាឃុំ {commune}"),
    "budget_forum": (6, 0.95, "Budget forum, {district}", "វេទិកាថវិកា {district}"),
    "training": (18, 0.2, "Training on advocacy and budget literacy", "វគ្គបណ្តុះបណ្តាលស្តីពីការតស៊ូមតិ"),
    "awareness_campaign": (14, 0.3, "Awareness campaign on commune budgets", "យុទ្ធនាការផ្សព្វផ្សាយអំពីថវិកាឃុំ"),
    "workshop": (6, 0.6, "Workshop on public procurement", "សិក្ខាសាលាស្តីពីលទ្ធកម្មសាធារណៈ"),
    "network_meeting": (5, 0.1, "CBO network meeting", "កិច្ចប្រជុំបណ្តាញសហគមន៍"),
    "consultation": (4, 0.8, "Consultation on the district development plan",
                     "ការពិគ្រោះយោបល់លើផែនការអភិវឌ្ឍន៍ស្រុក"),
    "other": (1, 0.3, "Exchange visit", "ដំណើរទស្សនកិច្ចសិក្សា"),
}
MECHANISMS = ["public_forum", "district_dialogue", "commune_council_meeting", "budget_forum", "one_window_service"]

# Names people have: (Latin, Khmer). Surnames first, as Cambodians write them.
SURNAMES = [("Sok", "សុខ"), ("Chan", "ចាន់"), ("Keo", "កែវ"), ("Meas", "មាស"), ("Heng", "ហេង"), ("Ly", "លី"),
            ("Nuon", "នួន"), ("Phan", "ផាន់"), ("Sam", "សំ"), ("Chea", "ជា"), ("Kong", "គង់"), ("Prak", "ប្រាក់"),
            ("Ouk", "អ៊ុក"), ("Touch", "ទូច"), ("Yim", "យិម"), ("Long", "ឡុង"), ("Pech", "ពេជ្រ"), ("Ros", "រស់"),
            ("Seng", "សេង"), ("Mao", "ម៉ៅ"), ("Tep", "ទេព"), ("Vong", "វង្ស"), ("Hem", "ហែម"), ("Thach", "ថាច់"),
            ("Sao", "សៅ")]
FEMALE_NAMES = [("Sophea", "សុភា"), ("Sreymom", "ស្រីមុំ"), ("Bopha", "បុប្ផា"), ("Channary", "ចាន់ណារី"),
                ("Kunthea", "គន្ធា"), ("Pisey", "ពិសី"), ("Sothea", "សុធា"), ("Rachana", "រចនា"),
                ("Sopheap", "សុភាព"), ("Theary", "ធារី"), ("Phalla", "ផល្លា"), ("Raksmey", "រស្មី"),
                ("Thida", "ធីតា"), ("Kanha", "កញ្ញា"), ("Davy", "ដាវី"), ("Sreypov", "ស្រីពៅ"), ("Chenda", "ចិន្តា"),
                ("Nary", "ណារី"), ("Malis", "ម្លិះ")]
MALE_NAMES = [("Vuthy", "វុទ្ធី"), ("Rithy", "រិទ្ធី"), ("Sambath", "សម្បត្តិ"), ("Sophal", "សុផល"),
              ("Piseth", "ពិសិដ្ឋ"), ("Dara", "ដារា"), ("Sovann", "សុវណ្ណ"), ("Kosal", "កុសល"),
              ("Samnang", "សំណាង"), ("Borey", "បូរី"), ("Chamroeun", "ចំរើន"), ("Vibol", "វិបុល"),
              ("Ratana", "រតនា"), ("Sokha", "សុខា"), ("Visal", "វិសាល"), ("Makara", "មករា"), ("Sothy", "សុធី")]
PHONE_PREFIXES = ["010", "011", "012", "015", "016", "017", "031", "038", "060", "061", "066", "067", "068", "069",
                  "070", "071", "076", "077", "078", "081", "085", "086", "087", "088", "089", "092", "093", "095",
                  "096", "097", "098", "099"]
#: Villages called by a number ("Phum Ti Muoy", village 1) do not name a CBO; their commune does.
_NUMBERED = re.compile(r"\b(Phum|Ti)\b|\d")
#: Buyers of public procurement; the first four are the programme's target ministries (indicator 2.2).
BUYERS = {"MoEYS": 30, "MEF": 12, "MOI": 14, "MoPWT": 24, "MoH": 10, "MAFF": 6, "MRD": 8, "MoE": 4}
TARGET_BUYERS = ("MoEYS", "MEF", "MOI", "MoPWT")
PROJECT_TITLES = {
    "MoEYS": ["Construction of a school building, {place}", "Repair of classrooms, {place}", "Textbooks for {place}",
              "School latrines and water supply, {place}"],
    "MEF": ["Office supplies", "Computers for the provincial treasury of {place}", "Printing of the Citizen Budget"],
    "MOI": ["Office equipment for the {place} administration", "Construction of a commune hall, {place}"],
    "MoPWT": ["Repair of national road {road}", "Maintenance of provincial road {road}, {place}",
              "Bridge on provincial road {road}, {place}"],
    "MoH": ["Medicines for {place} referral hospital", "Construction of a health centre, {place}"],
    "MAFF": ["Rice seed for farmers of {place}", "Irrigation canal rehabilitation, {place}"],
    "MRD": ["Rural road rehabilitation, {place}", "Village wells, {place}"],
    "MoE": ["Ranger station equipment, {place}"],
}
METHODS = ["national competitive bidding", "national competitive bidding", "shopping", "shopping",
           "international competitive bidding", "direct contracting"]
PROCUREMENT_ITEMS = ["plan", "announcement", "specification", "award_winner", "award_value", "contract",
                     "implementation"]
ELC_ITEMS = ["contract", "master_plan", "esia", "map", "sub_decree", "company_profile"]
#: Khmer words typed now and then for an item (imports.vocabularies accepts them).
ITEM_KM = {"announcement": "សេចក្តីជូនដំណឹង", "contract": "កិច្ចសន្យា", "map": "ផែនទី"}
ELC_CROPS = ["rubber", "cassava", "sugar cane", "acacia", "cashew", "teak"]
ELC_COMPANIES = ["Agro Development", "Plantation", "Agro-Industry", "Green Investment", "Highland Agriculture"]
#: The generated programme's results framework: the five indicators of the seeds' report.
INDICATORS = [  # code, outcome, statement, unit, baseline, target, computation, parameters, cumulative
    ("1.1", "1", "Share of CBOs' main advocacy issues solved by the government", "percent", "14", "70",
     "main_issues_solved_share", "count_partly=yes", "no"),
    ("1.2", "1", "Share of target districts with at least 3 functioning civic engagement mechanisms", "percent",
     "24", "80", "districts_functioning_share", "min_mechanisms=3;min_quality=3", "no"),
    ("1.3", "1", "Share of CBO representatives engaging with authorities who are women, youth, indigenous people "
     "or people with disabilities", "percent", "30", "50", "representatives_underrepresented_share",
     "youth_max_age=30", "no"),
    ("2.1", "2", "Tracked economic land concessions with critical information disclosed", "count", "2", "4",
     "elc_disclosed_count", "items=contract,master_plan,esia", "yes"),
    ("2.2", "2", "Share of public procurement projects of the target ministries with more information "
     "disclosed", "percent", "0", "50", "procurement_disclosed_share",
     f"items=announcement,award_winner,award_value;buyers={','.join(TARGET_BUYERS)}", "no"),
]
INDICATORS_KM = {
    "1.1": "ភាគរយនៃបញ្ហាតស៊ូមតិចម្បងរបស់សហគមន៍ដែលរដ្ឋាភិបាលបានដោះស្រាយ",
    "1.2": "ភាគរយនៃស្រុកគោលដៅដែលមានយន្តការចូលរួមរបស់ពលរដ្ឋយ៉ាងហោចណាស់ ៣ កំពុងដំណើរការ",
    "1.3": "ភាគរយនៃអ្នកតំណាងសហគមន៍ដែលចូលរួមជាមួយអាជ្ញាធរ ដែលជាស្ត្រី យុវជន ជនជាតិដើមភាគតិច ឬជនមានពិការភាព",
    "2.1": "ដីសម្បទានសេដ្ឋកិច្ចដែលកំពុងតាមដាន ដែលព័ត៌មានសំខាន់ៗត្រូវបានបង្ហាញ",
    "2.2": "ភាគរយនៃគម្រោងលទ្ធកម្មសាធារណៈរបស់ក្រសួងគោលដៅ ដែលបានបង្ហាញព័ត៌មានបន្ថែម",
}
OUTCOMES = {"1": ("Citizens' engagement in local governance is strengthened",
                  "ការចូលរួមរបស់ពលរដ្ឋក្នុងអភិបាលកិច្ចមូលដ្ឋានត្រូវបានពង្រឹង"),
            "2": ("Transparency and access to information are improved",
                  "តម្លាភាព និងលទ្ធភាពទទួលបានព័ត៌មានត្រូវបានកែលម្អ")}
YES = ["yes"] * 20 + ["Yes", "y", "true", "1", "បាទ", "មាន"]
NO = ["no"] * 20 + ["No", "n", "false", "0", "ទេ", "គ្មាន"]


# ---- the gazetteer -------------------------------------------------------------------------------------


class GazetteerMissing(Exception):
    """The database has no gazetteer yet: there is nothing to place the records in."""


@dataclass
class GeoPlace:
    code: str
    name_en: str
    name_km: str
    parent: str | None
    #: May the English / Khmer name stand for the place under its parent (no sibling shares it)?
    en_ok: bool = False
    km_ok: bool = False


class Gazetteer:
    """The provinces, districts, communes and villages the import resolves against: the database's
    gazetteer (places.services.gazetteer_load), with its aliases, read in two queries."""

    def __init__(self):
        self.places: dict[str, GeoPlace] = {}
        self.children: dict[str | None, list[str]] = {}
        rows = Place.objects.order_by("code").values_list("code", "parent__code", "name_en", "name_km")
        for code, parent, name_en, name_km in rows:
            self.places[code] = GeoPlace(code, name_en, name_km, parent)
            self.children.setdefault(parent, []).append(code)
        if not self.places:
            raise GazetteerMissing("The gazetteer is empty: run `samleng setup` (or places.services.gazetteer_load) "
                                   "before generating a workbook.")
        self.aliases: dict[str, list[str]] = {}
        for code, name in PlaceAlias.objects.values_list("place__code", "name"):
            self.aliases.setdefault(code, []).append(name)
        for siblings in self.children.values():
            self._mark_unique(siblings)

    def _mark_unique(self, codes: list[str]) -> None:
        """A name is written only where it cannot be mistaken: no sibling's name or alias shares its literal
        form or its romanised (or Khmer) key, which are what the import compares."""
        def forms(name):
            if not name:
                return set()
            if is_khmer(name):
                return {re.sub(r"\s+", "", name), khmer_key(name)} - {""}
            return {plain_form(name), romanised_key(name)} - {""}

        seen: dict[str, int] = {}
        for code in codes:
            place = self.places[code]
            names = [place.name_en, place.name_km, *self.aliases.get(code, [])]
            for form in set().union(*(forms(n) for n in names)):
                seen[form] = seen.get(form, 0) + 1
        for code in codes:
            place = self.places[code]
            for name, flag in ((place.name_en, "en_ok"), (place.name_km, "km_ok")):
                ok = bool(forms(name)) and not name.isdigit() and all(seen[f] == 1 for f in forms(name))
                setattr(place, flag, ok)

    def under(self, code: str | None) -> list[str]:
        return self.children.get(code, [])


# ---- generating ----------------------------------------------------------------------------------------


@dataclass
class _Cbo:
    cbo_id: str
    type: str
    province: str
    district: str
    commune: str
    village: str
    established: dt.date
    joined: dt.date


class _Generator:
    def __init__(self, scale: Scale, seed: int):
        self.scale, self.rng = scale, random.Random(seed)
        self.geo = Gazetteer()
        provinces = sorted(self.geo.under(None))
        order = PROVINCE_ORDER + [p for p in provinces if p not in PROVINCE_ORDER]
        self.provinces = order[:scale.provinces]
        self.districts = [d for p in self.provinces for d in self.geo.under(p)]
        self.communes = [c for d in self.districts for c in self.geo.under(d)]

    # ---- cells written the ways people type them ------------------------------------------------------

    def place(self, code: str) -> str:
        """Mostly the code; sometimes the English or Khmer name, where the name is unambiguous."""
        if not code:
            return ""
        place, r = self.geo.places[code], self.rng.random()
        if r < 0.08 and place.en_ok:
            return place.name_en
        if r < 0.14 and place.km_ok:
            return place.name_km
        return code

    def day(self, value: dt.date) -> str:
        return value.strftime("%d/%m/%Y") if self.rng.random() < 0.1 else value.isoformat()

    def yes_no(self, value: bool) -> str:
        words = YES if value else NO
        return words[int(self.rng.random() * len(words))]

    def count(self, value: int | None) -> str:
        if value is None:
            return ""
        r = self.rng.random()
        if r < 0.03:
            return to_khmer_digits(value)
        if r < 0.06 and value >= 1000:
            return f"{value:,}"
        return str(value)

    def word(self, value: str, khmer: dict[str, str]) -> str:
        return khmer[value] if value in khmer and self.rng.random() < 0.05 else value

    def between(self, first: dt.date, last: dt.date) -> dt.date:
        return first + dt.timedelta(days=self.rng.randint(0, max(0, (last - first).days)))

    def spread(self, total: int, n: int, low: int, high: int) -> list[int]:
        """n whole numbers between low and high adding up to total, at random."""
        if not low * n <= total <= high * n:
            raise ValueError(f"cannot spread {total} over {n} between {low} and {high}")
        counts = [low] * n
        for i in self.rng.choices(range(n), k=total - low * n):  # one draw per unit, in C
            counts[i] += 1
        over = sum(c - high for c in counts if c > high)
        while over:  # the few that got too many give them to others
            i = self.rng.randrange(n)
            if counts[i] > high:
                counts[i] -= 1
                over -= 1
                j = self.rng.randrange(n)
                while counts[j] >= high:
                    j = self.rng.randrange(n)
                counts[j] += 1
        return counts

    # ---- the sheets -------------------------------------------------------------------------------------

    def programme(self, seed: int) -> list[list]:
        return [["name", "Generated national programme (for benchmarks)"], ["code", f"GEN-{seed}"],
                ["donors", "Generated"], ["start", START.isoformat()], ["end", END.isoformat()],
                ["name_km", "កម្មវិធីថ្នាក់ជាតិសាកល្បង (សម្រាប់វាស់ល្បឿន)"]]

    def target_areas(self) -> list[list]:
        rows = []
        for d in self.districts:
            p = self.geo.places[d].parent
            if self.rng.random() < 0.1:  # targeted twice, with a gap
                rows.append([self.place(d), self.place(p), YEARS[0], YEARS[1]])
                rows.append([self.place(d), self.place(p), YEARS[3], YEARS[-1]])
            else:
                rows.append([self.place(d), self.place(p), self.rng.choice(YEARS[:3]), YEARS[-1]])
        return rows

    def mechanism_assessments(self) -> list[list]:
        rows = []
        for d in self.districts:
            p = self.geo.places[d].parent
            strength = self.rng.uniform(-0.2, 0.2)  # some districts do better than others, every year
            for year in YEARS:
                base = 0.45 + 0.07 * (year - YEARS[0]) + strength
                for m in MECHANISMS:
                    held = self.rng.random() < base + 0.2
                    diverse = held and self.rng.random() < base + 0.1
                    quality = [held and self.rng.random() < base + 0.15 for _ in range(4)]
                    rows.append([self.place(d), self.place(p), year, m, self.yes_no(held), self.yes_no(diverse),
                                 *(self.yes_no(q) for q in quality)])
        return rows

    def cbos(self) -> tuple[list[_Cbo], list[list]]:
        types = list(CBO_TYPES)
        weights = [CBO_TYPES[t][0] for t in types]
        cbos, rows = [], []
        for n in range(1, self.scale.cbos + 1):
            commune = self.rng.choice(self.communes)
            district = self.geo.places[commune].parent
            province = self.geo.places[district].parent
            villages = self.geo.under(commune)
            village = self.rng.choice(villages) if villages and self.rng.random() < 0.75 else ""
            kind = self.rng.choices(types, weights)[0]
            if province in INDIGENOUS_PROVINCES and self.rng.random() < 0.25:
                kind = "indigenous_community"
            if n <= len(types):  # every type, however small the workbook
                kind = types[n - 1]
            named = self.geo.places[village if village and not _NUMBERED.search(
                self.geo.places[village].name_en) else commune]
            _w, suffix, prefix = CBO_TYPES[kind]
            established = dt.date(self.rng.randint(1998, 2022), self.rng.randint(1, 12), self.rng.randint(1, 28))
            joined = self.between(max(established, dt.date(2018, 1, 1)), dt.date(2023, 6, 30))
            cbo = _Cbo(f"CBO-{n:05d}", kind, province, district, commune, village, established, joined)
            cbos.append(cbo)
            members = self.rng.randint(25, 900)
            female = round(members * (self.rng.uniform(0.85, 1) if kind == "women_group" else
                                      self.rng.uniform(0.3, 0.65)))
            committee = self.rng.choice([5, 7, 7, 9, 9, 11, 13])
            committee_female = self.rng.randint(1 if kind != "women_group" else committee - 2, committee)
            area = ""
            if kind in {"community_forestry", "community_fishery", "indigenous_community"}:
                area = f"{self.rng.uniform(10, 3000):.1f}" if self.rng.random() < 0.8 else ""
            rows.append([
                cbo.cbo_id, f"{named.name_en} {suffix}", f"{prefix}{named.name_km}" if self.rng.random() < 0.9
                else "", self.word(kind, TYPE_KM), self.place(province), self.place(district),
                self.place(commune), self.place(village), self.day(established) if self.rng.random() < 0.9 else "",
                self.count(members), self.count(female), self.count(committee), self.count(committee_female), area,
                self.day(joined),
            ])
        return cbos, rows

    def representatives(self, cbos: list[_Cbo]) -> tuple[list[tuple], list[list]]:
        """Returns (cbo index, sex, birth year, indigenous, disability) of each person, and the rows."""
        people, rows = [], []
        counts = self.spread(self.scale.representatives, len(cbos), 2, 4)
        n = 0
        for index, (cbo, count) in enumerate(zip(cbos, counts, strict=True)):
            for k in range(count):
                n += 1
                sex = "female" if (cbo.type == "women_group" or self.rng.random() < 0.58) else (
                    "other" if self.rng.random() < 0.01 else "male")
                youth = cbo.type == "youth_group" or self.rng.random() < 0.35
                birth = self.rng.randint(1994, 2006) if youth else self.rng.randint(1950, 1993)
                indigenous = cbo.type == "indigenous_community" or (
                    cbo.province in INDIGENOUS_PROVINCES and self.rng.random() < 0.3) or self.rng.random() < 0.02
                disability = (cbo.type == "disability_group" and self.rng.random() < 0.7) or self.rng.random() < 0.02
                first = self.rng.choice(FEMALE_NAMES if sex == "female" else MALE_NAMES)
                surname = self.rng.choice(SURNAMES)
                khmer = self.rng.random() < 0.3
                name = f"{surname[1]} {first[1]}" if khmer else f"{surname[0]} {first[0]}"
                role = "leader" if k == 0 else self.rng.choice(["committee", "committee", "member"])
                phone = ""
                if self.rng.random() < 0.85:
                    digits = f"{self.rng.choice(PHONE_PREFIXES)} {self.rng.randint(100, 999)} " \
                             f"{self.rng.randint(100, 999)}"
                    phone = "+855 " + digits[1:] if self.rng.random() < 0.1 else digits
                telegram = f"@{surname[0].lower()}{first[0].lower()}{self.rng.randint(1, 999)}" \
                    if self.rng.random() < 0.3 else ""
                people.append((index, sex, birth, indigenous, disability))
                rows.append([f"P-{n:06d}", cbo.cbo_id, name, self.word(sex, SEX_KM), birth,
                             self.yes_no(indigenous), self.yes_no(disability), role, phone, telegram,
                             self.day(self.between(cbo.joined, cbo.joined + dt.timedelta(days=60)))])
        return people, rows

    def events(self, cbos: list[_Cbo]) -> tuple[list[tuple], dict[str, list]]:
        """Events spread over the districts as the CBOs are. Returns (event id, type, date, province,
        district, commune, authorities present) of each, and each district's events sorted by date."""
        per_district: dict[str, int] = {}
        for cbo in cbos:
            per_district[cbo.district] = per_district.get(cbo.district, 0) + 1
        districts = self.districts
        weights = [per_district.get(d, 0) + 0.5 for d in districts]
        types = list(EVENT_TYPES)
        type_weights = [EVENT_TYPES[t][0] for t in types]
        chosen = self.rng.choices(districts, weights, k=self.scale.events)
        kinds = types + self.rng.choices(types, type_weights, k=self.scale.events - len(types))  # every type
        span = (END - START).days
        events = []
        for district, kind in zip(chosen, kinds, strict=True):
            date = START + dt.timedelta(days=self.rng.randint(0, span))
            province = self.geo.places[district].parent
            commune = ""
            communes = self.geo.under(district)
            if communes and (kind in {"public_forum", "commune_council_meeting"} or self.rng.random() < 0.3):
                commune = self.rng.choice(communes)
            if kind in {"workshop", "network_meeting"} and self.rng.random() < 0.4:
                district, commune = "", ""  # a provincial event
            auth = self.rng.random() < EVENT_TYPES[kind][1]
            events.append([date, kind, province, district, commune, auth])
        events.sort(key=lambda e: (e[0], e[2], e[3]))  # numbered in date order, as an NGO numbers them
        result, by_district = [], {}
        for n, (date, kind, province, district, commune, auth) in enumerate(events, 1):
            event = (f"EV-{date.year}-{n:06d}", kind, date, province, district, commune, auth)
            result.append(event)
            if district:
                by_district.setdefault(district, []).append((date, n - 1))
        return result, by_district

    def issues(self, cbos: list[_Cbo], events: list[tuple], by_district: dict[str, list]):
        """Issues with their updates; returns the issue rows, the update rows and each event's issues."""
        counts = self.spread(self.scale.issues, len(cbos), 1, 8)
        lengths = self.spread(self.scale.updates, self.scale.issues, 1, 8)
        raised_at: dict[int, list[str]] = {}
        issue_rows, update_rows = [], []
        n = 0
        for cbo, count in zip(cbos, counts, strict=True):
            drafts = []
            for _ in range(count):
                length = lengths[n]
                n += 1
                drafts.append(self._issue(cbo, f"ISS-{n:06d}", length, by_district))
            drafts.sort(key=lambda d: (d["raised_on"], d["issue_id"]))
            # A CBO has at most one open main issue at a time: a new main issue only after the last closed.
            main_closed: dt.date | None = dt.date.min
            for draft in drafts:
                if main_closed is not None and main_closed < draft["raised_on"] and self.rng.random() < 0.7:
                    draft["is_main"] = True
                    main_closed = draft["closed_on"]
                issue_rows.append(self._issue_row(cbo, draft))
                for update in draft["updates"]:
                    if update[4] is not None:
                        raised_at.setdefault(update[4], []).append(draft["issue_id"])
                    update_rows.append(self._update_row(draft["issue_id"], update, events))
        return issue_rows, update_rows, raised_at

    def _statuses(self, length: int) -> list[str]:
        """A sequence of statuses that makes sense: raised, in dialogue, partly solved, then maybe closed."""
        if length == 1:
            return ["raised"]
        r = self.rng.random()
        middle = length - 2
        if r < 0.30:  # solved
            partly = self.rng.randint(0, middle - 1) if middle >= 2 else 0
            return ["raised"] + ["in_dialogue"] * (middle - partly) + ["partly_solved"] * partly + ["solved"]
        if r < 0.50 and length >= 3:  # partly solved, still open
            partly = self.rng.randint(1, length - 2)
            return ["raised"] + ["in_dialogue"] * (length - 1 - partly) + ["partly_solved"] * partly
        if r < 0.58:
            return ["raised"] + ["in_dialogue"] * middle + ["unsolved"]
        if r < 0.63:
            return ["raised"] + ["in_dialogue"] * middle + ["dropped"]
        return ["raised"] + ["in_dialogue"] * (length - 1)

    def _issue(self, cbo: _Cbo, issue_id: str, length: int, by_district: dict[str, list]) -> dict:
        statuses = self._statuses(length)
        # Room for every update after the raising, each up to 60 days after the one before.
        latest = END - dt.timedelta(days=60 * (length - 1))
        raised_on = self.between(max(cbo.joined, START), latest) if cbo.joined < latest else \
            self.between(START, latest)
        district_events = by_district.get(cbo.district, [])
        updates, date = [], raised_on
        for i, status in enumerate(statuses):
            event = None
            if i:
                date = date + dt.timedelta(days=self.rng.randint(3, 45))
                if status != "dropped" and self.rng.random() < 0.35:
                    # Said at a meeting in the district within two weeks: the update is dated that day.
                    at = bisect.bisect_left(district_events, (date, -1))
                    if at < len(district_events) and district_events[at][0] <= date + dt.timedelta(days=14):
                        date, event = district_events[at]
            benefited = None
            if status in {"partly_solved", "solved"} and self.rng.random() < 0.6:
                benefited = self.rng.randint(10, 3000)
            updates.append((date, status, self.rng.choice(NOTES[status]), benefited, event))
        topic = self.rng.choice(TOPICS_BY_TYPE[cbo.type])
        closed = statuses[-1] in {"solved", "unsolved", "dropped"}
        return {"issue_id": issue_id, "raised_on": raised_on, "topic": topic, "updates": updates,
                "closed_on": updates[-1][0] if closed else None, "is_main": False}

    def _issue_row(self, cbo: _Cbo, draft: dict) -> list:
        topic = draft["topic"]
        title_en, title_km = self.rng.choice(TITLES[topic])
        named = self.geo.places[cbo.village or cbo.commune]
        level = LEVEL_BY_TOPIC[topic] if self.rng.random() < 0.85 else self.rng.choice(
            ["village", "commune", "district", "province", "national"])
        if level == "village" and not cbo.village:  # a village's office needs the CBO's village
            level = "commune"
        bearer = {"village": named, "commune": self.geo.places[cbo.commune],
                  "district": self.geo.places[cbo.district], "province": self.geo.places[cbo.province]}.get(level)
        duty_bearer = f"{bearer.name_en} {level} administration" if bearer else "Ministry of Interior"
        duty_bearer_km = f"រដ្ឋបាល{LEVEL_KM[level]}{bearer.name_km}" if bearer else "ក្រសួងមហាផ្ទៃ"
        households = self.rng.randint(5, 600) if self.rng.random() < 0.6 else None
        people = people_female = None
        if households and self.rng.random() < 0.7:
            people = households * self.rng.randint(3, 6)
            people_female = round(people * self.rng.uniform(0.45, 0.56))
        return [draft["issue_id"], cbo.cbo_id, title_en.format(place=named.name_en),
                title_km.format(place=named.name_km) if self.rng.random() < 0.8 else "",
                topic, "", level, duty_bearer, self.day(draft["raised_on"]), self.yes_no(draft["is_main"]),
                self.count(households), self.count(people), self.count(people_female), "", duty_bearer_km]

    def _update_row(self, issue_id: str, update: tuple, events: list[tuple]) -> list:
        date, status, (note, note_km), benefited, event = update
        female = round(benefited * self.rng.uniform(0.45, 0.56)) if benefited else None
        return [issue_id, self.day(date), self.word(status, STATUS_KM), note, note_km, "",
                events[event][0] if event is not None else "", self.count(benefited), self.count(female)]

    def attendance(self, events: list[tuple], cbos: list[_Cbo], people: list[tuple]):
        """Named attendance: people of the CBOs of the event's district (or province, when the district
        has too few). Returns the rows and, per event, the (count, female, youth, indigenous, disability) of
        those named."""
        pools_d: dict[str, list[int]] = {}
        pools_p: dict[str, list[int]] = {}
        for i, person in enumerate(people):
            cbo = cbos[person[0]]
            pools_d.setdefault(cbo.district, []).append(i)
            pools_p.setdefault(cbo.province, []).append(i)
        wanted = self.spread(self.scale.attendance, len(events), 3, 40)
        pools = []
        short = 0
        for event, k in zip(events, wanted, strict=True):
            pool = pools_d.get(event[4], []) if event[4] else []
            if len(pool) < k:
                pool = pools_p.get(event[3], [])
            pools.append(pool)
            short += max(0, k - len(pool))
        sizes = [min(k, len(pool)) for k, pool in zip(wanted, pools, strict=True)]
        i = 0
        while short and i < 50 * len(events):  # what small pools could not take goes to bigger ones
            j = self.rng.randrange(len(events))
            if sizes[j] < min(len(pools[j]), 80):
                sizes[j] += 1
                short -= 1
            i += 1
        rows, named = [], []
        for event, pool, size in zip(events, pools, sizes, strict=True):
            chosen = self.rng.sample(pool, size)
            year = event[2].year
            female = youth = indigenous = disability = 0
            for p in chosen:
                _cbo, sex, birth, ind, dis = people[p]
                female += sex == "female"
                youth += year - birth <= 30
                indigenous += ind
                disability += dis
                rows.append((event[0], f"P-{p + 1:06d}", self.yes_no(self.rng.random() < 0.2)))
            named.append((size, female, youth, indigenous, disability))
        return rows, named

    def event_rows(self, events: list[tuple], named: list[tuple], raised_at: dict[int, list[str]]) -> list[list]:
        rows = []
        for index, (event_id, kind, date, province, district, commune, auth) in enumerate(events):
            size, female, youth, indigenous, disability = named[index]
            extra = self.rng.randint(5, 80)
            _w, _share, title_en, title_km = EVENT_TYPES[kind]
            words = {"commune": self.geo.places[commune] if commune else None,
                     "district": self.geo.places[district] if district else self.geo.places[province]}
            khmer = self.rng.random() < 0.3
            where = {k: (v.name_km if khmer else v.name_en) if v else "" for k, v in words.items()}
            if not commune:
                where["commune"] = where["district"]
            title = (title_km if khmer else title_en).format(**where)
            # An English title comes with its Khmer one (format 1.1's title_km); a Khmer title needs none.
            names_km = {k: v.name_km if v else "" for k, v in words.items()}
            if not commune:
                names_km["commune"] = names_km["district"]
            khmer_title = "" if khmer else title_km.format(**names_km)
            rows.append([
                event_id, kind, title, self.day(date), self.place(province), self.place(district),
                self.place(commune), self.yes_no(auth), self.count(size + extra),
                self.count(female + round(extra * self.rng.uniform(0.4, 0.6))),
                self.count(youth + round(extra * self.rng.uniform(0.1, 0.35))),
                self.count(indigenous + (round(extra * 0.3) if province in INDIGENOUS_PROVINCES else 0)),
                self.count(disability + self.rng.randint(0, 2)),
                ";".join(dict.fromkeys(raised_at.get(index, []))), khmer_title,
            ])
        return rows

    def land_concessions(self) -> tuple[list[list], list[list], list[list]]:
        """Concessions in the records' provinces, most of them tracked, with what was disclosed about them and
        what other sources say (some of them disagreeing)."""
        rows, disclosures, reports = [], [], []
        for n in range(1, self.scale.concessions + 1):
            district = self.rng.choice(self.districts)
            province = self.geo.places[district].parent
            granted = dt.date(self.rng.randint(2000, 2015), self.rng.randint(1, 12), self.rng.randint(1, 28))
            crop = self.rng.choice(ELC_CROPS)
            named = self.geo.places[district]
            elc_id = f"ELC-{n:04d}"
            company = (f"{named.name_en} {self.rng.choice(ELC_COMPANIES)} Co. Ltd." if self.rng.random() < 0.8
                       else "")
            area = self.rng.randint(500, 10_000)
            adjustment = self.rng.choice(["", "none", "none", "downsized", "revoked"])
            rows.append([elc_id, f"{named.name_en} {crop} concession", company, self.place(province),
                         self.place(district) if self.rng.random() < 0.9 else "", self.count(area),
                         self.day(granted) if self.rng.random() < 0.8 else "", self.yes_no(self.rng.random() < 0.7),
                         "", self.rng.choice(["", "Vietnam", "China", "Cambodia", "Thailand"]), crop, "",
                         self.count(area + self.rng.randint(0, 2000)) if adjustment == "downsized" else "",
                         adjustment, self.rng.choice(["", "government_partial", "secondary_source"]),
                         "Open Development Cambodia" if self.rng.random() < 0.6 else ""])
            for source in self.rng.sample(["MAFF", "LICADHO", "Provincial department"], self.rng.choice([0, 1, 2])):
                reports.append([elc_id, source, self.day(self.between(START, END)),
                                self.count(round(area * self.rng.uniform(0.9, 1.1))), company, "", ""])
            for item in self.rng.sample(ELC_ITEMS, self.rng.choice([0, 0, 1, 1, 2, 3])):
                disclosed = self.between(START, END)
                disclosures.append([elc_id, self.word(item, ITEM_KM), self.day(disclosed),
                                    self.rng.choice(["", "District ELC forum", "Provincial department"])])
        return rows, disclosures, reports

    def procurement(self) -> tuple[list[list], list[list]]:
        """Projects of the ministries and other buyers over the years, with the pieces of each made public."""
        buyers = list(BUYERS)
        weights = [BUYERS[b] for b in buyers]
        provinces = [self.geo.places[p].name_en for p in self.provinces]
        rows, disclosures = [], []
        chosen = self.rng.choices(buyers, weights, k=self.scale.procurement_projects)
        for n, buyer in enumerate(chosen, 1):
            year = YEARS[(n - 1) * len(YEARS) // len(chosen)]
            project_id = f"PP-{year}-{n:06d}"
            title = self.rng.choice(PROJECT_TITLES[buyer]).format(place=self.rng.choice(provinces),
                                                                  road=self.rng.randint(1, 80))
            value = self.rng.randint(20, 3000) * 1_000_000
            rows.append([project_id, buyer, title, "", year, self.rng.choice(METHODS),
                         self.count(value) if self.rng.random() < 0.9 else "",
                         f"ocds-kh-{project_id.lower()}" if self.rng.random() < 0.5 else ""])
            # Disclosure improves over the years; most projects show their announcement.
            share = 0.15 + 0.08 * (year - YEARS[0])
            items = [i for i in PROCUREMENT_ITEMS if self.rng.random() < (0.85 if i == "announcement" else share)]
            announced = dt.date(year, 1, 1) + dt.timedelta(days=self.rng.randint(0, 240))
            for item in items:
                later = self.rng.randint(0, 120) if item not in ("plan", "announcement") else 0
                disclosures.append([project_id, self.word(item, ITEM_KM), self.day(announced + dt.timedelta(
                    days=later)), ""])
        return rows, disclosures

    def requests(self) -> tuple[list[list], list[list]]:
        """Information requests to district and commune administrations, each with events that the clock's rules
        allow: answered on time or late, delivered, refused and appealed, a fee quoted and accepted, never
        answered."""
        requests, events = [], []
        for n in range(1, self.scale.requests + 1):
            commune = self.rng.choice(self.communes)
            district = self.geo.places[commune].parent
            province = self.geo.places[district].parent
            request_id = f"AIR-{n:06d}"
            filed = self.between(START, END - dt.timedelta(days=120))
            if self.rng.random() < 0.6:
                row = [f"{self.geo.places[district].name_en} district administration", "district",
                       self.place(province), self.place(district), ""]
            else:
                row = [f"{self.geo.places[commune].name_en} commune administration", "commune", self.place(province),
                       self.place(district), self.place(commune)]
            topic = self.rng.choice(["budget", "budget", "procurement", "land_concession", "public_service"])
            requests.append([request_id, *row, f"The {topic.replace('_', ' ')} documents of {filed.year}", "",
                             topic, self.day(filed), self.rng.choice(["written", "written", "oral", ""]), "",
                             self.yes_no(self.rng.random() < 0.5)])
            events += [[request_id, self.day(day), event, fee, "", "", ""]
                       for day, event, fee in self.request_story(filed)]
        holidays = [["2024-05-03", "Day off by royal decree", "ថ្ងៃឈប់សម្រាកតាមព្រះរាជក្រឹត្យ", "no"]]
        return requests, events, holidays

    def request_story(self, filed: dt.date) -> list[tuple[dt.date, str, str]]:
        """What happened to one request, in order, as the rules allow."""
        day = filed

        def later(low: int, high: int) -> dt.date:
            nonlocal day
            day = day + dt.timedelta(days=self.rng.randint(low, high))
            return day
        story, r = [], self.rng.random()
        if self.rng.random() < 0.3:
            story.append((later(1, 3), "acknowledged", ""))
        if r < 0.15:
            return story  # never answered
        if r < 0.3:
            return [*story, (later(2, 20), "answered_not_held", "")]
        if r < 0.4:
            story += [(later(2, 15), "refused_confidential", ""), (later(5, 20), "appealed", "")]
            return story + ([(later(10, 40), "appeal_decided", "")] if self.rng.random() < 0.6 else [])
        story.append((later(1, 12), "answered_held", ""))
        if r < 0.55:
            story += [(later(0, 3), "fee_quoted", str(self.rng.choice([5000, 10000, 20000]))),
                      (later(1, 10), "fee_accepted", "")]
        if self.rng.random() < 0.1:
            story.append((later(1, 5), "extended", ""))
        if self.rng.random() < 0.2:
            story.append((later(3, 10), "partially_delivered", ""))
        if self.rng.random() < 0.75:
            story.append((later(3, 30), "delivered", ""))
        return story

    def offices(self) -> list[list]:
        """The national offices: the other offices are named in the issues, by name, and made from them."""
        return [[*office, "", "", "", ""] for office in NATIONAL_OFFICES]

    def indicators(self) -> list[list]:
        rows = []
        for code, outcome, statement, unit, baseline, target, computation, parameters, cumulative in INDICATORS:
            outcome_en, outcome_km = OUTCOMES[outcome]
            rows.append([code, outcome, statement, unit, baseline, YEARS[0] - 1, target, YEARS[-1], computation,
                         parameters, INDICATORS_KM[code], outcome_en, outcome_km, "up", cumulative, "", "",
                         "Generated records"])
        return rows

    def reported_values(self) -> list[list]:
        """Figures as made-up past reports printed them: from the baseline towards the target."""
        rows = []
        for code, _outcome, _statement, unit, baseline, target, *_rest in INDICATORS:
            low, high = float(baseline), float(target)
            for i, year in enumerate(YEARS):
                value = low + (high - low) * (i + 1) / len(YEARS) * self.rng.uniform(0.7, 1.1)
                value = min(value, 100) if unit == "percent" else value
                text = str(round(value)) if unit == "count" or self.rng.random() < 0.7 else f"{value:.2f}"
                rows.append([code, year, text + ("%" if unit == "percent" and self.rng.random() < 0.2 else ""),
                             f"Made-up report of {year}.", "", "", "", f"Report {year}"])
        return rows

    def joint_plans(self, cbos: list[_Cbo]) -> dict[str, list[list]]:
        """Joint action plans of district administrations: about half the districts make one in 2021 and in
        2023 (national: about 210 plans), each with 3-6 recommendations and 1-2 actions per recommendation,
        due 2-18 months after the endorsement, most of them followed by dated updates (about two thirds end done,
        as ISAF's figures say). Rows in the sheets' columns (COLUMNS), keyed by sheet."""
        by_district: dict[str, list[str]] = {}
        for cbo in cbos:
            by_district.setdefault(cbo.district, []).append(cbo.cbo_id)
        sheets: dict[str, list[list]] = {name: [] for name in JOINT_PLAN_SHEETS}

        def row(name: str, **values) -> None:
            sheets[name].append([values.get(column, "") for column in COLUMNS[name]])

        for district in self.districts:
            place = self.geo.places[district]
            authority = f"{place.name_en} district administration"
            for year in (2021, 2023):
                if self.rng.random() >= 0.5:
                    continue
                plan_id = f"JP-{district}-{year}"
                endorsed = self.between(dt.date(year, 1, 15), dt.date(year, 10, 31))
                makers = by_district.get(district, [])
                respondents = self.rng.randint(40, 400)
                origin = self.rng.choices(list(JOINT_PLAN_ORIGINS), [6, 3, 1])[0]
                title_en, title_km = JOINT_PLAN_ORIGINS[origin]
                row("joint_plans", joint_plan_id=plan_id, title_en=f"{title_en}, {place.name_en} {year}",
                    title_km=f"{title_km} ស្រុក{place.name_km} {to_khmer_digits(year)}", origin=origin,
                    authority=authority, authority_level="district", province=self.place(place.parent),
                    district=self.place(district), endorsed_on=self.day(endorsed),
                    cbos=";".join(self.rng.sample(makers, min(len(makers), self.rng.randint(1, 3)))),
                    csos=self.rng.choice(["CPDD", "API", "CPDD; API", "CPDD; NGO Forum"]),
                    respondents=self.count(respondents),
                    respondents_female=self.count(round(respondents * self.rng.uniform(0.4, 0.65))),
                    public=self.yes_no(self.rng.random() < 0.7))
                n_action = 0
                for number, (rec_en, rec_km, actions) in enumerate(
                        self.rng.sample(RECOMMENDATIONS, self.rng.randint(3, 6)), 1):
                    row("joint_plan_recommendations", joint_plan_id=plan_id, number=number, text_en=rec_en,
                        text_km=rec_km)
                    for what_en, what_km in self.rng.sample(actions, self.rng.randint(1, len(actions))):
                        n_action += 1
                        action_id = f"{plan_id}-A{n_action}"
                        due = endorsed + dt.timedelta(days=self.rng.randint(60, 540))
                        responsible = {"responsible_type": "office", "responsible": authority,
                                       "responsible_level": "district"}
                        r = self.rng.random()
                        if r < 0.15 and makers:
                            responsible = {"responsible_type": "cbo", "responsible": self.rng.choice(makers)}
                        elif r < 0.25:
                            responsible = {"responsible_type": "organisation", "responsible": "CPDD"}
                        row("joint_plan_actions", action_id=action_id, joint_plan_id=plan_id, what_en=what_en,
                            what_km=what_km, due_on=self.day(due), recommendation=number, **responsible)
                        for day, status, (note_en, note_km) in self._action_story(endorsed, due):
                            row("action_updates", action_id=action_id, date=self.day(day), status=status,
                                note_en=note_en, note_km=note_km,
                                evidence="Photo of the notice board" if status == "done" else "")
        return sheets

    def _action_story(self, endorsed: dt.date, due: dt.date) -> list[tuple]:
        """An action's updates, dated after the endorsement, before END and one a day: maybe in progress, then
        done (about two thirds), partly done or dropped; some never followed."""
        r = self.rng.random()
        if r < 0.12:
            return []  # never followed: planned, late once its day has passed
        story, day = [], endorsed
        if self.rng.random() < 0.6:
            day = day + dt.timedelta(days=self.rng.randint(10, 120))
            story.append((day, "in_progress", ACTION_NOTES["in_progress"]))
        end = "done" if r < 0.78 else "partly_done" if r < 0.9 else "dropped" if r < 0.95 else None
        if end is not None:
            day = max(day + dt.timedelta(days=1), due + dt.timedelta(days=self.rng.randint(-90, 60)))
            story.append((day, end, ACTION_NOTES[end]))
        return [update for update in story if update[0] <= END]

    def sheets(self, seed: int) -> Iterator[tuple[str, Iterable]]:
        """(sheet name, rows) in the spec's order; the big sheets are built when their turn comes."""
        yield "programme", self.programme(seed)
        yield "target_areas", self.target_areas()
        cbos, cbo_rows = self.cbos()
        yield "cbos", cbo_rows
        people, person_rows = self.representatives(cbos)
        yield "representatives", person_rows
        del person_rows
        events, by_district = self.events(cbos)
        issue_rows, update_rows, raised_at = self.issues(cbos, events, by_district)
        yield "issues", issue_rows
        yield "issue_updates", update_rows
        del issue_rows, update_rows
        attendance_rows, named = self.attendance(events, cbos, people)
        yield "events", self.event_rows(events, named, raised_at)
        yield "attendance", attendance_rows
        del attendance_rows
        yield "mechanism_assessments", self.mechanism_assessments()
        concessions, elc_disclosures, elc_reports = self.land_concessions()
        yield "land_concessions", concessions
        yield "elc_disclosures", elc_disclosures
        projects, procurement_disclosures = self.procurement()
        yield "procurement_projects", projects
        yield "procurement_disclosures", procurement_disclosures
        yield "elc_reports", elc_reports
        yield "offices", self.offices()
        requests, request_events, holidays = self.requests()
        yield "information_requests", requests
        yield "request_events", request_events
        yield "holidays", holidays
        yield "indicators", self.indicators()
        yield "reported_values", self.reported_values()
        yield from self.joint_plans(cbos).items()


# ---- writing -----------------------------------------------------------------------------------------


#: Joint plans' origins, with the words of their titles (not a scorecard's interface meeting: such a plan names
#: its scorecard, and scorecards are not generated yet).
JOINT_PLAN_ORIGINS = {
    "joint_recommendations": ("Joint recommendations on civic engagement", "អនុសាសន៍រួមស្តីពីការចូលរួមរបស់ពលរដ្ឋ"),
    "forum": ("Action plan of the district forum", "ផែនការសកម្មភាពនៃវេទិកាស្រុក"),
    "other": ("Joint action plan", "ផែនការសកម្មភាពរួម"),
}
#: Recommendations (English, Khmer) with the actions that may carry them out.
RECOMMENDATIONS = [
    ("Announce council meetings a week ahead", "ជូនដំណឹងពីកិច្ចប្រជុំក្រុមប្រឹក្សាមុនមួយសប្តាហ៍",
     [("Post meeting notices at the district hall", "បិទសេចក្តីជូនដំណឹងកិច្ចប្រជុំនៅសាលាស្រុក"),
      ("Announce meetings by loudspeaker in the villages", "ផ្សព្វផ្សាយកិច្ចប្រជុំតាមឧបករណ៍បំពងសំឡេងនៅភូមិ")]),
    ("Publish the district budget", "ផ្សព្វផ្សាយថវិកាស្រុក",
     [("Post the budget on the information board", "បិទថវិកានៅលើក្តារព័ត៌មាន"),
      ("Hold a budget hearing with citizens", "រៀបចំវេទិកាថវិកាជាមួយប្រជាពលរដ្ឋ")]),
    ("Invite women and young people to the district forums", "អញ្ជើញស្ត្រី និងយុវជនចូលរួមវេទិកាស្រុក",
     [("Send invitations through the women's and youth groups", "ផ្ញើលិខិតអញ្ជើញតាមក្រុមស្ត្រី និងក្រុមយុវជន"),
      ("Hold a forum on a weekend", "រៀបចំវេទិកានៅថ្ងៃចុងសប្តាហ៍")]),
    ("Answer citizens' requests within 30 days", "ឆ្លើយតបសំណើរបស់ពលរដ្ឋក្នុងរយៈពេល ៣០ ថ្ងៃ",
     [("Keep a register of requests and answers", "រក្សាបញ្ជីសំណើ និងចម្លើយ"),
      ("Name an officer who answers requests", "តែងតាំងមន្ត្រីទទួលបន្ទុកឆ្លើយសំណើ")]),
    ("Patrol the community forest with the CBO", "ល្បាតព្រៃសហគមន៍ជាមួយសហគមន៍មូលដ្ឋាន",
     [("Fund monthly patrols", "ផ្តល់ថវិកាសម្រាប់ការល្បាតប្រចាំខែ"),
      ("Report illegal logging to the forestry administration", "រាយការណ៍ការកាប់ឈើខុសច្បាប់ទៅរដ្ឋបាលព្រៃឈើ")]),
    ("Repair the irrigation canal", "ជួសជុលប្រឡាយស្រោចស្រព",
     [("Put the canal's repair in the investment plan", "ដាក់ការជួសជុលប្រឡាយក្នុងផែនការវិនិយោគ"),
      ("Survey the canal with the farmers", "សិក្សាប្រឡាយជាមួយកសិករ")]),
    ("Post the One Window Service fees", "បិទតារាងថ្លៃសេវាច្រកចេញចូលតែមួយ",
     [("Post the fee list at the office", "បិទតារាងថ្លៃសេវានៅការិយាល័យ")]),
]
#: What an action's update says, by status.
ACTION_NOTES = {
    "in_progress": ("Work has started", "ការងារបានចាប់ផ្តើម"),
    "done": ("Done, as promised", "បានធ្វើរួចតាមការសន្យា"),
    "partly_done": ("Done in part", "បានធ្វើរួចមួយផ្នែក"),
    "dropped": ("Dropped by the district", "ស្រុកបានបោះបង់"),
}

#: The national offices of the offices sheet (issues addressed to the national level name the first by its name).
NATIONAL_OFFICES = [
    ("OF-KH-1", "Ministry of Interior", "ក្រសួងមហាផ្ទៃ", "national", "ministry"),
    ("OF-KH-2", "Ministry of Agriculture, Forestry and Fisheries", "ក្រសួងកសិកម្ម រុក្ខាប្រមាញ់ និងនេសាទ", "national",
     "ministry"),
    ("OF-KH-3", "Ministry of Economy and Finance", "ក្រសួងសេដ្ឋកិច្ច និងហិរញ្ញវត្ថុ", "national", "ministry"),
]


def workbook_generate(path, *, scale: str = "national", seed: int = 1) -> dict[str, int]:
    """Write a generated programme workbook to `path`: an .xlsx file when the path ends in .xlsx, else a
    folder of .csv files (created if need be; its sheets' files are replaced). Returns the rows per sheet."""
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}: choose one of {', '.join(SCALES)}")
    path = Path(path)
    generator = _Generator(SCALES[scale], seed)
    if path.suffix.lower() == ".xlsx":
        return _write_xlsx(path, generator.sheets(seed))
    return _write_csv(path, generator.sheets(seed))


def _write_csv(folder: Path, sheets: Iterable[tuple[str, Iterable]]) -> dict[str, int]:
    folder.mkdir(parents=True, exist_ok=True)
    counts = {}
    for name, rows in sheets:
        with open(folder / f"{name}.csv", "w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f, lineterminator="\n")
            writer.writerow(COLUMNS[name])
            rows = rows if isinstance(rows, list) else list(rows)
            writer.writerows(rows)
            counts[name] = len(rows)
    return counts


def _write_xlsx(path: Path, sheets: Iterable[tuple[str, Iterable]]) -> dict[str, int]:
    """The streaming .xlsx writer of the exports; counts written as a person typing them would get them."""
    counts = {}
    with workbook_writer(path, text_numbers=True) as writer:
        for name, rows in sheets:
            counts[name] = writer.sheet(name, COLUMNS[name], rows)
    return counts
