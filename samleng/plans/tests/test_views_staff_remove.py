"""Removing a joint plan's recommendation or action entered by mistake: asked on a page that says what goes with it
(a recommendation's actions, with their count; an action's updates, confirmed or not, and their evidence), done by
a POST, audited, in one transaction. Staff of the plan's province only: the plan's authority's users get a 403 (they
follow it), a field officer of another province and anyone else a 404, the public is sent to log in."""

import datetime as dt
import re

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from samleng.conftest import anonymous, assert_login_redirect, login, login_en, make_user
from samleng.core.models import AuditEntry
from samleng.places.models import Place
from samleng.places.services import office_of_place
from samleng.plans import staff_services
from samleng.plans.models import Action, ActionUpdate, JointPlan, Recommendation
from samleng.plans.services import action_update_post

D = dt.date


@pytest.fixture
def plan(world):
    sandan = office_of_place(user=None, place=Place.objects.get(code="0606"))
    plan = JointPlan.objects.create(joint_plan_id="JP-1", title_en="Joint recommendations", origin="forum",
                                    authority=sandan, province=world.kampong_thom, endorsed_on=D(2022, 1, 10))
    first = Recommendation.objects.create(plan=plan, number=1, text_en="Publish the budget")
    second = Recommendation.objects.create(plan=plan, number=2, text_en="Announce the meetings")
    for action_id, what, recommendation in (("JP-1-A1", "Post the budget", first),
                                            ("JP-1-A2", "Read the budget aloud", first),
                                            ("JP-1-A3", "Post the meetings' days", second)):
        Action.objects.create(action_id=action_id, plan=plan, what_en=what, responsible_type="office",
                              responsible_office=sandan, due_on=D(2022, 3, 1), recommendation=recommendation)
    return plan


def _seen(page: str) -> str:
    return re.search(r'name="seen" value="([^"]*)"', page).group(1)


def _follow(client) -> str:
    return client.get(reverse("plans:follow", args=["JP-1"])).content.decode()


@pytest.mark.django_db
def test_a_field_officer_removes_an_action_with_its_updates_and_evidence(world, plan, settings, tmp_path,
                                                                        django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    update = action_update_post(user=world.officer, action=Action.objects.get(action_id="JP-1-A1"),
                                date=D(2022, 2, 1), status="in_progress", evidence="Photo of the board")
    update.evidence_file.save("board.pdf", ContentFile(b"%PDF-1.4 board"))
    stored = tmp_path / update.evidence_file.name
    assert stored.exists()
    client = login_en(world.officer)
    assert 'href="/plans/actions/JP-1-A1/remove/"' in _follow(client)
    url = reverse("plans:action_remove", args=["JP-1-A1"])
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200 and "Remove the action JP-1-A1?" in html
    assert "Updates of what is done: 1, of which 1 confirmed by staff." in html
    assert "Their evidence: 1 links or descriptions and 1 attached files." in html
    assert "csrfmiddlewaretoken" in html and 'method="post"' in html
    assert Action.objects.filter(action_id="JP-1-A1").exists()  # GET removes nothing
    # A POST that does not send back what the page said removes nothing (the action has a confirmed update).
    refused = client.post(url)
    assert refused.status_code == 400 and "read it again" in refused.content.decode()
    assert Action.objects.filter(action_id="JP-1-A1").exists() and stored.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"seen": _seen(html)})
    assert response.status_code == 302 and response.url == reverse("plans:follow", args=["JP-1"])
    assert not Action.objects.filter(action_id="JP-1-A1").exists() and not ActionUpdate.objects.exists()
    assert not stored.exists()  # the evidence file went once the removal was committed
    entry = AuditEntry.objects.get(action="delete", object_type="plans.action")
    assert entry.user == world.officer and "action JP-1-A1 of JP-1 removed" in entry.summary
    assert entry.changes["what_en"] == ["Post the budget", None] and entry.changes["updates"] == [1, 0]
    page = _follow(client)
    assert "Post the budget" not in page and 'id="JP-1-A1"' not in page and "Read the budget aloud" in page
    assert "The action JP-1-A1 is removed." in page


@pytest.mark.django_db
def test_an_action_without_updates_goes_at_once_and_the_page_says_nothing_goes_with_it(world, plan):
    client = login_en(world.officer)
    url = reverse("plans:action_remove", args=["JP-1-A3"])
    assert "Nothing else is removed with it." in client.get(url).content.decode()
    assert client.post(url).status_code == 302
    assert not Action.objects.filter(action_id="JP-1-A3").exists()
    assert Recommendation.objects.filter(plan=plan, number=2).exists()  # its recommendation stays


