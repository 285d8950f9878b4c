"""Rate limits shared by every app server (accounts/limits.py): the buckets, the client address behind a proxy,
and the 429 answers of the password reset, the JSON API and the public forms."""

import datetime as dt

import pytest
from django.core import mail
from django.db.models import F
from django.test import Client, RequestFactory
from django.utils import timezone

from samleng.accounts import limits
from samleng.accounts.models import LimitBucket


def request(remote: str = "203.0.113.9", forwarded: str | None = None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory(**meta).get("/")


# ---- rates -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("20/15m", limits.Rate(20, 900.0)), ("5/h", limits.Rate(5, 3600.0)), ("300 / m", limits.Rate(300, 60.0)),
    ("1/2d", limits.Rate(1, 172800.0)), ("0", None), ("", None), ("0/m", None),
])
def test_rates_are_read_from_the_settings_form(text, expected):
    assert limits.Rate.parse(text) == expected


@pytest.mark.parametrize("text", ["20", "20/15", "x/m", "20/15 minutes"])
def test_a_malformed_rate_is_an_error(text):
    with pytest.raises(ValueError):
        limits.Rate.parse(text)


# ---- the client address ---------------------------------------------------------------------------------------


def test_without_trusted_proxies_the_socket_address_counts_and_the_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    assert limits.client_address(request("203.0.113.9", "198.51.100.1")) == "203.0.113.9"


