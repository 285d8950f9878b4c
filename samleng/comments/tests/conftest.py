import pytest


@pytest.fixture(autouse=True)
def _no_comment_limit(settings):
    """The per-address limit on comments is off except where a test turns it on (test_form.py)."""
    settings.LIMIT_COMMENTS = "0"


@pytest.fixture
def facility(db):
    """Klaeng commune office (Sandan, Kampong Thom), answered for by the commune's administration."""
    from samleng.conftest import place
    from samleng.places.models import Facility
    from samleng.places.services import office_of_place

    klaeng = place("060603")
    return Facility.objects.create(
        facility_id="FAC-060603-CO", type=Facility.Type.COMMUNE_OFFICE, name_en="Klaeng commune office",
        name_km="សាលាឃុំក្លែង", province=klaeng.parent.parent, district=klaeng.parent, commune=klaeng,
        answered_by=office_of_place(user=None, place=klaeng))
