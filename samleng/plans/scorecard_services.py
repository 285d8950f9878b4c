"""Every write of community scorecards: the workbook's many at once (samleng.plans.scorecard_sheets checked
them first). Counts only: no service takes a voter."""

from collections.abc import Iterable, Mapping
from typing import Any

from samleng.core.bulk import UpsertResult, records_upsert_many
from samleng.plans.scorecard_models import Criterion, Scorecard, ScoreCount


def scorecard_upsert_many(*, user, rows: Iterable[Mapping[str, Any]]) -> UpsertResult:
    """Create or update scorecards matched on scorecard_id (facility and places as primary keys)."""
    return records_upsert_many(user=user, model=Scorecard, key=("scorecard_id",), rows=rows)


def criterion_upsert_many(*, user, rows: Iterable[Mapping[str, Any]]) -> UpsertResult:
    """Create or update scorecards' criteria matched on (scorecard, number)."""
    return records_upsert_many(user=user, model=Criterion, key=("scorecard_id", "number"), rows=rows)


def score_count_upsert_many(*, user, rows: Iterable[Mapping[str, Any]]) -> UpsertResult:
    """Create or update the counts of voters matched on (criterion, group, score)."""
    return records_upsert_many(user=user, model=ScoreCount, key=("criterion_id", "group", "score"), rows=rows)
