import pytest
from django.test import Client, RequestFactory

from samleng.accounts import limits, services
from samleng.accounts.models import LimitBucket, User
from samleng.conftest import login, place
from samleng.core.audit import Action, audit_record
from samleng.core.models import AuditEntry
from samleng.places.services import office_of_place


@pytest.fixture
def admin_client(world):
    boss = services.user_create(username="boss", password="plenty-long-and-odd-77", role=User.Role.ADMIN)
    return login(boss)


def test_admin_login_form_is_replaced_by_samleng_login(db):
    response = Client().get("/admin/login/?next=/admin/core/auditentry/")
    assert response.status_code == 302
    assert response.url == "/login/?next=/admin/core/auditentry/"
    response = Client().get("/admin/")
    assert response.status_code == 302 and response.url.startswith("/admin/login/")


def test_admin_refuses_a_logged_in_user_without_admin_rights(world):
    client = login(world.me_officer)
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403


def test_admin_stays_closed_to_a_field_officer_given_is_staff_by_mistake(world):
    world.officer.is_staff = True
    world.officer.save()
    assert login(world.officer).get("/admin/", follow=True).status_code == 403


def test_the_list_of_representatives_in_the_admin_is_audited(admin_client, world):
    assert admin_client.get("/admin/cbos/representative/").status_code == 200
    assert AuditEntry.objects.filter(action=Action.VIEW_PERSONAL, object_type="cbos.representative").exists()


def test_user_admin_pages_never_show_the_totp_secret(admin_client, world):
    secret = services.user_totp_setup(user=world.officer, confirmed=True)
    for url in ["/admin/accounts/user/", f"/admin/accounts/user/{world.officer.pk}/change/",
                "/admin/accounts/user/add/", "/admin/accounts/user/?q=officer"]:
        response = admin_client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert secret not in html and "totp_secret" not in html, url
    change = admin_client.get(f"/admin/accounts/user/{world.officer.pk}/change/").content.decode()
    assert 'name="role"' in change and 'name="provinces"' in change and 'name="office"' in change


def test_user_admin_offers_provinces_only(admin_client, world):
    response = admin_client.get(f"/admin/accounts/user/{world.officer.pk}/change/")
    choices = response.context["adminform"].form.fields["provinces"].queryset
    assert choices.count() == 25


def test_user_admin_checks_role_and_scope_and_audits(admin_client, world):
    url = f"/admin/accounts/user/{world.officer.pk}/change/"
    form = admin_client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "password"}
    data.update(provinces=[], groups=[], user_permissions=[], date_joined_0="", date_joined_1="")
    data = {k: (v if not hasattr(v, "__iter__") or isinstance(v, str) else [getattr(x, "pk", x) for x in v])
            for k, v in data.items()}
    data.pop("last_login", None)
    data.pop("date_joined", None)
    response = admin_client.post(url, data)
    assert response.status_code == 200  # refused: a field officer without a province
    assert "provinces" in response.context["adminform"].form.errors
    data["provinces"] = [place("10").pk]
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    world.officer.refresh_from_db()
    assert list(world.officer.provinces.values_list("code", flat=True)) == ["10"]
    assert AuditEntry.objects.filter(action=Action.UPDATE, object_id=str(world.officer.pk),
                                     summary__contains="admin").exists()


def test_user_admin_actions_unlock_and_reset_two_factor(admin_client, world):
    services.user_totp_setup(user=world.officer, confirmed=True)
    services.recovery_codes_make(user=world.officer)
    request = RequestFactory(REMOTE_ADDR="203.0.113.9").post("/login/")
    services.user_login_failed(request=request, username="officer", user=world.officer)
    for action in ("unlock", "reset_two_factor"):
        response = admin_client.post("/admin/accounts/user/",
                                     {"action": action, "_selected_action": [world.officer.pk]})
        assert response.status_code == 302
    world.officer.refresh_from_db()
    assert not LimitBucket.objects.filter(subject=limits.username_subject("officer")).exists()
    assert not world.officer.totp_confirmed and not world.officer.totp_secret
    assert not world.officer.recovery_codes.exists()


def test_audit_log_admin_is_read_only(admin_client, world):
    entry = audit_record(user=world.officer, action=Action.VIEW_PERSONAL, obj=world.rep, summary="looked at Sar Mol")
    response = admin_client.get("/admin/core/auditentry/")
    assert response.status_code == 200
    assert "looked at Sar Mol" in response.content.decode()
    assert "/admin/core/auditentry/add/" not in response.content.decode()
    assert admin_client.get("/admin/core/auditentry/add/").status_code == 403
    detail = admin_client.get(f"/admin/core/auditentry/{entry.pk}/change/")
    assert detail.status_code == 200 and 'name="summary"' not in detail.content.decode()  # shown, not editable
    response = admin_client.post(f"/admin/core/auditentry/{entry.pk}/change/", {"summary": "nothing to see"})
    assert response.status_code == 403
    assert admin_client.get(f"/admin/core/auditentry/{entry.pk}/delete/").status_code == 403
    response = admin_client.post("/admin/core/auditentry/",
                                 {"action": "delete_selected", "_selected_action": [entry.pk]})
    entry.refresh_from_db()
    assert entry.summary == "looked at Sar Mol"
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_user_admin_adds_a_user_with_role_and_scope(admin_client, world):
    data = {"username": "kleng-chief", "email": "", "password1": "plenty-long-and-odd-77",
            "password2": "plenty-long-and-odd-77", "role": User.Role.AUTHORITY}
    response = admin_client.post("/admin/accounts/user/add/", data)
    assert response.status_code == 200 and "office" in response.context["adminform"].form.errors
    data["office"] = office_of_place(user=None, place=place("060603")).pk
    response = admin_client.post("/admin/accounts/user/add/", data)
    assert response.status_code == 302
    user = User.objects.get(username="kleng-chief")
    assert user.role == User.Role.AUTHORITY and user.office.place.code == "060603"
    assert AuditEntry.objects.filter(action=Action.CREATE, object_id=str(user.pk)).exists()
