"""The knowledge base in the admin: an administrator adds and changes services, FAQ entries and glossary words
(each change audited; an entry without its question refused in both languages); everyone else (M&E and field
officers, CBO representatives, authorities, visitors) is kept out of these admin pages."""

import pytest
from django.test import Client

from samleng.accounts import services
from samleng.accounts.models import User
from samleng.assistant.models import FaqEntry, Service
from samleng.budgets.models import GlossaryTerm
from samleng.conftest import login, place
from samleng.core.models import AuditEntry
from samleng.places.services import office_of_place

PAGES = ("/admin/assistant/service/", "/admin/assistant/faqentry/", "/admin/budgets/glossaryterm/",
         "/admin/assistant/faqentry/add/")


@pytest.fixture
def admin_client(world):
    boss = services.user_create(username="boss", password="plenty-long-and-odd-77", role=User.Role.ADMIN)
    return login(boss)


def _faq(**values) -> dict:
    return {"faq_id": "FAQ-T-1", "topic": "budget", "question_en": "What is a budget?", "question_km": "",
            "answer_en": "A plan of money.", "answer_km": "ផែនការប្រាក់។", "also_asked": "budget meaning; ថវិកាជាអ្វី",
            "source": "Samleng", "checked_on": "2024-03-15", **values}


def test_an_administrator_adds_and_changes_the_knowledge_base_audited(admin_client):
    for url in PAGES:
        assert admin_client.get(url).status_code == 200, url
    response = admin_client.post("/admin/assistant/faqentry/add/", _faq())
    assert response.status_code == 302
    entry = FaqEntry.objects.get(faq_id="FAQ-T-1")
    assert entry.also_asked_list == ["budget meaning", "ថវិកាជាអ្វី"]
    response = admin_client.post(f"/admin/assistant/faqentry/{entry.pk}/change/", _faq(answer_en="A yearly plan."))
    assert response.status_code == 302
    logged = AuditEntry.objects.filter(object_type="assistant.faqentry", object_id=str(entry.pk))
    assert sorted(logged.values_list("action", flat=True)) == ["create", "update"]
    assert logged.get(action="update").changes == {"answer_en": ["A plan of money.", "A yearly plan."]}
    response = admin_client.post("/admin/budgets/glossaryterm/add/", {
        "term_id": "owso", "term_en": "", "term_km": "ច្រកចេញចូលតែមួយ", "explanation_en": "",
        "explanation_km": "សេវាជាច្រើននៅកន្លែងតែមួយ។"})
    assert response.status_code == 302 and GlossaryTerm.objects.filter(term_id="owso").exists()
    response = admin_client.post("/admin/assistant/service/add/", {
        "service_id": "S-1", "name_en": "Motorbike registration", "name_km": "", "sector": "transport",
        "office_level": "district", "fee_khr": "", "days": "", "source": "Fee board", "checked_on": "2024-03-15"})
    assert response.status_code == 302 and Service.objects.get(service_id="S-1").fee_khr is None


def test_an_entry_without_its_question_is_refused_in_the_admin(admin_client):
    response = admin_client.post("/admin/assistant/faqentry/add/", _faq(question_en=""))
    assert response.status_code == 200 and not FaqEntry.objects.exists()
    assert "ធាតុនីមួយៗត្រូវមានសំណួរជាភាសាអង់គ្លេស ឬជាភាសាខ្មែរ។" in response.content.decode()  # Khmer first
    admin_client.cookies["samleng_language"] = "en"
    response = admin_client.post("/admin/budgets/glossaryterm/add/", {"term_id": "x", "term_en": "a word"})
    assert "A glossary entry needs its explanation in English or in Khmer." in response.content.decode()
    assert not GlossaryTerm.objects.exists()


def test_no_one_else_reaches_the_knowledge_base_in_the_admin(world):
    office = office_of_place(user=None, place=place("060603"))
    authority = services.user_create(username="auth", password="plenty-long-and-odd-77", role=User.Role.AUTHORITY,
                                     office=office)
    for user in (world.me_officer, world.officer, world.cbo_user, authority):
        client = login(user)
        for url in PAGES:
            assert client.get(url, follow=True).status_code == 403, (user.username, url)
    assert not Client().get(PAGES[0]).url.startswith(PAGES[0])  # a visitor is sent to the login
    assert Client().post("/admin/assistant/faqentry/add/", _faq()).status_code == 302
    assert not FaqEntry.objects.exists()
