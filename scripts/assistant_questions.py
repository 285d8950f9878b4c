"""Writes the assistant's shipped evaluation set (samleng/assistant/eval/questions.json) from the demo data: run it
in a database that `samleng setup --demo` made (`samleng shell < scripts/assistant_questions.py`). The expected
figures are read from the budget selectors the budget pages use, and the expected sources are the demo records'
own keys; the wordings are written here: the FAQ's and services' own questions and names, templates of budget
questions in both languages, and a third of them misspelt (a letter dropped or doubled, another romanisation,
Khmer without spaces or with zero-width spaces)."""

import json
import random
from pathlib import Path

from samleng.assistant.models import FaqEntry, Service
from samleng.budgets.selectors import unit_budget
from samleng.core.khmer import to_khmer_digits

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

for q, lang in [("What will the weather be tomorrow?", "en"), ("Who won the football match?", "en"),
                ("budget of Atlantis commune 2024", "en"), ("Klaeng commune budget 1900", "en"),
                ("ថវិកាឃុំក្លែងឆ្នាំ១៩០០", "km"), ("😀😀", "en"), ("<script>alert(1)</script>", "en"),
                ("'; DROP TABLE assistant_faqentry; --", "en"), ("តើអាកាសធាតុថ្ងៃស្អែកយ៉ាងម៉េច?", "km"),
                ("Klaeng budget 2031", "en"), ("", "km")]:
    add(q, lang, "none")

OUT.write_text(json.dumps(questions, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
print(len(questions), "questions,", sum(q["variant"] == "misspelt" for q in questions), "misspelt")
