"""The default budget categories of commune/sangkat and district/municipality budgets, and of the national
budget's split between national and sub-national spending: their fixed codes, their names in English and
Khmer, and a plain-language explanation of each for citizens (shown on the public pages and the glossary).

`services.categories_ensure_defaults()` writes them (the budget import and `samleng setup` call it). A budget
workbook may add categories of its own (its `categories` sheet) and may rename these; it never needs to
list them."""

from dataclasses import dataclass


@dataclass(frozen=True)
class DefaultCategory:
    code: str
    direction: str  # "revenue" or "expenditure"
    name_en: str
    name_km: str
    explanation_en: str
    explanation_km: str
    parent: str = ""
    kind: str = ""  # economic, functional, administrative
    #: Only for the nation's own budget (unit "national"); the others only for sub-national units.
    national: bool = False


DEFAULT_CATEGORIES: tuple[DefaultCategory, ...] = (
    # ---- revenue of communes/sangkats and districts/municipalities/khans -----------------------------------
    DefaultCategory(
        "rev_csf", "revenue", "Commune/Sangkat Fund transfer", "ការផ្ទេរពីមូលនិធិឃុំ សង្កាត់",
        "Money the national government sends every year to each commune and sangkat through the Commune/Sangkat "
        "Fund. It is most of a commune's budget: part pays the council's running costs, the rest pays for local "
        "development projects chosen in the commune's investment plan.",
        "ថវិកាដែលរាជរដ្ឋាភិបាលផ្ទេរជូនឃុំ សង្កាត់នីមួយៗជារៀងរាល់ឆ្នាំ តាមរយៈមូលនិធិឃុំ សង្កាត់។ វាជាផ្នែកធំបំផុតនៃថវិការបស់ឃុំ៖ "
        "មួយផ្នែកសម្រាប់ចំណាយប្រតិបត្តិការរបស់ក្រុមប្រឹក្សា ហើយផ្នែកដែលនៅសល់សម្រាប់គម្រោងអភិវឌ្ឍន៍មូលដ្ឋាន "
        "ដែលបានជ្រើសរើសក្នុងកម្មវិធីវិនិយោគរបស់ឃុំ។",
        kind="economic"),
    DefaultCategory(
        "rev_dmf", "revenue", "District/Municipality Fund transfer", "ការផ្ទេរពីមូលនិធិស្រុក ក្រុង",
        "Money the national government sends every year to each district, municipality and khan through the "
        "District/Municipality Fund, for the administration's work and for its development projects.",
        "ថវិកាដែលរាជរដ្ឋាភិបាលផ្ទេរជូនស្រុក ក្រុង ខណ្ឌនីមួយៗជារៀងរាល់ឆ្នាំ តាមរយៈមូលនិធិស្រុក ក្រុង "
        "សម្រាប់ការងាររបស់រដ្ឋបាល និងសម្រាប់គម្រោងអភិវឌ្ឍន៍របស់ខ្លួន។",
        kind="economic"),
    DefaultCategory(
        "rev_own_source", "revenue", "Own-source revenue", "ចំណូលផ្ទាល់",
        "Money the commune or district collects itself: fees for documents and services (birth certificates, "
        "permits), market and parking fees and similar charges.",
        "ប្រាក់ដែលឃុំ ឬស្រុកប្រមូលដោយខ្លួនឯង៖ កម្រៃសេវារដ្ឋបាល (សំបុត្រកំណើត លិខិតអនុញ្ញាត) "
        "ថ្លៃទីផ្សារ ថ្លៃចំណតយានយន្ត និងកម្រៃផ្សេងៗទៀត។",
        kind="economic"),
    DefaultCategory(
        "rev_other_transfers", "revenue", "Other transfers and grants", "ការផ្ទេរ និងជំនួយផ្សេងៗ",
        "Money from ministries, provinces, development partners and NGOs for a given purpose, such as a road, "
        "a school building or a social programme.",
        "ប្រាក់ពីក្រសួង ខេត្ត ដៃគូអភិវឌ្ឍន៍ និងអង្គការមិនមែនរដ្ឋាភិបាល សម្រាប់គោលបំណងជាក់លាក់ "
        "ដូចជាផ្លូវ អគារសិក្សា ឬកម្មវិធីសង្គម។",
        kind="economic"),
    DefaultCategory(
        "rev_contributions", "revenue", "Local contributions", "វិភាគទានពីប្រជាពលរដ្ឋ",
        "Money, materials or work that villagers and local businesses give towards a project, such as a share "
        "of the cost of a well or a road.",
        "ប្រាក់ សម្ភារៈ ឬកម្លាំងពលកម្ម ដែលប្រជាពលរដ្ឋ និងអាជីវករក្នុងមូលដ្ឋានចូលរួមក្នុងគម្រោង "
        "ដូចជាចំណែកនៃថ្លៃអណ្តូង ឬផ្លូវ។",
        kind="economic"),
    DefaultCategory(
        "rev_carry_over", "revenue", "Balance carried over", "សមតុល្យយោងពីឆ្នាំមុន",
        "Money left unspent at the end of last year (often for a project not yet finished) that is used this "
        "year.",
        "ប្រាក់ដែលមិនទាន់បានចំណាយនៅចុងឆ្នាំមុន (ជាញឹកញាប់សម្រាប់គម្រោងដែលមិនទាន់បញ្ចប់) ហើយយកមកប្រើក្នុងឆ្នាំនេះ។",
        kind="economic"),
    # ---- expenditure of communes/sangkats and districts/municipalities/khans --------------------------------
    DefaultCategory(
        "exp_administration", "expenditure", "General administration", "រដ្ឋបាលទូទៅ",
        "The cost of running the administration: allowances of the council members and staff, the office, "
        "electricity, fuel, stationery and meetings.",
        "ចំណាយលើដំណើរការរដ្ឋបាល៖ ប្រាក់បំណាច់ក្រុមប្រឹក្សា និងបុគ្គលិក ការិយាល័យ អគ្គិសនី ប្រេងឥន្ធនៈ "
        "សម្ភារៈការិយាល័យ និងកិច្ចប្រជុំ។",
        kind="administrative"),
    DefaultCategory(
        "exp_development", "expenditure", "Development", "ការអភិវឌ្ឍ",
        "Money spent on improving life in the area rather than on running the office: roads, canals, wells, "
        "help for health and education, protecting forests and fish, support to farmers. It is the total of "
        "the four kinds of development below.",
        "ប្រាក់ដែលចំណាយដើម្បីលើកកម្ពស់ជីវភាពក្នុងមូលដ្ឋាន មិនមែនសម្រាប់ដំណើរការការិយាល័យទេ៖ ផ្លូវ ប្រឡាយ អណ្តូង "
        "ជំនួយសុខាភិបាល និងអប់រំ ការការពារព្រៃឈើ និងធនធានជលផល ការគាំទ្រកសិករ។ វាជាផលបូកនៃការអភិវឌ្ឍទាំងបួនប្រភេទខាងក្រោម។",
        kind="functional"),
    DefaultCategory(
        "exp_dev_infrastructure", "expenditure", "Roads, canals, bridges and wells", "ផ្លូវ ប្រឡាយ ស្ពាន និងអណ្តូង",
        "Building and repairing rural roads, canals, bridges, culverts, wells and other things people use "
        "every day.",
        "ការសាងសង់ និងជួសជុលផ្លូវជនបទ ប្រឡាយ ស្ពាន លូ អណ្តូង និងហេដ្ឋារចនាសម្ព័ន្ធផ្សេងទៀតដែលប្រជាពលរដ្ឋប្រើប្រាស់ជារៀងរាល់ថ្ងៃ។",
        parent="exp_development", kind="functional"),
    DefaultCategory(
        "exp_dev_social", "expenditure", "Social services: health, education, social protection",
        "សេវាសង្គម៖ សុខាភិបាល អប់រំ កិច្ចគាំពារសង្គម",
        "Help for people: support to health centres and pregnant women, school materials and scholarships, "
        "support to poor families, older people and people with disabilities.",
        "ជំនួយដល់ប្រជាពលរដ្ឋ៖ ការគាំទ្រមណ្ឌលសុខភាព និងស្ត្រីមានផ្ទៃពោះ សម្ភារៈសិក្សា និងអាហារូបករណ៍ "
        "ការគាំទ្រគ្រួសារក្រីក្រ មនុស្សចាស់ និងជនមានពិការភាព។",
        parent="exp_development", kind="functional"),
    DefaultCategory(
        "exp_dev_nrm_climate", "expenditure", "Natural resources and climate", "ធនធានធម្មជាតិ និងការប្រែប្រួលអាកាសធាតុ",
        "Protecting and restoring forests, lakes, fisheries and land, and helping people cope with droughts "
        "and floods: patrols, tree planting, restoring canals and ponds that keep water for the dry season.",
        "ការការពារ និងស្តារព្រៃឈើ បឹង ធនធានជលផល និងដីធ្លី និងការជួយប្រជាពលរដ្ឋឱ្យបន្សាំនឹងគ្រោះរាំងស្ងួត និងទឹកជំនន់៖ "
        "ការល្បាត ការដាំដើមឈើ ការស្តារប្រឡាយ និងស្រះដែលរក្សាទឹកសម្រាប់រដូវប្រាំង។",
        parent="exp_development", kind="functional"),
    DefaultCategory(
        "exp_dev_economic", "expenditure", "Agriculture and local economy", "កសិកម្ម និងសេដ្ឋកិច្ចមូលដ្ឋាន",
        "Support to farmers, fishers and small businesses: training, seeds, animal health, markets and "
        "savings groups.",
        "ការគាំទ្រកសិករ អ្នកនេសាទ និងអាជីវកម្មខ្នាតតូច៖ វគ្គបណ្តុះបណ្តាល គ្រាប់ពូជ សុខភាពសត្វ ទីផ្សារ និងក្រុមសន្សំ។",
        parent="exp_development", kind="functional"),
    DefaultCategory(
        "exp_other", "expenditure", "Contingency and other", "ចំណាយមិនបានគ្រោងទុក និងផ្សេងៗ",
        "Money kept for the unexpected (an emergency, a disaster) and spending that fits no other category.",
        "ប្រាក់បម្រុងទុកសម្រាប់ហេតុការណ៍មិនបានរំពឹងទុក (ភាពអាសន្ន គ្រោះមហន្តរាយ) និងចំណាយដែលមិនស្ថិតក្នុងប្រភេទផ្សេងទៀត។",
        kind="economic"),
    # ---- the national budget ---------------------------------------------------------------------------------
    DefaultCategory(
        "nat_exp_national", "expenditure", "Ministries and national institutions", "ក្រសួង និងស្ថាប័នថ្នាក់ជាតិ",
        "The part of the national budget that ministries and national institutions spend themselves.",
        "ផ្នែកនៃថវិកាជាតិដែលក្រសួង និងស្ថាប័នថ្នាក់ជាតិចំណាយដោយខ្លួនឯង។",
        kind="administrative", national=True),
    DefaultCategory(
        "nat_exp_subnational", "expenditure", "Transfers to sub-national administrations",
        "ការផ្ទេរទៅរដ្ឋបាលថ្នាក់ក្រោមជាតិ",
        "The part of the national budget that goes to provinces, districts, municipalities, khans, communes and "
        "sangkats (the Commune/Sangkat Fund, the District/Municipality Fund and other transfers). In 2024 the "
        "government raised it from about 12% to about 17% of the national budget, with about one point more "
        "each year until 2028.",
        "ផ្នែកនៃថវិកាជាតិដែលផ្ទេរទៅខេត្ត ស្រុក ក្រុង ខណ្ឌ ឃុំ និងសង្កាត់ (មូលនិធិឃុំ សង្កាត់ មូលនិធិស្រុក ក្រុង "
        "និងការផ្ទេរផ្សេងៗ)។ នៅឆ្នាំ២០២៤ រាជរដ្ឋាភិបាលបានបង្កើនវាពីប្រមាណ ១២% ទៅប្រមាណ ១៧% នៃថវិកាជាតិ "
        "ហើយនឹងបង្កើនប្រមាណ ១% ទៀតជារៀងរាល់ឆ្នាំរហូតដល់ឆ្នាំ២០២៨។",
        kind="administrative", national=True),
)

