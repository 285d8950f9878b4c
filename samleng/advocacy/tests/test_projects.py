"""An issue linked to the budget projects it led to (issue 15: the Klaeng canal issue -> the commune's 400 million riel
canal project): staff in scope link and unlink them on the issue's page; the issue's staff and public pages show the
project, the public only where its budget year is published; the budget page shows, under the project, the public
issues that led to it, and never a non-public one, whoever reads it."""

import pytest
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse

from samleng.advocacy.models import IssueProject
from samleng.advocacy.selectors import issue_projects
from samleng.advocacy.services import issue_project_link, issue_project_unlink
from samleng.advocacy.tests.factories import make_issue
from samleng.budgets.services import categories_ensure_defaults
from samleng.budgets.tests.test_selectors import KLAENG, add_year, canal_project, commune_amounts
from samleng.cbos.models import CBO
from samleng.conftest import anonymous, assert_login_redirect, login, login_en
from samleng.core.models import AuditEntry
from samleng.places.models import Place

pytestmark = pytest.mark.django_db

CANAL_EN, CANAL_KM = "Canal rehabilitation to the community lake", "ស្តារប្រឡាយទៅបឹងសហគមន៍"


@pytest.fixture
def klaeng(world):
    """Klaeng's 2024 budget published with its canal project; the world's CBO (public) works in Klaeng and its
    public issue asked for the canal."""
    categories_ensure_defaults()
    add_year(KLAENG, 2024, commune_amounts(), population=10_000)
    CBO.objects.filter(pk=world.cbo.pk).update(is_public=True)
    world.cbo.refresh_from_db()
    world.issue = make_issue(world.cbo, "ISS-CANAL", is_public=True)
    world.canal = canal_project(2024)
    return world


def staff_page(client, issue) -> str:
    response = client.get(reverse("advocacy:detail", args=[issue.pk]))
    assert response.status_code == 200
    return response.content.decode()


def public_issue_page(issue, client=None) -> str:
    response = (client or anonymous()).get(reverse("advocacy:public_detail", args=[issue.pk]))
    assert response.status_code == 200
    return response.content.decode()


def budget_page(client=None, year: int | None = None) -> str:
    url = reverse("budgets:unit", args=[KLAENG]) + (f"?year={year}" if year else "")
    response = (client or anonymous()).get(url)
    assert response.status_code == 200
    return response.content.decode()


def project_anchor_url(project) -> str:
    return f"{reverse('budgets:unit', args=[KLAENG])}?year={project.fiscal_year}#project-{project.project_id}"


# ---- staff link and unlink --------------------------------------------------------------------------------


def test_an_officer_in_scope_links_the_project_from_the_issue_page(klaeng):
    world = klaeng
    client = login_en(world.officer)
    html = staff_page(client, world.issue)
    assert "No budget project is linked to this issue yet." in html
    assert f'<option value="{world.canal.pk}">2024 · Klaeng · {CANAL_EN} · 400,000,000 riels</option>' in html
    response = client.post(reverse("advocacy:project_link", args=[world.issue.pk]), {"project": world.canal.pk})
    assert response.status_code == 302 and response["Location"].endswith("#projects")
    link = IssueProject.objects.get(issue=world.issue)
    assert link.project == world.canal
    entry = AuditEntry.objects.get(object_type="advocacy.issueproject", object_id=str(link.pk))
    assert entry.user == world.officer and "KL-2024-01" in entry.summary
    html = staff_page(client, world.issue)
    assert "The budget project is linked to the issue." in html
    assert f'href="{project_anchor_url(world.canal)}"' in html and CANAL_EN in html
    assert f'<option value="{world.canal.pk}">' not in html  # no longer offered


def test_a_project_of_another_place_or_linked_twice_is_refused_in_both_languages(klaeng):
    world = klaeng
    kratie_project = canal_project(2024, unit="100610", place=Place.objects.get(code="100610"), project_id="KR-1")
    client = login_en(world.officer)
    url = reverse("advocacy:project_link", args=[world.issue.pk])
    html = client.post(url, {"project": kratie_project.pk}, follow=True).content.decode()
    assert "That project is not one of the projects of the CBO&#x27;s commune, district or province" in html
    assert not IssueProject.objects.exists()
    with pytest.raises(Exception, match="another place"):  # the service refuses it too, whoever calls it
        issue_project_link(user=world.officer, issue=world.issue, project=kratie_project)
    issue_project_link(user=world.officer, issue=world.issue, project=world.canal)
    with pytest.raises(Exception, match="already linked"):
        issue_project_link(user=world.officer, issue=world.issue, project=world.canal)
    khmer = login(world.officer)  # Khmer, the default language
    html = khmer.post(url, {"project": ""}, follow=True).content.decode()
    assert "សូមជ្រើសរើសគម្រោងថវិកាដែលកើតចេញពីបញ្ហានេះ។" in html
    assert IssueProject.objects.count() == 1


def test_an_officer_unlinks_a_project_linked_by_mistake(klaeng):
    world = klaeng
    link = issue_project_link(user=world.officer, issue=world.issue, project=world.canal)
    client = login_en(world.officer)
    response = client.post(reverse("advocacy:project_unlink", args=[world.issue.pk, link.pk]))
    assert response.status_code == 302
    assert not IssueProject.objects.exists()
    assert AuditEntry.objects.filter(object_type="advocacy.issueproject", action="delete").count() == 1
    assert CANAL_EN not in public_issue_page(world.issue)


