"""The migrations that made offices of text: advocacy 0006 (an issue's duty bearer, a commitment's authority)
and accounts 0004 (an authority's unit becomes its administration), run forward on records of the old shape."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from samleng.conftest import place
from samleng.places.models import Place
from samleng.places.services import gazetteer_load

BEFORE = [("advocacy", "0005_remove_event_links"), ("accounts", "0003_recovery_codes_limit_buckets")]


def migrate(targets=None):
    """Migrate to `targets`, or to the latest of every app (whatever going back undid, so that the tests
    after this one find the schema they expect); the models as they are there."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def gazetteer(transactional_db):
    """The places this test reads, its own: the session's gazetteer is gone when a test of transaction=True ran
    before it (each ends by emptying every table: core's test_pgload does, run first), as in the browser tests."""
    if not Place.objects.exists():
        gazetteer_load()


@pytest.mark.django_db(transaction=True)
def test_text_becomes_offices_and_units_become_administrations(gazetteer):
    old = migrate(BEFORE)
    try:
        CBO, Issue, Commitment = (old.get_model("cbos", "CBO"), old.get_model("advocacy", "Issue"),
                                  old.get_model("advocacy", "Commitment"))
        User = old.get_model("accounts", "User")
        Place = old.get_model("places", "Place")
        kleng = Place.objects.get(code="060603")
        cbo = CBO.objects.create(cbo_id="CBO-M", name_en="M", type="community_fishery", province=kleng.parent.parent,
                                 district=kleng.parent, commune=kleng)
        named = Issue.objects.create(issue_id="I-M1", cbo=cbo, title_en="x", topic="water", duty_bearer_level="commune",
                                     duty_bearer="Kleng commune council", raised_on=dt.date(2023, 1, 1))
        unnamed = Issue.objects.create(issue_id="I-M2", cbo=cbo, title_en="y", topic="water",
                                       duty_bearer_level="district", duty_bearer="", raised_on=dt.date(2023, 1, 1))
        national = Issue.objects.create(issue_id="I-M3", cbo=cbo, title_en="z", topic="water",
                                        duty_bearer_level="national", duty_bearer="", raised_on=dt.date(2023, 1, 1))
        Commitment.objects.create(issue=named, made_on=dt.date(2023, 2, 1), authority="KLENG commune council",
                                  promise="p")
        Commitment.objects.create(issue=named, made_on=dt.date(2023, 2, 2), authority="ស្រុកសណ្ដាន់", promise="q")
        User.objects.create(username="chief", role="authority", authority_unit=kleng.parent)
    finally:
        new = migrate()
    Issue, User = new.get_model("advocacy", "Issue"), new.get_model("accounts", "User")
    council = Issue.objects.get(pk=named.pk).duty_bearer
    assert (council.name_en, council.level, council.place.code, council.kind) == (
        "Kleng commune council", "commune", "060603", "council")
    sandan = Issue.objects.get(pk=unnamed.pk).duty_bearer
    assert (sandan.name_en, sandan.name_km, sandan.place.code) == (
        "Sandan district administration", "រដ្ឋបាលស្រុកសណ្ដាន់", "0606")
    assert Issue.objects.get(pk=national.pk).duty_bearer is None
    promises = {c.made_on.day: c.authority for c in new.get_model("advocacy", "Commitment").objects.all()}
    assert promises[1] == council  # the same name, in capitals: the same office
    assert (promises[2].level, promises[2].name_km, promises[2].place.code) == ("district", "ស្រុកសណ្ដាន់", "0606")
    assert User.objects.get(username="chief").office == sandan  # the unit's administration, found
    assert place("0606").offices.count() == 2
