"""Workbooks for the tests, written as people would: an .xlsx file (openpyxl) or a folder of .csv files."""

import csv
import datetime as dt
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
