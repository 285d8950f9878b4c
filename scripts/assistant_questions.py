"""Writes the assistant's shipped evaluation set (samleng/assistant/eval/questions.json) from the demo data: run it
in a database that `samleng setup --demo` made (`samleng shell < scripts/assistant_questions.py`). The expected
figures are read from the budget selectors the budget pages use, and the expected sources are the demo records'
own keys; the wordings are written here: the FAQ's and services' own questions and names, templates of budget,
procurement, land concession and comments questions in both languages, and a third of them misspelt (a letter
dropped or doubled, another romanisation, Khmer without spaces or with zero-width spaces) or paraphrased."""

import json
import random
from pathlib import Path

from samleng.assistant.models import FaqEntry, Service
from samleng.budgets.selectors import unit_budget
from samleng.comments.selectors import facilities_at
from samleng.core.khmer import to_khmer_digits
from samleng.places.selectors import place_get
from samleng.transparency.selectors import (
    concession_get,
    concession_names,
    procurement_buyer_year,
    procurement_buyers,
    procurement_project_get,
)

OUT = Path("samleng/assistant/eval/questions.json")
rng = random.Random(12)
questions = []


def add(q, lang, kind, figures=(), sources=(), variant="as written"):
    questions.append({"q": q, "lang": lang, "kind": kind, "figures": list(figures), "sources": list(sources),
                      "variant": variant})


def misspell_en(text):
    words = text.split()
    longest = max(range(len(words)), key=lambda i: len(words[i]))
    word = words[longest]
    cut = rng.randrange(1, len(word) - 1) if len(word) > 3 else 1
    words[longest] = word[:cut] + word[cut + 1:] if rng.random() < 0.5 else word[:cut] + word[cut] + word[cut:]
    return " ".join(words).lower()


def misspell_km(text):
    return text.replace(" ", "") if " " in text else "\u200b".join(text[i:i + 4] for i in range(0, len(text), 4))


ROMANISED = {"Klaeng": "Kleng", "Sandan": "Sanden", "Chheu Teal": "Chheutel", "Mean Rit": "Meanrith",
             "Stueng Saen": "Stung Sen", "Prasat Ballang": "Prasat Balang", "Kracheh": "Kratie",
             "Chet Borei": "Chhet Borey", "Thpong": "Tpong", "Mangkul Bourei": "Mongkol Borei"}
UNITS = ["060603", "060601", "060604", "0606", "0603", "0604", "060401", "1002", "1006", "0508", "0102",
         "050805"]
LEVEL_EN = {2: "district", 3: "commune"}
LEVEL_KM = {2: "ស្រុក", 3: "ឃុំ"}
for i, code in enumerate(UNITS):
    for year in (2024, 2022) if i % 2 == 0 else (2023,):
        data = unit_budget(code, year)
        total, source = data.totals["expenditure"], f"{code}/{year}"
        en, km, level = data.name_en, data.name_km, data.level
        ky = to_khmer_digits(str(year))
        add(f"What is the budget of {en} {LEVEL_EN[level]} in {year}?", "en", "budget", [total], [source])
        add(f"ថវិកា{LEVEL_KM[level]}{km}ឆ្នាំ{ky}ប៉ុន្មាន?", "km", "budget", [total], [source])
        add(f"តើ{LEVEL_KM[level]}{km} ចំណាយប៉ុន្មាន ក្នុងឆ្នាំ {year}?", "km", "budget", [total], [source])
        add(f"how much does {ROMANISED.get(en, en).lower()} {LEVEL_EN[level]} spend in {year}", "en", "budget",
            [total], [source], "misspelt")
        add(misspell_km(f"ថវិកា {LEVEL_KM[level]} {km} ឆ្នាំ {ky}"), "km", "budget", [total], [source], "misspelt")
        projects = [p for p in data.projects if p.fiscal_year == year]
        if projects and year == 2024:
            add(f"Which projects does {en} {LEVEL_EN[level]} have in {year}?", "en", "project",
                [projects[0].cost_khr], [projects[0].project_id])
            add(f"{LEVEL_KM[level]}{km}មានគម្រោងអ្វីខ្លះឆ្នាំ{ky}?", "km", "project", [projects[0].cost_khr],
                [projects[0].project_id])
        if data.per_person["expenditure"] is not None and year == 2024:
            add(f"budget per person of {en} {LEVEL_EN[level]} {year}", "en", "budget",
                [data.per_person["expenditure"]], [source])

for entry in FaqEntry.objects.order_by("faq_id"):
    add(entry.question_en, "en", "faq", [], [entry.faq_id])
    add(entry.question_km, "km", "faq", [], [entry.faq_id])
    if rng.random() < 0.5:
        add(misspell_en(entry.question_en), "en", "faq", [], [entry.faq_id], "misspelt")
    else:
        add(misspell_km(entry.question_km), "km", "faq", [], [entry.faq_id], "misspelt")

for service in Service.objects.order_by("service_id"):
    figures = [service.fee_khr] if service.fee_khr else []
    add(f"What documents do I need for {service.name_en.lower()}?", "en", "service", figures, [service.service_id])
    add(f"{service.name_km}ត្រូវការឯកសារអ្វីខ្លះ?", "km", "service", figures, [service.service_id])
    add(misspell_en(f"how much is {service.name_en}"), "en", "service", figures, [service.service_id], "misspelt")

