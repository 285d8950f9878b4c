"""Published figures do not change silently: an import that changes a published unit-year is held as a
pending revision (the public page, the API and the open data keep the published figures) until an
administrator or an M&E officer approves it; rejecting it discards it; `import --publish` by one of them
approves at once; a first import of a year not published is written as before."""

import copy
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from samleng.accounts.models import User
from samleng.budgets import signals
from samleng.budgets.models import BudgetLine, PendingBudgetLine, PendingProject, Project, Publication, Revision
from samleng.budgets.opendata import _csv_lines
from samleng.conftest import anonymous, assert_login_redirect, login, login_en, make_user
from samleng.core.models import AuditEntry
from samleng.imports.tests.test_budget_import import budget_sheets, import_sheets
from samleng.imports.tests.workbooks import write_xlsx

KLAENG = "060603"
NRM = "exp_dev_nrm_climate"
PUBLISHED_NRM, REVISED_NRM = 404_000_000, 444_000_000


def revised_sheets() -> dict:
    """The workbook again, with Klaeng's 2024 canal money up by 40 million and the canal project 90% done;
    without the national budget, which a field officer may not import."""
    sheets = copy.deepcopy(budget_sheets())
    sheets["budgets"] = [row for row in sheets["budgets"] if row[0] not in ("national", "ថ្នាក់ជាតិ")]
    for row in sheets["budgets"][1:]:
        if row[4] == NRM:
            row[5] = REVISED_NRM
    sheets["projects"][1][-1] = 90
    return sheets


@pytest.fixture
def published(world, tmp_path):
    """The budget workbook imported and published from the command line (which may publish)."""
    assert import_sheets(tmp_path, budget_sheets(), publish=True).ok
    assert Publication.objects.filter(published=True).count() == 4


def public_nrm(client=None) -> dict:
    """Klaeng's 2024 canal money as the page, the API and the open data give it."""
    client = client or anonymous()
    page = client.get(reverse("budgets:unit", args=[KLAENG]), {"year": 2024}).content.decode()
    api = client.get(f"/api/budgets/{KLAENG}/2024").json()
    data = "".join(_csv_lines("budget_lines"))
    return {
        "page": "444,000,000" in page, "api": next(c["amount_khr"] for c in api["categories"] if c["code"] == NRM),
        "open data": f"{KLAENG},commune" in data and ",444000000" in data,
        "project": next(p["progress_pct"] for p in api["projects"] if p["project_id"] == "KLG-CANAL"),
        "revised": "Revised on" in page, "api revised": api["revised_at"] is not None,
    }


BEFORE = {"page": False, "api": PUBLISHED_NRM, "open data": False, "project": 75, "revised": False,
          "api revised": False}
AFTER = {"page": True, "api": REVISED_NRM, "open data": True, "project": 90, "revised": True, "api revised": True}


def test_a_field_officers_reimport_waits_for_approval(world, published, tmp_path):
    result = import_sheets(tmp_path, revised_sheets(), user=world.officer, name="revised.xlsx")
    assert result.ok, result.errors
    assert result.created["revisions awaiting approval"] == 0 and result.updated["revisions awaiting approval"] == 1
    assert [w.code for w in result.warnings] == ["budgets.held"]
    assert result.created["budgets"] == result.updated["budgets"] == 0  # nothing public changed
    assert public_nrm() == BEFORE
    assert BudgetLine.objects.get(unit=KLAENG, fiscal_year=2024, category__code=NRM).amount_khr == PUBLISHED_NRM
    revision = Revision.objects.get()
    assert (revision.unit, revision.fiscal_year, revision.submitted_by) == (KLAENG, 2024, world.officer)
    # Only what changes is held: one line, one project.
    assert PendingBudgetLine.objects.get().amount_khr == REVISED_NRM
    assert PendingProject.objects.get().progress_pct == 90
    # The same workbook again holds nothing more.
    again = import_sheets(tmp_path, revised_sheets(), user=world.officer, name="again.xlsx")
    assert again.ok and PendingBudgetLine.objects.count() == 1 and Revision.objects.count() == 1


def test_approval_shows_the_revision_everywhere(world, published, tmp_path, django_capture_on_commit_callbacks):
    assert import_sheets(tmp_path, revised_sheets(), user=world.officer, name="revised.xlsx").ok
    sent = []

    def received(sender, pairs, user, **kwargs):
        sent.append((set(pairs), user))

    signals.revision_approved.connect(received)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = login_en(world.me_officer).post(reverse("budgets:revision_decide", args=[KLAENG, 2024]),
                                                       {"decision": "approve"})
    finally:
        signals.revision_approved.disconnect(received)
    assert response.status_code == 302
    assert public_nrm() == AFTER
    assert not Revision.objects.exists() and not PendingBudgetLine.objects.exists()
    assert not PendingProject.objects.exists()
    assert Project.objects.get(project_id="KLG-CANAL").progress_pct == 90
    assert sent == [({(KLAENG, 2024)}, world.me_officer)]
    entry = AuditEntry.objects.filter(object_type="budgets.revision").latest("at")
    assert entry.user == world.me_officer and "approved" in entry.summary


