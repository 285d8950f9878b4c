import re

import pytest
from django.core import mail
from django.test import Client

from samleng.accounts.tests.helpers import log_in_with_password
from samleng.core.models import AuditEntry


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def rep_with_email(world):
    world.cbo_user.email = "rep@example.org"
    world.cbo_user.save()
    return world.cbo_user


def test_reset_page_renders(db):
    response = Client().get("/password-reset/")
    assert response.status_code == 200
    assert 'name="email"' in response.content.decode()


def test_reset_sends_a_mail_with_a_working_link(rep_with_email):
    client = Client()
    response = client.post("/password-reset/", {"email": "rep@example.org"})
    assert response.status_code == 302 and response.url == "/password-reset/sent/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["rep@example.org"]
    assert "Samleng" in message.subject and "\n" not in message.subject
    assert "rep" in message.body
    link = re.search(r"http://testserver(/password-reset/\S+/\S+/)", message.body).group(1)

    response = client.get(link)  # Django swaps the token for a session value, then shows the form
    assert response.status_code == 302
    form_url = response.url
    page = client.get(form_url)
    assert page.context["validlink"]
    new = "a-fresh-passphrase-2024"
    response = client.post(form_url, {"new_password1": new, "new_password2": new})
    assert response.status_code == 302 and response.url == "/password-reset/done/"
    assert client.get(response.url).status_code == 200
    rep_with_email.refresh_from_db()
    assert rep_with_email.check_password(new)
    assert AuditEntry.objects.filter(object_id=str(rep_with_email.pk), summary__contains="reset").exists()
    assert log_in_with_password(Client(), "rep", new).status_code == 302
    # The link works once.
    assert not client.get(link, follow=True).context["validlink"]


def test_reset_for_an_unknown_address_says_the_same_and_sends_nothing(rep_with_email):
    response = Client().post("/password-reset/", {"email": "stranger@example.org"})
    assert response.status_code == 302 and response.url == "/password-reset/sent/"
    assert mail.outbox == []


def test_a_broken_link_says_so(db):
    response = Client().get("/password-reset/MQ/not-a-token/")
    assert response.status_code == 200
    assert not response.context["validlink"]
    assert "does not work" in response.content.decode()
