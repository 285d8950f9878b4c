"""The chat page: a POST form without JavaScript, in Khmer and English; the earlier turns travel in the page (never
stored); sources linked; bad input answered politely and escaped."""

import pytest
from django.urls import reverse

from samleng.assistant.models import FaqEntry, Service
from samleng.assistant.tests.test_answers import world  # noqa: F401 (the fixture)
from samleng.conftest import anonymous, english

URL = "/assistant/"


def khmer(client):
    client.cookies["samleng_language"] = "km"
    return client


def post(client, **data):
    response = client.post(URL, data)
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_in_khmer_and_english_with_suggested_questions(world):  # noqa: F811
    page = anonymous().get(URL).content.decode()
    assert 'method="post"' in page and 'name="q"' in page
    assert "Klaeng" in english(anonymous()).get(URL).content.decode()


def test_asking_in_khmer_gives_the_figure_of_the_budget_page_and_its_link(world):  # noqa: F811
    page = post(khmer(anonymous()), q="ថវិកាឃុំក្លែងឆ្នាំ២០២៤ប៉ុន្មាន?")
    assert "៥០៥,០០០,០០០" in page
    assert reverse("budgets:unit", args=["060603"]) + "?year=2024" in page


def test_earlier_turns_are_carried_in_the_page_and_escaped(world):  # noqa: F811
    client = english(anonymous())
    page = post(client, q="What is the CSF?", turn_q=["<b>first</b>"], turn_a=["<i>an answer</i>"])
    assert "&lt;b&gt;first&lt;/b&gt;" in page and "<b>first</b>" not in page
    assert page.count('name="turn_q"') == 2  # the earlier turn and this one
    assert "national fund" in page
    assert FaqEntry.objects.count() == 2 and Service.objects.count() == 1  # nothing written


@pytest.mark.parametrize("q", ["", "😀", "<script>alert(1)</script>", "x" * 10_000, "'; DROP TABLE x; --"])
def test_bad_input_is_answered_politely(world, q):  # noqa: F811
    page = post(english(anonymous()), q=q)
    assert "<script>alert(1)</script>" not in page
    if len(q) > 500:
        assert "at most 500 characters" in page


def test_a_faq_source_link_shows_the_entry(world):  # noqa: F811
    page = english(anonymous()).get(URL, {"faq": "FAQ-BUD-02"}).content.decode()
    assert "national fund" in page
    assert english(anonymous()).get(URL, {"faq": "nope"}).status_code == 200


def test_linked_from_the_home_page(db):
    assert 'href="/assistant/"' in anonymous().get("/").content.decode()
