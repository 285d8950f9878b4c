"""Issue 11: facilities are imported from the knowledge-base workbook "or added by staff": an administrator adds one
in the admin (audited) and it is offered at once on its commune's comment form; one whose places do not hold
together (a commune of another district, a district of another province, no name) is refused on its field in
Khmer and English, and nothing is stored. Others cannot add one."""

from samleng.accounts.models import User
from samleng.accounts.services import user_create
from samleng.conftest import anonymous, login, login_en, make_user, place
from samleng.core.models import AuditEntry
from samleng.places.models import Facility
from samleng.places.services import office_of_place

ADD = "/admin/places/facility/add/"


def administrator() -> User:
    return user_create(username="boss", password="plenty-long-and-odd-77", role="admin")  # staff, for the admin


def data(**changes):
    klaeng = place("060603")
    fields = {"facility_id": "FAC-060603-HC", "type": "health_centre", "name_en": "Klaeng health centre",
              "name_km": "មណ្ឌលសុខភាពក្លែង", "province": klaeng.parent.parent.pk, "district": klaeng.parent.pk,
              "commune": klaeng.pk, "answered_by": office_of_place(user=None, place=klaeng).pk, "active": "on"}
    fields.update(changes)
    return fields


def test_an_administrator_adds_a_facility_and_it_is_offered_on_the_comment_form(db):
    assert "Klaeng health centre" not in anonymous().get("/comments/new/060603/").content.decode()
    admin = administrator()
    response = login_en(admin).post(ADD, data())
    assert response.status_code == 302 and response.url == "/admin/places/facility/", response.url
    facility = Facility.objects.get(facility_id="FAC-060603-HC")
    assert AuditEntry.objects.filter(user=admin, object_id=str(facility.pk)).exists()
    assert "Klaeng health centre" in anonymous().get("/comments/new/060603/").content.decode()


def test_places_that_do_not_hold_together_are_refused_in_both_languages(db):
    admin = administrator()
    other_commune = place("100610")  # Kratie: not in Sandan
    cases = [
        ({"commune": other_commune.pk}, "commune", "This place is not a commune or sangkat of the district chosen.",
         "មិនមែនជាឃុំ ឬសង្កាត់នៃស្រុកដែលបានជ្រើសរើសទេ"),
        ({"district": place("1006").pk}, "district", "This place is not a district of the province chosen.",
         "មិនមែនជាស្រុកនៃខេត្តដែលបានជ្រើសរើសទេ"),
        ({"province": place("0606").pk}, "province", "This place is not a province.", "មិនមែនជាខេត្តទេ"),
        ({"name_en": "", "name_km": ""}, "name_en", "A facility needs a name", None),
    ]
    for changes, field, english, khmer in cases:
        response = login_en(admin).post(ADD, data(**changes))
        assert response.status_code == 200 and english in str(response.context["adminform"].form.errors[field])
        if khmer:
            assert khmer in login(admin).post(ADD, data(**changes)).content.decode()
    assert not Facility.objects.exists()


def test_others_cannot_add_a_facility(db):
    for role in (User.Role.AUTHORITY, User.Role.FIELD_OFFICER, User.Role.CBO_REP):
        user = make_user(f"someone-{role}", role, **({"authority_unit": place("060603")}
                                                     if role == User.Role.AUTHORITY else {}))
        response = login_en(user).post(ADD, data())
        assert response.status_code in (302, 403)
    assert not Facility.objects.exists()