#: Categories only the nation's own budget uses, and those only sub-national budgets use.
NATIONAL_CODES = frozenset(c.code for c in DEFAULT_CATEGORIES if c.national)
SUBNATIONAL_CODES = frozenset(c.code for c in DEFAULT_CATEGORIES if not c.national)

#: The sectors local projects are usually filed under (the workbook's `sector` is free text): those are shown
#: in the reader's language; any other sector is shown as it was typed.
PROJECT_SECTORS = {
    "roads": ("roads", "ផ្លូវ"),
    "irrigation": ("irrigation", "ប្រព័ន្ធធារាសាស្ត្រ"),
    "water": ("clean water", "ទឹកស្អាត"),
    "climate": ("climate", "អាកាសធាតុ"),
    "natural resources": ("natural resources", "ធនធានធម្មជាតិ"),
    "natural resources and climate": ("natural resources and climate", "ធនធានធម្មជាតិ និងអាកាសធាតុ"),
    "health": ("health", "សុខាភិបាល"),
    "education": ("education", "អប់រំ"),
    "social protection": ("social protection", "គាំពារសង្គម"),
    "agriculture": ("agriculture", "កសិកម្ម"),
    "sanitation": ("sanitation", "អនាម័យ"),
    "administration": ("administration", "រដ្ឋបាល"),
}


