"""Rules of issues and their updates that the staff pages (services) and the workbook (sheets) both apply,
written once here."""

from samleng.advocacy.models import CLOSED_STATUSES

#: Counts that are part of another: (part, total). No more women than people in all.
ISSUE_PARTS = (("people_affected_female", "people_affected"),)
UPDATE_PARTS = (("people_benefited_female", "people_benefited"),)


def is_open_main(is_main: bool, status: str) -> bool:
    """Whether an issue with this status counts as its CBO's open main issue: a CBO has at most one at a
    time (the pages refuse a second, and so does the workbook, counting its rows and what is stored)."""
    return bool(is_main) and status not in CLOSED_STATUSES