def test_behind_a_trusted_proxy_the_forwarded_address_counts(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert limits.client_address(request("10.0.0.2", "198.51.100.1")) == "198.51.100.1"
    # Through two proxies of ours: the first address not ours.
    assert limits.client_address(request("10.0.0.2", "198.51.100.1, 10.0.0.7")) == "198.51.100.1"


def test_a_client_cannot_choose_its_address_by_sending_the_header(settings):
    """What a client writes lands left of what the proxy appends: read from the right, it never counts."""
    settings.TRUSTED_PROXIES = ["10.0.0.2"]
    assert limits.client_address(request("10.0.0.2", "1.2.3.4, 198.51.100.1")) == "198.51.100.1"


def test_the_header_from_an_untrusted_address_is_ignored(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.2"]
    assert limits.client_address(request("203.0.113.9", "198.51.100.1")) == "203.0.113.9"


def test_an_ipv6_client_is_counted_by_its_64_network():
    assert limits.address_key("2001:db8:1:2:aaaa::1") == limits.address_key("2001:db8:1:2:bbbb::9")
    assert limits.address_key("2001:db8:1:2::1") != limits.address_key("2001:db8:1:3::1")
    assert limits.address_key("::ffff:203.0.113.9") == "203.0.113.9"


# ---- the buckets ---------------------------------------------------------------------------------------------


def test_a_bucket_allows_count_uses_then_refuses_with_the_wait(db):
    rate = limits.Rate(3, 60.0)
    assert [limits.take("k", rate).allowed for _ in range(4)] == [True, True, True, False]
    refused = limits.take("k", rate)
    assert not refused.allowed and 1 <= refused.retry_after <= 20
    # 20 seconds later one use is back.
    LimitBucket.objects.update(updated=F("updated") - dt.timedelta(seconds=20))
    assert limits.take("k", rate).allowed
    assert not limits.take("k", rate).allowed


def test_a_limit_turned_off_counts_nothing(db):
    assert all(limits.take("k", None).allowed for _ in range(100))
    assert not LimitBucket.objects.exists()


def test_addresses_and_names_are_kept_only_as_keyed_hashes(db, settings):
    settings.LIMIT_API = "5/m"
    Client(REMOTE_ADDR="203.0.113.77").get("/api/places/", {"q": "Sandan"})
    bucket = LimitBucket.objects.get()
    assert "203.0.113.77" not in bucket.key and len(bucket.key) == 64
    assert bucket.key == limits.keyed_hash("LIMIT_API", "203.0.113.77")
    settings.SECRET_KEY = "another-key-" * 4
    assert bucket.key != limits.keyed_hash("LIMIT_API", "203.0.113.77")


def test_buckets_full_again_are_deleted(db):
    rate = limits.Rate(2, 60.0)
    limits.take("old", rate)
    LimitBucket.objects.filter(key="old").update(full_at=timezone.now() - dt.timedelta(seconds=1))
    limits.take("kept", rate)
    limits.take("new", rate)
    assert set(LimitBucket.objects.values_list("key", flat=True)) == {"kept", "new"}


def test_a_bucket_is_full_again_when_its_period_has_refilled_it(db):
    limits.take("k", limits.Rate(4, 60.0))
    limits.take("k", limits.Rate(4, 60.0))
    bucket = LimitBucket.objects.get()
    assert abs((bucket.full_at - bucket.updated).total_seconds() - 30) < 0.5  # less what refilled in between


# ---- 429 -------------------------------------------------------------------------------------------------------


def assert_429(response):
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1


def test_the_json_api_answers_429_in_both_languages(db, settings):
    settings.LIMIT_API = "3/m"
    client = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(3):
        assert client.get("/api/places/", {"q": "Sandan"}).status_code == 200
    response = client.get("/api/places/", {"q": "Sandan"})
    assert_429(response)
    body = response.json()
    assert body["detail"].startswith("Too many requests") and "សំណើច្រើនពេក" in body["detail_km"]
    assert 1 <= int(response["Retry-After"]) <= 20
    # Another client is not affected.
    assert Client(REMOTE_ADDR="198.51.100.20").get("/api/places/", {"q": "Sandan"}).status_code == 200


def test_clients_behind_the_trusted_proxy_are_limited_each_on_its_own(db, settings):
    settings.LIMIT_API, settings.TRUSTED_PROXIES = "2/m", ["10.0.0.2"]
    proxy = Client(REMOTE_ADDR="10.0.0.2")
    for _ in range(2):
        proxy.get("/api/places/", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert_429(proxy.get("/api/places/", HTTP_X_FORWARDED_FOR="198.51.100.1"))
    assert proxy.get("/api/places/", HTTP_X_FORWARDED_FOR="198.51.100.2").status_code == 200


@pytest.mark.parametrize("path", ["/places/?q=Kleng", "/budgets/?q=Kleng", "/communities/?q=fish",
                                  "/public/issues/?q=canal"])
def test_public_forms_answer_429_when_used_too_often(db, settings, path):
    settings.LIMIT_PUBLIC_FORMS = "2/m"
    client = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(2):
        assert client.get(path).status_code == 200
    response = client.get(path)
    assert_429(response)
    html = response.content.decode()
    assert "Too many requests from your connection" in html and "សំណើច្រើនពេកពីការតភ្ជាប់របស់អ្នក" in html


def test_public_pages_without_a_form_submitted_are_not_counted(db, settings):
    settings.LIMIT_PUBLIC_FORMS = "1/m"
    client = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(3):
        assert client.get("/places/").status_code == 200
        assert client.get("/communities/").status_code == 200
    assert not LimitBucket.objects.exists()


def test_the_language_switch_is_a_public_form_too(db, settings):
    settings.LIMIT_PUBLIC_FORMS = "2/m"
    client = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(2):
        assert client.post("/i18n/setlang/", {"language": "en", "next": "/"}).status_code == 302
    assert_429(client.post("/i18n/setlang/", {"language": "en", "next": "/"}))


@pytest.fixture
def rep_with_email(world):
    world.cbo_user.email = "rep@example.org"
    world.cbo_user.save()
    return world.cbo_user


def test_a_burst_of_password_resets_sends_few_mails(rep_with_email, settings):
    """Today's bug: 11 requests sent 11 mails. Now the address gets 429 after its limit."""
    settings.LIMIT_PASSWORD_RESET = "5/h"
    client = Client(REMOTE_ADDR="203.0.113.9")
    answers = [client.post("/password-reset/", {"email": "rep@example.org"}).status_code for _ in range(11)]
    assert answers == [302] * 5 + [429] * 6
    assert len(mail.outbox) == 5


def test_one_mailbox_gets_few_mails_whatever_the_addresses_asking(rep_with_email, settings):
    settings.LIMIT_PASSWORD_RESET = "3/h"
    for i in range(8):
        response = Client(REMOTE_ADDR=f"203.0.113.{i + 1}").post("/password-reset/", {"email": "REP@example.org"})
        assert response.status_code == 302 and response.url == "/password-reset/sent/"  # the page says the same
    assert len(mail.outbox) == 3


def test_showing_the_reset_form_is_not_counted(db, settings):
    settings.LIMIT_PASSWORD_RESET = "1/h"
    client = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(3):
        assert client.get("/password-reset/").status_code == 200


def test_browsing_a_public_list_or_the_budget_places_is_not_a_form(db, settings):
    settings.LIMIT_PUBLIC_FORMS = "1/m"
    client = Client(REMOTE_ADDR="203.0.113.9")
    for path in ("/communities/?page=2", "/budgets/?in=06", "/places/?parent=06", "/budgets/?q="):
        assert client.get(path).status_code in {200, 404}
    assert not LimitBucket.objects.exists()