def sector_names(sector: str) -> tuple[str, str]:
    """A project's sector in English and in Khmer: the usual words of PROJECT_SECTORS, whatever their case,
    else the sector as typed (in both)."""
    known = PROJECT_SECTORS.get(" ".join(sector.lower().split()))
    return known if known else (sector, sector)


# ---- the glossary ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DefaultTerm:
    term_id: str
    en: str
    km: str
    definition_en: str
    definition_km: str


#: Budget words in both languages, the Citizen Budget's glossary as Samleng ships it (GlossaryTerm rows made by
#: `services.glossary_ensure_defaults`, which `samleng setup` calls; the knowledge-base workbook's glossary
#: sheet and the admin may reword them and add more).
DEFAULT_GLOSSARY: tuple[DefaultTerm, ...] = (
    DefaultTerm("budget", "budget", "ថវិកា",
        "A plan of the money an administration expects to receive and to spend in one year.",
        "ផែនការប្រាក់ដែលរដ្ឋបាលរំពឹងថានឹងទទួលបាន និងនឹងចំណាយក្នុងរយៈពេលមួយឆ្នាំ។"),
    DefaultTerm("fiscal_year", "fiscal year", "ឆ្នាំសារពើពន្ធ",
        "The year a budget covers. In Cambodia it runs from 1 January to 31 December.",
        "ឆ្នាំដែលថវិកាគ្របដណ្តប់។ នៅកម្ពុជា ឆ្នាំសារពើពន្ធចាប់ពីថ្ងៃទី១ ខែមករា ដល់ថ្ងៃទី៣១ ខែធ្នូ។"),
    DefaultTerm("revenue", "revenue", "ចំណូល",
        "Money that comes in: transfers from the national government, fees, contributions.",
        "ប្រាក់ដែលចូលមក៖ ការផ្ទេរពីរាជរដ្ឋាភិបាល កម្រៃសេវា និងវិភាគទាន។"),
    DefaultTerm("expenditure", "expenditure", "ចំណាយ",
        "Money that goes out: running the administration and paying for development.",
        "ប្រាក់ដែលចេញទៅ៖ សម្រាប់ដំណើរការរដ្ឋបាល និងសម្រាប់ការអភិវឌ្ឍ។"),
    DefaultTerm("phase", "phase", "ដំណាក់កាល",
        "Which version of a budget a figure comes from: proposed, approved, revised or executed. Every figure "
        "on these pages says its year and its phase.",
        "កំណែនៃថវិកាដែលតួលេខមួយយកមក៖ ស្នើសុំ អនុម័ត កែសម្រួល ឬអនុវត្តជាក់ស្តែង។ តួលេខនីមួយៗនៅលើទំព័រទាំងនេះ "
        "បង្ហាញឆ្នាំ និងដំណាក់កាលរបស់វា។"),
    DefaultTerm("proposed_budget", "proposed budget", "ថវិកាស្នើសុំ",
        "The budget as the administration first drafts it, before the council votes on it.",
        "ថវិកាដែលរដ្ឋបាលរៀបចំជាសេចក្តីព្រាង មុនពេលក្រុមប្រឹក្សាបោះឆ្នោតអនុម័ត។"),
    DefaultTerm("approved_budget", "approved budget", "ថវិកាអនុម័ត",
        "The budget the council has voted: what the administration is allowed to spend.",
        "ថវិកាដែលក្រុមប្រឹក្សាបានបោះឆ្នោតអនុម័ត៖ ចំនួនប្រាក់ដែលរដ្ឋបាលត្រូវបានអនុញ្ញាតឱ្យចំណាយ។"),
    DefaultTerm("revised_budget", "revised budget", "ថវិកាកែសម្រួល",
        "The approved budget changed during the year, when plans or revenue change.",
        "ថវិកាអនុម័តដែលត្រូវបានកែប្រែក្នុងឆ្នាំ នៅពេលផែនការ ឬចំណូលផ្លាស់ប្តូរ។"),
    DefaultTerm("executed_budget", "executed budget", "ថវិកាអនុវត្តជាក់ស្តែង",
        "What was really received and spent, known after the year has ended.",
        "ប្រាក់ដែលបានទទួល និងបានចំណាយជាក់ស្តែង ដែលដឹងបន្ទាប់ពីឆ្នាំបានបញ្ចប់។"),
    DefaultTerm("sub_national_administration", "sub-national administration", "រដ្ឋបាលថ្នាក់ក្រោមជាតិ",
        "The councils and administrations of the capital and provinces, municipalities, districts, khans, "
        "communes and sangkats.",
        "ក្រុមប្រឹក្សា និងរដ្ឋបាលនៃរាជធានី ខេត្ត ក្រុង ស្រុក ខណ្ឌ ឃុំ និងសង្កាត់។"),
    DefaultTerm("investment_plan", "three-year rolling investment plan", "កម្មវិធីវិនិយោគបីឆ្នាំរំកិល",
        "The list of projects a commune or district plans for the next three years, updated every year. "
        "The projects of the first year get money in that year's budget.",
        "បញ្ជីគម្រោងដែលឃុំ ឬស្រុកគ្រោងធ្វើសម្រាប់រយៈពេលបីឆ្នាំខាងមុខ ហើយធ្វើបច្ចុប្បន្នភាពជារៀងរាល់ឆ្នាំ។ "
        "គម្រោងនៃឆ្នាំទីមួយទទួលបានប្រាក់ក្នុងថវិកាឆ្នាំនោះ។"),
    DefaultTerm("local_project", "local project", "គម្រោងមូលដ្ឋាន",
        "A piece of work paid by the budget, such as a road or a canal, with its cost, its village, its status "
        "and how far it has got.",
        "ការងារមួយដែលចំណាយដោយថវិកា ដូចជាផ្លូវ ឬប្រឡាយ ដែលមានថ្លៃដើម ភូមិ ស្ថានភាព និងវឌ្ឍនភាពរបស់វា។"),
    DefaultTerm("per_person", "per person", "ក្នុងមនុស្សម្នាក់",
        "An amount divided by the number of people who live in the area, to compare places of different sizes.",
        "ចំនួនទឹកប្រាក់ចែកនឹងចំនួនប្រជាជនដែលរស់នៅក្នុងតំបន់ ដើម្បីប្រៀបធៀបតំបន់ដែលមានទំហំខុសៗគ្នា។"),
    DefaultTerm("median", "median", "មេដ្យាន",
        "The middle value: half of the places are above it and half below. Unlike an average, one very large "
        "figure does not pull it up.",
        "តម្លៃកណ្តាល៖ ពាក់កណ្តាលនៃតំបន់នៅខាងលើ ហើយពាក់កណ្តាលទៀតនៅខាងក្រោម។ ខុសពីមធ្យមភាគ "
        "តួលេខធំខ្លាំងមួយមិនអាចទាញវាឡើងបានទេ។"),
    DefaultTerm("exchange_rate", "exchange rate", "អត្រាប្តូរប្រាក់",
        "How many riels make one US dollar in a year; used to show amounts in dollars as well.",
        "ចំនួនរៀលដែលស្មើនឹងមួយដុល្លារអាមេរិកក្នុងមួយឆ្នាំ ដែលប្រើដើម្បីបង្ហាញចំនួនទឹកប្រាក់ជាដុល្លារផងដែរ។"),
)