# Procurement: each buyer's score in a year (as its ranking shows it), projects by their ids.
for i, (_key, (buyer, years)) in enumerate(sorted(procurement_buyers().items())):
    for year in years if i % 2 == 0 else years[:1]:
        row, _count = procurement_buyer_year(buyer, year)
        figures, source, ky = [row.projects, row.disclosed, round(row.score_percent)], f"{row.buyer}/{year}", \
            to_khmer_digits(str(year))
        add(f"What is the disclosure score of {buyer} in {year}?", "en", "procurement", figures, [source])
        add(f"ពិន្ទុនៃការបង្ហាញព័ត៌មានលទ្ធកម្មរបស់ {buyer} ឆ្នាំ{ky}", "km", "procurement", figures, [source])
        add(f"how well does {buyer.lower()} disclose its procurement in {year}", "en", "procurement", figures,
            [source], "paraphrase")
        add(f"{buyer} បង្ហាញព័ត៌មានអំពីលទ្ធកម្មបានប៉ុន្មានភាគរយ ក្នុងឆ្នាំ {year}?", "km", "procurement", figures,
            [source], "paraphrase")
for project_id in ("MEF-2024-001", "MOPWT-2024-017", "MAFF-2023-001", "MEF-2023-001", "MOI-2024-003",
                   "MOEYS-2023-005"):
    project = procurement_project_get(project_id)
    if project is None:
        continue
    figures = [project.value_khr] if project.value_khr is not None else []
    add(f"What was disclosed about procurement project {project.project_id}?", "en", "procurement", figures,
        [project.project_id])
    add(f"គម្រោងលទ្ធកម្ម {project.project_id} មានតម្លៃប៉ុន្មាន?", "km", "procurement", figures, [project.project_id])
    add(f"value of {project.project_id.lower()}", "en", "procurement", figures, [project.project_id], "misspelt")
add("MEF procurement disclosure score 2019", "en", "none")
add("ពិន្ទុលទ្ធកម្មរបស់ MEF ឆ្នាំ២០១៩", "km", "none")

# Land concessions: by name in either language, by company, by number.
for pk, elc_id, _text in concession_names():
    concession = concession_get(pk=pk)
    figures = [round(concession.area_ha)] if concession.area_ha is not None else []
    figures.append(concession.disclosures.count())
    add(f"What is known about the {concession.name}?", "en", "concession", figures, [elc_id])
    add(f"តើមានព័ត៌មានអ្វីខ្លះអំពី{concession.name_km}?", "km", "concession", figures, [elc_id])
    add(f"which documents of the land concession of {concession.company} were disclosed?", "en", "concession",
        figures, [elc_id], "paraphrase")
    add(misspell_km(concession.name_km), "km", "concession", figures, [elc_id], "misspelt")
    add(elc_id.lower(), "en", "concession", figures, [elc_id], "misspelt")

# What people say about a public service point: One Window Service offices, district offices and health centres.
# The demo has no comments: every answer says fewer than 5 are published and states no figure.
for code in ("0606", "0603", "0604", "1006", "1002", "0508", "1503"):
    for facility in facilities_at(place_get(code)):
        district = ROMANISED.get(place_get(code).name_en, place_get(code).name_en)
        add(f"What do people say about {facility.name_en}?", "en", "comments", [], [facility.facility_id])
        add(f"តើប្រជាជននិយាយអ្វីខ្លះអំពី{facility.name_km}?", "km", "comments", [], [facility.facility_id])
        if facility.type == "one_window_service":
            add(f"any complaints about the one window office of {district.lower()}?", "en", "comments", [],
                [facility.facility_id], "paraphrase")
            add(f"មតិរបស់ប្រជាពលរដ្ឋអំពី{misspell_km(facility.name_km)}", "km", "comments", [],
                [facility.facility_id], "misspelt")
for code in ("060603", "060601", "100610"):
    for facility in facilities_at(place_get(code)):
        if facility.type == "health_centre":
            add(f"What do people say about {facility.name_en}?", "en", "comments", [], [facility.facility_id])
            add(f"តើប្រជាជននិយាយអ្វីខ្លះអំពី{facility.name_km}?", "km", "comments", [], [facility.facility_id])
            add(f"reviews of the {facility.name_en.lower()}", "en", "comments", [], [facility.facility_id],
                "paraphrase")

for q, lang in [("What will the weather be tomorrow?", "en"), ("Who won the football match?", "en"),
                ("budget of Atlantis commune 2024", "en"), ("Klaeng commune budget 1900", "en"),
                ("ថវិកាឃុំក្លែងឆ្នាំ១៩០០", "km"), ("😀😀", "en"), ("<script>alert(1)</script>", "en"),
                ("'; DROP TABLE assistant_faqentry; --", "en"), ("តើអាកាសធាតុថ្ងៃស្អែកយ៉ាងម៉េច?", "km"),
                ("Klaeng budget 2031", "en"), ("", "km")]:
    add(q, lang, "none")

OUT.write_text(json.dumps(questions, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
print(len(questions), "questions,", sum(q["variant"] == "misspelt" for q in questions), "misspelt,",
      sum(q["variant"] == "paraphrase" for q in questions), "paraphrased")
