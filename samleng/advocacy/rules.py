"""Rules of issues and their updates that the staff pages (services) and the workbook (sheets) both apply, and
those the services and the selectors share, written once here."""

from samleng.advocacy.models import CLOSED_STATUSES

#: Counts that are part of another: (part, total). No more women than people in all.
ISSUE_PARTS = (("people_affected_female", "people_affected"),)
UPDATE_PARTS = (("people_benefited_female", "people_benefited"),)


def is_open_main(is_main: bool, status: str) -> bool:
    """Whether an issue with this status counts as its CBO's open main issue: a CBO has at most one at a
    time (the pages refuse a second, and so does the workbook, counting its rows and what is stored)."""
    return bool(is_main) and status not in CLOSED_STATUSES


def project_units(cbo) -> list[str]:
    """The budget units whose projects an issue of `cbo` may have led to: its commune's, district's and province's
    (gazetteer codes, as budgets.Project.unit holds them), the commune first."""
    return [place.code for place in (cbo.commune, cbo.district, cbo.province) if place is not None]