def test_who_may_not_link_nor_unlink(klaeng):
    world = klaeng
    link = issue_project_link(user=world.officer, issue=world.issue, project=world.canal)
    link_url = reverse("advocacy:project_link", args=[world.issue.pk])
    unlink_url = reverse("advocacy:project_unlink", args=[world.issue.pk, link.pk])
    # The CBO's representative reads the issue and the project, but is offered neither form, and is refused.
    html = staff_page(login_en(world.cbo_user), world.issue)
    assert CANAL_EN in html and link_url not in html and unlink_url not in html
    for url, data in ((link_url, {"project": world.canal.pk}), (unlink_url, {})):
        assert login_en(world.cbo_user).post(url, data).status_code == 403
        # A field officer of another province does not learn that the issue exists.
        assert login_en(world.outsider).post(url, data).status_code == 404
        assert_login_redirect(anonymous().post(url, data))
        assert anonymous().get(url).status_code in (302, 405)
    assert IssueProject.objects.count() == 1
    # The link of another issue is not this issue's to remove.
    other = make_issue(world.cbo, "ISS-OTHER")
    assert login_en(world.officer).post(reverse("advocacy:project_unlink", args=[other.pk, link.pk])).status_code == 404
    assert IssueProject.objects.count() == 1


# ---- what the pages show -----------------------------------------------------------------------------------


def test_both_pages_show_the_link_in_the_reader_s_language(klaeng):
    world = klaeng
    issue_project_link(user=None, issue=world.issue, project=world.canal)
    html = public_issue_page(world.issue)
    assert "Budget projects it led to" in html and f'href="{project_anchor_url(world.canal)}"' in html
    assert "400,000,000 riels" in html and "Remove the link" not in html
    budget = budget_page(year=2024)
    assert f'id="project-{world.canal.project_id}"' in budget
    assert "The issue that led to it:" in budget
    assert reverse("advocacy:public_detail", args=[world.issue.pk]) in budget
    # In Khmer: the project's and the issue's Khmer titles, Khmer digits, none of the English.
    from django.test import Client

    html = public_issue_page(world.issue, Client())
    assert CANAL_KM in html and "៤០០,០០០,០០០" in html and CANAL_EN not in html
    budget = budget_page(Client(), year=2024)
    assert world.issue.title_km in budget and world.issue.title_en not in budget


def test_the_public_sees_a_project_only_where_its_budget_year_is_published(klaeng):
    world = klaeng
    unpublished = canal_project(2025, project_id="KL-2025-02", title_en="Second section of the canal")
    add_year(KLAENG, 2025, commune_amounts(), published=False)
    issue_project_link(user=None, issue=world.issue, project=unpublished)
    assert "Second section of the canal" not in public_issue_page(world.issue)
    html = staff_page(login_en(world.officer), world.issue)
    assert "Second section of the canal" in html
    assert "Not on the public pages: this budget year is not published." in html
    assert "?year=2025" not in html  # no link to a page that answers 404


def test_a_non_public_issue_is_never_shown_under_the_project_even_to_staff(klaeng):
    world = klaeng
    hidden = make_issue(world.cbo, "ISS-HIDDEN", title_en="A complaint that names people", is_public=False)
    private_cbo = CBO.objects.create(cbo_id="CBO-KT-009", name_en="Private group", type=CBO.Type.COMMUNITY_FISHERY,
                                     province=world.kampong_thom, district=world.cbo.district,
                                     commune=world.cbo.commune)
    of_private = make_issue(private_cbo, "ISS-OFPRIVATE", title_en="Issue of a private community", is_public=True)
    for issue in (hidden, of_private):
        issue_project_link(user=None, issue=issue, project=world.canal)
    for client in (anonymous(), login_en(world.me_officer), login_en(world.officer), login_en(world.cbo_user)):
        html = budget_page(client, year=2024)
        assert "The issue that led to it" not in html
        for issue in (hidden, of_private):
            assert issue.title_en not in html
            assert reverse("advocacy:detail", args=[issue.pk]) not in html


def test_a_new_link_shows_on_the_cached_budget_page(klaeng, settings, django_capture_on_commit_callbacks):
    world = klaeng
    settings.PAGE_CACHE_SECONDS = 3600  # the page cache on, as in production
    cache.clear()
    for _ in range(2):
        assert "The issue that led to it" not in budget_page(year=2024)
    assert anonymous().get(reverse("budgets:unit", args=[KLAENG]) + "?year=2024")["X-Samleng-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        link = issue_project_link(user=None, issue=world.issue, project=world.canal)
    assert "The issue that led to it" in budget_page(year=2024)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        issue_project_unlink(user=None, link=link)
    assert "The issue that led to it" not in budget_page(year=2024)


def test_an_issue_s_projects_are_read_in_two_queries_whatever_their_number(klaeng, django_assert_max_num_queries):
    world = klaeng
    for n in range(5):
        project = canal_project(2024, project_id=f"KL-2024-{n + 10}")
        issue_project_link(user=None, issue=world.issue, project=project)
    with django_assert_max_num_queries(2):
        shown = issue_projects(None, world.issue)
    assert len(shown) == 5 and all(linked.published and linked.project.place.code == KLAENG for linked in shown)
