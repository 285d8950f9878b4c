"""Rules of events and assessments that the staff pages (services) and the workbook (sheets) both apply,
written once here."""

import datetime as dt

#: The participant counts that break the total down: each is part of the total, none may exceed it, and
#: none may be given without it.
BREAKDOWNS = ("participants_female", "participants_youth", "participants_indigenous", "participants_disability")

#: The years a mechanism may be assessed for: from this one to next year.
FIRST_ASSESSMENT_YEAR = 1990


def last_assessment_year(today: dt.date) -> int:
    return today.year + 1