@pytest.mark.django_db
def test_a_field_officer_removes_a_recommendation_with_its_actions(world, plan):
    action_update_post(user=world.officer, action=Action.objects.get(action_id="JP-1-A2"), date=D(2022, 2, 1),
                       status="done")
    client = login_en(world.officer)
    assert 'href="/plans/JP-1/recommendations/1/remove/"' in _follow(client)
    url = reverse("plans:recommendation_remove", args=["JP-1", 1])
    page = client.get(url).content.decode()
    assert "Remove the recommendation 1 of JP-1?" in page
    assert "The actions that serve it, removed with it: 2 (JP-1-A1, JP-1-A2)." in page
    assert "Updates of what is done: 1, of which 1 confirmed by staff." in page
    assert Recommendation.objects.filter(plan=plan, number=1).exists()  # GET removes nothing
    response = client.post(url, {"seen": _seen(page)})
    assert response.status_code == 302 and response.url == reverse("plans:follow", args=["JP-1"])
    assert list(plan.recommendations.values_list("number", flat=True)) == [2]
    assert list(plan.actions.values_list("action_id", flat=True)) == ["JP-1-A3"]
    assert not ActionUpdate.objects.exists()
    entries = AuditEntry.objects.filter(action="delete", user=world.officer)
    assert sorted(entries.values_list("object_type", flat=True)) == ["plans.action", "plans.action",
                                                                    "plans.recommendation"]
    summary = entries.get(object_type="plans.recommendation").summary
    assert summary == "recommendation 1 of JP-1 removed with its 2 actions (JP-1-A1, JP-1-A2)"
    page = _follow(client)
    assert "Publish the budget" not in page and "Post the budget" not in page and "Read the budget aloud" not in page
    assert "Announce the meetings" in page and "Post the meetings&#x27; days" in page


@pytest.mark.django_db
def test_what_changed_since_the_page_was_opened_refuses_the_removal(world, plan):
    client = login_en(world.officer)
    url = reverse("plans:recommendation_remove", args=["JP-1", 2])
    seen = _seen(client.get(url).content.decode())
    Action.objects.create(action_id="JP-1-A4", plan=plan, what_en="Another", responsible_type="organisation",
                          responsible_name="CPDD", due_on=D(2022, 3, 1),
                          recommendation=plan.recommendations.get(number=2))
    refused = client.post(url, {"seen": seen})
    html = refused.content.decode()
    assert refused.status_code == 400 and "read it again" in html and "2 (JP-1-A3, JP-1-A4)" in html
    assert plan.recommendations.filter(number=2).exists() and plan.actions.count() == 4
    assert not AuditEntry.objects.filter(action="delete").exists()
    assert client.post(url, {"seen": _seen(html)}).status_code == 302
    assert plan.actions.count() == 2


@pytest.mark.django_db
def test_nothing_is_half_removed(world, plan, monkeypatch):
    def broken(self, *args, **kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(Recommendation, "delete", broken)  # fails after its actions were deleted
    recommendation = plan.recommendations.get(number=1)
    seen = staff_services.goes_with(actions=recommendation.actions.all(), with_actions=True).seen
    with pytest.raises(RuntimeError):
        staff_services.recommendation_remove(user=world.officer, recommendation=recommendation, seen=seen)
    assert plan.actions.count() == 3 and plan.recommendations.count() == 2
    assert not AuditEntry.objects.filter(action="delete").exists()


@pytest.mark.django_db
def test_who_may_not_remove(world, plan):
    urls = [reverse("plans:action_remove", args=["JP-1-A1"]), reverse("plans:recommendation_remove", args=["JP-1", 1])]
    authority = make_user("sandan", "authority", office=plan.authority)
    for url in urls:
        assert_login_redirect(anonymous().get(url))
        assert_login_redirect(anonymous().post(url))
        for user in (world.outsider, world.cbo_user):  # a field officer of another province: as the edit views
            assert login_en(user).get(url).status_code == 404, (url, user)
            assert login_en(user).post(url).status_code == 404, (url, user)
        assert login_en(authority).get(url).status_code == 403  # follows the plan, does not write it
        assert login_en(authority).post(url).status_code == 403
    assert plan.actions.count() == 3 and plan.recommendations.count() == 2
    assert not AuditEntry.objects.filter(action="delete").exists()
    page = login_en(authority).get(reverse("plans:follow", args=["JP-1"])).content.decode()
    assert "/remove/" not in page


@pytest.mark.django_db
def test_the_confirmation_page_in_khmer(world, plan):
    page = login(world.officer).get(reverse("plans:recommendation_remove", args=["JP-1", 1])).content.decode()
    assert "អ្វីដែលត្រូវលុបជាមួយវា" in page and "សកម្មភាពដែលបម្រើវា ត្រូវលុបជាមួយវា៖ ២ (JP-1-A1, JP-1-A2)។" in page
    assert "What goes with it" not in page
