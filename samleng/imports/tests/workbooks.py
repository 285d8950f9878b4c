"""Workbooks for the tests, written as people would: an .xlsx file (openpyxl) or a folder of .csv files."""

import csv
import datetime as dt
import re
from pathlib import Path

from openpyxl import Workbook


def write_xlsx(path: Path, sheets: dict[str, list[list]]) -> Path:
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def write_csv_folder(folder: Path, sheets: dict[str, list[list]], bom: bool = True) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in sheets.items():
        with open(folder / f"{name}.csv", "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as file:
            writer = csv.writer(file)
            for row in rows:
                writer.writerow(["" if v is None else v.isoformat() if isinstance(v, dt.date) else v for v in row])
    return folder


def clean_sheets() -> dict[str, list[list]]:
    """A small programme that fits the test world (conftest.world): it adds to the CBO of Kleng commune
    (CBO-KT-001), registers another in Kampong Thom, and follows their issues through events."""
    return {
        "programme": [
            ["key", "value"],
            ["name", "Citizens' Voices and Actions, Phase II"],
            ["code", "CVA-II"],
            ["donors", "Norwegian People's Aid"],
            ["start", "2023-01-01"],
            ["end", "2025-12-31"],
        ],
        "target_areas": [
            ["district", "province", "from_year", "to_year"],
            ["Sandan", "Kampong Thom", 2023, 2025],
            ["0603", "", 2023, 2025],
            ["ស្ទោង", "កំពង់ធំ", 2024, 2025],
        ],
        "cbos": [
            ["cbo_id", "name_en", "name_km", "type", "province", "district", "commune", "village", "established_on",
             "members_total", "members_female", "committee_total", "committee_female", "area_ha", "joined_on"],
            ["CBO-KT-002", "Tuek Vil Agricultural Community", "សហគមន៍កសិកម្មទឹកវិល", "agricultural_community",
             "Kampong Thom", "Sandan", "Klaeng", "Tuek Vil", dt.date(2015, 3, 2), 120, 70, 9, 4, 35.5,
             "2023-02-01"],
            ["CBO-KT-003", "Stueng Saen Youth Group", "", "ក្រុមយុវជន", "06", "0603", "", "", "", "", "", "", "", "",
             ""],
        ],
        "representatives": [
            ["person_id", "cbo_id", "full_name", "sex", "birth_year", "indigenous", "disability", "role", "phone",
             "telegram", "consent_on"],
            ["P-002", "CBO-KT-002", "Chan Sreymom", "female", 1996, "no", "no", "leader", "012 222 333",
             "@sreymom", "2023-02-01"],
            ["P-003", "CBO-KT-002", "Keo Dara", "male", 1980, "yes", "no", "committee", "", "", ""],
            ["P-004", "CBO-KT-003", "Srey Pov", "ស្រី", 2004, "ទេ", "មាន", "member", "", "", ""],
        ],
        "issues": [
            ["issue_id", "cbo_id", "title_en", "title_km", "topic", "description", "duty_bearer_level",
             "duty_bearer", "raised_on", "is_main", "households_affected", "people_affected",
             "people_affected_female"],
            ["I-001", "CBO-KT-001", "Canal silted up", "ប្រឡាយរាក់", "water", "The canal no longer carries water.",
             "commune", "Kleng commune council", "2023-03-10", "yes", 120, 540, 300],
            ["I-002", "CBO-KT-002", "No commune budget information", "", "budget_disclosure", "", "commune",
             "", "2023-05-02", "yes", "", "", ""],
            ["I-003", "CBO-KT-002", "Fertiliser mixing", "", "agriculture", "", "district", "", "2023-06-01",
             "no", "", "", ""],
        ],
        "issue_updates": [
            ["issue_id", "date", "status", "note", "evidence", "event_id", "people_benefited",
             "people_benefited_female"],
            ["I-001", "2023-04-20", "in_dialogue", "Raised at the district dialogue.", "", "EV-001", "", ""],
            ["I-001", "2024-01-15", "solved", "The commune dredged the canal.", "minutes of 15 Jan", "", 540, 300],
            ["I-002", "2023-08-01", "in_dialogue", "", "", "EV-002", "", ""],
        ],
        "events": [
            ["event_id", "type", "title", "date", "province", "district", "commune", "authorities_present",
             "participants_total", "participants_female", "participants_youth", "participants_indigenous",
             "participants_disability", "issues_raised"],
            ["EV-001", "district_dialogue", "District dialogue in Sandan", "2023-04-20", "Kampong Thom", "Sandan",
             "", "yes", 80, 41, 12, 0, 2, "I-001"],
            ["EV-002", "public_forum", "Public forum in Kleng", "2023-08-01", "Kampong Thom", "Sandan", "Klaeng",
             "yes", 60, 35, "", "", "", "I-002; I-003"],
        ],
        "attendance": [
            ["event_id", "person_id", "spoke"],
            ["EV-001", "P-001", "yes"],
            ["EV-001", "P-002", "no"],
            ["EV-002", "P-002", "yes"],
            ["EV-002", "P-004", ""],
        ],
        "mechanism_assessments": [
            ["district", "province", "year", "mechanism", "held", "diverse_representation", "notice_given",
             "minutes_shared", "questions_answered", "follow_up_done"],
            ["Sandan", "Kampong Thom", 2023, "district_dialogue", "yes", "yes", "yes", "no", "yes", "yes"],
            ["Sandan", "Kampong Thom", 2023, "public_forum", "yes", "no", "yes", "yes", "yes", "no"],
            ["0603", "", 2024, "commune_council_meeting", "no", "no", "no", "no", "no", "no"],
        ],
    }


def transparency_sheets() -> dict[str, list[list]]:
    """Concessions and procurement projects with what was disclosed, typed in the several ways people do."""
    return {
        "land_concessions": [
            ["elc_id", "name", "company", "province", "district", "area_ha", "granted_on", "tracked"],
            ["ELC-1", "Chet Borei rubber concession", "Mekong Rubber Co.", "Kratie", "Chet Borei", "1,200.5",
             "2011-05-02", "yes"],
            ["ELC-2", "Sandan cassava concession", "", "កំពង់ធំ", "0606", "៩៥០", "02/03/2012", "បាទ"],
            ["ELC-3", "Stueng Saen sugar concession", "", "06", "", "", "", "no"],
        ],
        "elc_disclosures": [
            ["elc_id", "item", "disclosed_on", "source"],
            ["ELC-1", "contract", "2024-03-01", "Community meeting with the company"],
            ["ELC-1", "ផែនការមេ", "2024-03-01", ""],
            ["ELC-2", "Environmental and social impact assessment", "15/06/2023", "Provincial ELC forum"],
        ],
        "procurement_projects": [
            ["project_id", "buyer", "title", "fiscal_year", "method", "value_khr", "ocid"],
            ["PP-1", "MoEYS", "Construction of a school building, Sandan primary school", 2023,
             "national competitive bidding", "1,250,000,000", "ocds-kh-0001"],
            ["PP-2", "MEF", "Office supplies", "២០២៤", "", "", ""],
        ],
        "procurement_disclosures": [
            ["project_id", "item", "disclosed_on", "source"],
            ["PP-1", "announcement", "2023-02-10", "https://www.gdpp.gov.kh/"],
            ["PP-1", "អ្នកឈ្នះ", "2023-04-02", ""],
            ["PP-2", "plan", "2024-01-15", ""],
        ],
        "elc_reports": [
            ["elc_id", "source", "reported_on", "area_ha", "developer", "sub_decree", "note"],
            ["ELC-1", "MAFF", "2023-06-01", "1,250", "Mekong Rubber Co., Ltd.", "", ""],
        ],
        "holidays": [
            ["date", "name_en", "name_km", "working"],
            ["2024-04-05", "Day off by royal decree", "ថ្ងៃឈប់សម្រាកតាមព្រះរាជក្រឹត្យ", "no"],
        ],
        "information_requests": [
            ["request_id", "authority", "authority_level", "province", "district", "commune", "subject_en",
             "subject_km", "topic", "filed_on", "channel", "on_behalf_of", "public"],
            ["AIR-1", "Chet Borei district administration", "district", "Kratie", "Chet Borei", "",
             "District budget 2023", "ថវិកាស្រុកឆ្នាំ២០២៣", "budget", "2023-03-01", "written", "", "yes"],
        ],
        "request_events": [
            ["request_id", "date", "event", "fee_khr", "note", "note_km", "evidence"],
            ["AIR-1", "2023-03-06", "answered_held", "", "", "", ""],
            ["AIR-1", "2023-03-20", "delivered", "", "Budget tables handed over", "", ""],
        ],
    }


def results_sheets() -> dict[str, list[list]]:
    """A results framework for the clean workbook's programme (CVA-II): two computed indicators and one
    entered by hand, with figures a past report gave."""
    return {
        "indicators": [
            ["code", "outcome", "statement", "unit", "baseline", "baseline_year", "target", "target_year",
             "computation", "parameters", "statement_km", "outcome_statement", "outcome_statement_km", "direction",
             "cumulative", "baseline_numerator", "baseline_denominator", "means_of_verification"],
            ["1.1", "1", "Main advocacy issues solved", "percent", "14%", 2022, "៧០", 2025,
             "main_issues_solved_share", "count_partly=yes", "បញ្ហាចម្បងត្រូវបានដោះស្រាយ",
             "Citizens engage in local governance", "ពលរដ្ឋចូលរួមក្នុងអភិបាលកិច្ចមូលដ្ឋាន", "up", "no", 7, 50,
             "Issue status records"],
            ["2.1", "2", "Concessions with critical information disclosed", "ចំនួន", 2, 2022, 4, 2025,
             "elc_disclosed_count", "items=contract,master_plan", "", "Transparency is improved", "", "",
             "yes", "", "", ""],
            ["2.9", "2", "Information requests answered on time", "percent", "0.5", "", "", "", "", "", "", "",
             "", "lower is better", "", "", "", ""],
        ],
        "reported_values": [
            ["code", "period", "value", "narrative", "numerator", "denominator", "parts", "source"],
            ["1.1", 2023, "62%", "6 solved and 25 partly solved of 50.", 31, 50, "solved=6;partly_solved=25",
             "Annual report 2023"],
            ["1.1", "២០២៤", "78", "", "", "", "", ""],
            ["2.1", 2023, "២", "", 2, 8, "", ""],
            ["2.9", 2024, "7.06", "", 19, 269, "", ""],
        ],
    }


def vocabularies() -> dict:
    """The programme workbook's vocabularies by the names the tests use, from the apps that own them."""
    from samleng.advocacy import sheets as advocacy
    from samleng.cbos import sheets as cbos
    from samleng.engagement import sheets as engagement
    from samleng.results import sheets as results
    from samleng.transparency import sheets as transparency

    return {
        "cbo_type": cbos.cbo_types(), "sex": cbos.sexes(), "role": cbos.roles(), "topic": advocacy.topics(),
        "level": advocacy.levels(), "status": advocacy.statuses(), "event_type": engagement.event_types(),
        "mechanism": engagement.mechanisms(), "unit": results.unit_words(), "direction": results.direction_words(),
        "outcome_kind": results.outcome_kind_words(), "elc_item": transparency.elc_items(),
        "procurement_item": transparency.procurement_items(),
    }


# ---- the upload page's blank templates, filled in as a field officer would -----------------------------------

#: A value for each column whose comment does not list the words to choose from, as a field officer would
#: fill one row of each sheet in (the ids tie the sheets together). The programme sheet (key/value) has
#: PROGRAMME_ROWS.
TEMPLATE_VALUES = {
    "district": "0606", "province": "06", "commune": "060603", "village": "",
    "from_year": 2023, "to_year": 2025, "cbo_id": "C-T1", "person_id": "P-T1", "issue_id": "I-T1",
    "event_id": "E-T1", "elc_id": "ELC-T1", "project_id": "PR-T1", "name_en": "Test fishery",
    "name_km": "សហគមន៍នេសាទសាកល្បង", "established_on": "2010-01-01", "members_total": 100,
    "members_female": 50, "committee_total": 9, "committee_female": 4, "area_ha": 12.5,
    "joined_on": "2020-01-01", "full_name": "Sok Dara", "birth_year": 1980, "phone": "012 345 678",
    "telegram": "", "consent_on": "2023-01-01", "title_en": "The canal is blocked", "title_km": "ប្រឡាយស្ទះ",
    "description": "Since 2022.", "duty_bearer": "Klaeng commune", "raised_on": "2023-02-01",
    "description_km": "តាំងពីឆ្នាំ២០២២។", "duty_bearer_km": "រដ្ឋបាលឃុំក្លែង",
    "households_affected": 10, "people_affected": 40, "people_affected_female": 20, "title": "Forum",
    "date": "2023-03-01", "participants_total": 50, "participants_female": 20, "participants_youth": 5,
    "participants_indigenous": 0, "participants_disability": 1, "issues_raised": "I-T1", "note": "",
    "invited_cbo_ids": "C-T1",
    "evidence": "", "people_benefited": 10, "people_benefited_female": 5, "year": 2023, "name": "Concession",
    "company": "A company", "granted_on": "2010-01-01", "disclosed_on": "2023-05-01", "source": "website",
    "buyer": "Kampong Thom provincial administration", "fiscal_year": 2024, "method": "national bidding",
    "value_khr": 1000000, "ocid": "", "code": "1.1", "outcome": "1", "statement": "Issues solved",
    "baseline": 40, "baseline_year": 2022, "target": 70, "target_year": 2025, "computation": "",
    "parameters": "", "statement_km": "បញ្ហាដែលបានដោះស្រាយ", "outcome_statement": "CBOs are heard",
    "outcome_statement_km": "សហគមន៍ត្រូវបានស្តាប់", "baseline_numerator": 4, "baseline_denominator": 10,
    "means_of_verification": "records", "outcome_parent": "", "period": 2023, "value": 45,
    "narrative": "", "numerator": 9, "denominator": 20, "parts": "solved=9", "unit": "060603",
    "category": "x_test", "amount_khr": 1000, "population": 1000, "female": 500, "khr_per_usd": 4100,
    "cost_khr": 400000000, "sector": "water", "funding_source": "commune fund", "progress_pct": 0,
    "parent": "", "office_id": "OF-T1", "investor_country": "Vietnam", "crop": "rubber", "sub_decree": "",
    "original_area_ha": 15, "reported_on": "2023-04-01", "developer": "A company",
    "request_id": "R-T1", "authority": "Klaeng commune administration", "subject_en": "The commune budget",
    "subject_km": "ថវិកាឃុំ", "filed_on": "2023-02-01", "on_behalf_of": "C-T1", "fee_khr": "", "note_km": "",
    # joint plans (format 1.2)
    "joint_plan_id": "JP-T1", "endorsed_on": "2023-02-01", "endorsed_by": "", "cbos": "C-T1", "csos": "CPDD",
    "respondents": 40, "respondents_female": 20, "number": 1, "text_en": "Post the budget",
    "text_km": "បិទផ្សាយថវិកា", "action_id": "A-T1", "what_en": "Post the budget at the hall",
    "what_km": "បិទផ្សាយថវិកានៅសាលាឃុំ", "responsible": "Klaeng commune administration", "due_on": "2023-06-30",
    "recommendation": 1, "note_en": "", "plan_id": "AP-T1", "starts_on": "2023-01-01", "ends_on": "2023-12-31",
    "objective_en": "The canal is dredged", "objective_km": "ប្រឡាយត្រូវបានស្តារ",
    # community scorecards (format 1.2): of the facility FAC-T1 (Klaeng), before its JAAP JP-T1 was endorsed
    "scorecard_id": "SC-T1", "facility_id": "FAC-T1", "cycle": 2023, "met_on": "2023-01-10",
    "self_assessed_on": "2023-01-12", "interface_on": "2023-01-20", "participants_id_poor": 3, "strengths_en": "",
    "strengths_km": "", "weaknesses_en": "", "weaknesses_km": "", "suggestions_en": "", "suggestions_km": "",
    "criterion_no": 1, "provider_score": 4, "median_given": 3, "score": 3, "voters": 5, "criterion": 1,
    # advocacy plans' activities and resources (format 1.2): AP-T1's activity done at the event E-T1; the commune's
    # grant to C-T1 (the source "website" at the commune level: a new office of Klaeng, as a name makes one)
    "activity_no": 1, "description_en": "Raise the canal at the forum", "planned_on": "2023-03-01",
    "done_on": "2023-03-01", "resource_id": "RS-T1", "amount": 3000, "quantity": "", "given_from": "",
    "given_to": "",
    # stories (format 1.2): ST-T1, told in Klaeng, linked to the CBO C-T1 (story_links' first link type is cbo; its
    # target in TEMPLATE_WORDS: the indicators' target is a number)
    "story_id": "ST-T1", "told_on": "2023-03-01",
}
#: Vocabulary columns whose first word does not fit the row TEMPLATE_VALUES makes: a village office (or an
#: issue addressed to one) needs a village, which the template's CBO does not record.
TEMPLATE_WORDS = {("offices", "level"): "commune", ("issues", "duty_bearer_level"): "commune",
                  ("joint_plan_actions", "responsible_level"): "commune", ("advocacy_plans", "status"): "active",
                  ("advocacy_plans", "duty_bearer_level"): "commune", ("plan_activities", "status"): "done",
                  ("joint_plans", "origin"): "scorecard_interface",  # the JAAP of the scorecard SC-T1
                  ("story_links", "target"): "C-T1"}
PROGRAMME_ROWS = [["name", "Test programme"], ["code", "TP"], ["donors", "A donor"], ["start", "2023-01-01"],
                  ["end", "2025-12-31"]]


def template_facility():
    """The facility FAC-T1 (a health centre in Klaeng) that the filled template's scorecard names: facilities are
    the knowledge-base workbook's, already in Samleng."""
    from samleng.places.models import Facility, Place
    from samleng.places.services import office_of_place

    klaeng = Place.objects.get(code="060603")
    return Facility.objects.create(facility_id="FAC-T1", type="health_centre", name_en="Klaeng health centre",
                                   province=klaeng.parent.parent, district=klaeng.parent, commune=klaeng,
                                   answered_by=office_of_place(user=None, place=klaeng.parent))


def first_word(comment: str) -> str | None:
    """The first word a comment lists ("One of: a, b, c."), in its English part."""
    found = re.search(r"One of: ([^,.]+)", comment)
    return found.group(1).strip() if found else None


def template_fill(book, kind: str) -> None:
    """Fill a blank template (an openpyxl workbook of the upload page's template) with one row per sheet, as
    its comments say: the first word a vocabulary column lists, yes for yes/no, else TEMPLATE_VALUES."""
    for sheet in book.worksheets:
        if sheet.title.startswith("_"):
            continue
        if sheet.title == "programme":
            for row in PROGRAMME_ROWS:
                sheet.append(row)
            continue
        row = []
        for cell in sheet[1]:
            comment = cell.comment.text
            word = TEMPLATE_WORDS.get((sheet.title, cell.value)) or first_word(comment)
            if word is not None:
                value = word
            elif "yes or no" in comment:
                value = "yes"
            else:
                value = TEMPLATE_VALUES[cell.value]
            if kind == "budget" and cell.value == "code":
                value = "x_test"  # a category of the workbook's own, used by its budget line
            row.append(value)
        sheet.append(row)
