"""core.bulk.records_update_many: each record gets its own values (text, dates, numbers, NULL), the other
records and fields are untouched; on PostgreSQL in one statement per 5,000 records."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from samleng.advocacy.models import Issue
from samleng.cbos.tests.factories import make_cbos
from samleng.core.bulk import records_update_many
from samleng.engagement.tests.factories import IssueFactory


def test_each_record_gets_its_own_values_and_nothing_else_changes(db):
    cbo = make_cbos(1)[0]
    issues = [IssueFactory(cbo=cbo, people_affected=10 * n) for n in range(4)]
    titles = {issue.pk: issue.title_en for issue in issues}
    untouched = issues.pop()
    for n, issue in enumerate(issues):
        issue.status = ["raised", "solved", "in_dialogue"][n]
        issue.raised_on = dt.date(2020 + n, 1 + n, 1)
        issue.people_affected = None if n == 1 else 100 + n
        issue.title_en = "renamed in memory only"  # not among the fields written
    with CaptureQueriesContext(connection) as queries:
        assert records_update_many(model=Issue, fields=("status", "raised_on", "people_affected"),
                                   records=issues) == 3
    if connection.vendor == "postgresql":
        assert len(queries) == 1
    stored = {i.pk: (i.status, i.raised_on, i.people_affected) for i in Issue.objects.all()}
    assert stored == {
        issues[0].pk: ("raised", dt.date(2020, 1, 1), 100),
        issues[1].pk: ("solved", dt.date(2021, 2, 1), None),
        issues[2].pk: ("in_dialogue", dt.date(2022, 3, 1), 102),
        untouched.pk: (untouched.status, untouched.raised_on, 30),
    }
    assert dict(Issue.objects.values_list("pk", "title_en")) == titles


def test_text_with_quotes_braces_and_commas_is_stored_as_given(db):
    cbo = make_cbos(1)[0]
    issues = [IssueFactory(cbo=cbo) for _n in range(3)]
    titles = ['a "quoted", {braced} title', "ចំណងជើង, NULL", "back\\slash"]
    for issue, title in zip(issues, titles, strict=True):
        issue.title_en = title
    records_update_many(model=Issue, fields=("title_en",), records=issues)
    assert [Issue.objects.get(pk=i.pk).title_en for i in issues] == titles