def test_rejection_discards_the_revision(world, published, tmp_path):
    assert import_sheets(tmp_path, revised_sheets(), user=world.officer, name="revised.xlsx").ok
    response = login_en(world.me_officer).post(reverse("budgets:revision_decide", args=[KLAENG, 2024]),
                                               {"decision": "reject"})
    assert response.status_code == 302
    assert public_nrm() == BEFORE
    assert not Revision.objects.exists() and not PendingBudgetLine.objects.exists()
    assert not PendingProject.objects.exists()
    assert AuditEntry.objects.filter(object_type="budgets.revision", action="delete").exists()


def test_a_reimport_of_the_published_figures_takes_the_revision_back(world, published, tmp_path):
    assert import_sheets(tmp_path, revised_sheets(), user=world.officer, name="revised.xlsx").ok
    sheets = budget_sheets()
    sheets["budgets"] = [row for row in sheets["budgets"] if row[0] not in ("national", "ថ្នាក់ជាតិ")]
    result = import_sheets(tmp_path, sheets, user=world.officer, name="back.xlsx")
    assert result.ok and not result.warnings
    assert not Revision.objects.exists() and not PendingBudgetLine.objects.exists()


def test_a_first_import_of_a_year_not_published_is_written_at_once(world, published, tmp_path):
    sheets = revised_sheets()
    for row in sheets["budgets"][1:]:
        if row[0] in ("060603", "Kleng", 60603) and str(row[1]) in ("2024", "២០២៤"):
            row[1] = 2025
    result = import_sheets(tmp_path, {"budgets": sheets["budgets"]}, user=world.officer, name="2025.xlsx")
    assert result.ok and not result.warnings
    assert BudgetLine.objects.get(unit=KLAENG, fiscal_year=2025, category__code=NRM).amount_khr == REVISED_NRM
    assert not Revision.objects.exists()
    assert not Publication.objects.filter(unit=KLAENG, fiscal_year=2025).exists()  # and not public either


def test_import_publish_by_a_publisher_approves_at_once(world, published, tmp_path):
    path = write_xlsx(tmp_path / "revised.xlsx", revised_sheets())
    out = StringIO()
    call_command("import", str(path), publish=True, user="mande", stdout=out)
    assert "revisions approved: 0 created, 1 updated" in out.getvalue()
    assert public_nrm() == AFTER
    assert not Revision.objects.exists()


def test_import_publish_approves_what_was_pending_for_its_years(world, published, tmp_path):
    assert import_sheets(tmp_path, revised_sheets(), user=world.officer, name="revised.xlsx").ok
    assert import_sheets(tmp_path, revised_sheets(), user=world.me_officer, name="again.xlsx", publish=True).ok
    assert public_nrm() == AFTER and not Revision.objects.exists()


def test_the_page_of_revisions_shows_totals_before_and_after(world, published, tmp_path,
                                                             django_assert_max_num_queries):
    assert import_sheets(tmp_path, revised_sheets(), user=world.officer, name="revised.xlsx").ok
    client = login_en(world.me_officer)
    with django_assert_max_num_queries(14):
        page = client.get(reverse("budgets:revisions"))
    text = page.content.decode()
    assert page.status_code == 200 and "1 revision waiting" in text and "Klaeng" in text
    assert "officer" in text and "Approve</button>" in text and "Reject</button>" in text
    # Expenditure of 2024 (approved): 150 + 404 + 60 + 30 + 10.2 million, then 40 million more.
    assert "654,200,000" in text and "694,200,000" in text
    assert "1 amounts changed" in text and "Projects: 1 changed" in text
    assert "1 revision of a published budget waits" in client.get(reverse("budgets:publications")).content.decode()


def test_who_may_not_approve_or_reject(world, published, tmp_path):
    assert import_sheets(tmp_path, revised_sheets(), user=world.officer, name="revised.xlsx").ok
    authority = make_user("authority", User.Role.AUTHORITY)
    decide = reverse("budgets:revision_decide", args=[KLAENG, 2024])
    for decision in ("approve", "reject"):
        assert_login_redirect(anonymous().post(decide, {"decision": decision}))
        assert_login_redirect(anonymous().get(reverse("budgets:revisions")))
        for user in (world.officer, world.cbo_user, authority):
            assert login_en(user).post(decide, {"decision": decision}).status_code == 403
            assert login_en(user).get(reverse("budgets:revisions")).status_code == 403
    assert Revision.objects.count() == 1 and public_nrm() == BEFORE
    # An unknown revision: 404 for those who may decide.
    assert login_en(world.me_officer).post(reverse("budgets:revision_decide", args=[KLAENG, 2023]),
                                           {"decision": "approve"}).status_code == 404


def test_a_field_officers_upload_on_the_page_waits_too(world, published, tmp_path, settings):
    """The upload page (the background job run in the request): the run page says the changes wait; the public
    page, the API and the open data keep the published figures."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    client = login_en(world.officer)
    path = write_xlsx(tmp_path / "revised.xlsx", revised_sheets())
    response = client.post(reverse("imports:upload"), {"file": SimpleUploadedFile("revised.xlsx", path.read_bytes())})
    assert response.status_code == 302
    run = client.get(response["Location"]).content.decode()
    assert "Budget years already published that this workbook changes: 1." in run
    assert "revisions awaiting approval" in run
    assert public_nrm() == BEFORE and Revision.objects.get().submitted_by == world.officer
    khmer = login(world.me_officer).get(reverse("budgets:revisions"))  # the page in Khmer, as it opens
    assert khmer.status_code == 200 and "ការកែសម្រួលថវិកាដែលបានផ្សព្វផ្សាយ" in khmer.content.decode()
