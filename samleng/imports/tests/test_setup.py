"""`samleng setup --demo`: migrates, loads the gazetteer and the default budget categories, imports the demo
programme and the demo budgets (published), marks the case studies public and creates the demo users; a
second run changes nothing."""

import io
import re

import pyotp
import pytest
from django.core.management import call_command

from samleng.accounts.models import User
from samleng.accounts.services import totp_code_use
from samleng.advocacy.models import Issue
from samleng.budgets.models import BudgetLine, Category, Project, Publication
from samleng.cbos.models import CBO
from samleng.core.models import AuditEntry
from samleng.imports.management.commands.setup import CASE_STUDY_CBOS, DEMO_PASSWORD, demo_totp_secret
from samleng.places.models import Facility
from samleng.results.models import Snapshot


def setup(*args) -> str:
    out = io.StringIO()
    call_command("setup", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_setup_demo_loads_everything_and_a_second_run_changes_nothing():
    first = setup("--demo")

    assert re.search(r"demo programme: \d+ records created", first)
    assert re.search(r"demo budgets: \d+ records created \(\d+ budgets, \d+ projects", first)
    assert "budget categories: 15 created" in first
    # The demo programme has 9 indicators (the report's 1.1 to 2.2, the demo's 1.1.1 to 1.2.2): said so, not the
    # indicators sheet's 13 records, which count its 2 outcomes and 2 outputs too.
    assert re.search(r"\d+ outcomes, outputs and indicators", first) and " 13 indicators" not in first
    assert re.search(r"programme \S+: 9 indicators, 4 outcomes and outputs", first)
    # The scorecards' JAAP, imported after the programme, is in its figures: 3 of its 4 actions done in 2023.
    jaap = Snapshot.objects.get(indicator__code="1.2.1", period=2023)
    assert (jaap.numerator, jaap.denominator) == (3, 4)
    assert CBO.objects.count() == 50
    assert "demo facilities: 191 created" in first
    assert re.search(r"demo scorecards: \d+ records created \(2 scorecards, 8 scorecard criteria", first)
    assert "glossary: 15 words created" in first  # Samleng's own; the demo's glossary sheet adds its service words
    assert "demo services: 16 created" in first and "demo FAQ entries: 44 created" in first
    assert "demo glossary: 11 created, 0 updated" in first
    klaeng = Facility.objects.select_related("answered_by").get(facility_id="FAC-060603-CO")
    assert klaeng.name_km == "សាលាឃុំក្លែង" and klaeng.answered_by.place.code == "060603"
    counts = (CBO.objects.count(), Issue.objects.count(), User.objects.count())
    last_entry = AuditEntry.objects.latest("pk").pk

    second = setup("--demo")

    assert "database: up to date" in second and "gazetteer: up to date" in second
    assert "demo programme: already there, nothing changed" in second
    assert "demo facilities: already there, nothing changed" in second
    assert "demo scorecards: already there, nothing changed" in second
    assert "glossary: up to date" in second
    for what in ("services", "FAQ entries", "glossary"):
        assert f"demo {what}: already there, nothing changed" in second
    assert re.search(r"programme \S+: 9 indicators, 4 outcomes and outputs", second)
    assert "demo budgets: already there and published, nothing changed" in second
    assert "budget categories: up to date" in second
    assert "case studies: already public" in second
    assert "case studies: issues already linked to their budget projects" in second
    assert "user demo-admin (administrator): already there, left as it is" in second
    assert (CBO.objects.count(), Issue.objects.count(), User.objects.count()) == counts
    # Nothing was written: the audit log only says that the workbook was imported again.
    new_entries = AuditEntry.objects.filter(pk__gt=last_entry)
    assert sorted(new_entries.values_list("object_type", flat=True)) == [
        "imports.budget_workbook", "imports.knowledge", "imports.workbook", "imports.workbook"]  # programme, scorecards


@pytest.mark.django_db
def test_the_case_studies_and_only_they_are_public():
    setup("--demo")
    assert set(CBO.objects.filter(is_public=True).values_list("cbo_id", flat=True)) == set(CASE_STUDY_CBOS)
    public_issues = Issue.objects.filter(is_public=True)
    assert public_issues.filter(is_main=True).count() == len(CASE_STUDY_CBOS)
    assert set(public_issues.values_list("cbo__cbo_id", flat=True)) == set(CASE_STUDY_CBOS)
    assert not Issue.objects.filter(is_public=False, cbo__cbo_id__in=CASE_STUDY_CBOS).exists()


@pytest.mark.django_db
def test_the_canal_issue_is_linked_to_the_commune_s_canal_projects():
    output = setup("--demo")
    assert "case studies: 2 links from issues to the budget projects they led to" in output
    canal = Issue.objects.get(issue_id="ISS-KT-001-1")
    linked = Project.objects.filter(pk__in=canal.project_links.values("project")).order_by("fiscal_year")
    assert [(p.unit, p.fiscal_year, p.cost_khr) for p in linked] == [("060603", 2024, 400_000_000),
                                                                     ("060603", 2025, 150_000_000)]


@pytest.mark.django_db
def test_the_demo_users_can_log_in_with_the_printed_secret():
    output = setup("--demo")
    admin = User.objects.get(username="demo-admin")
    assert admin.role == User.Role.ADMIN and admin.is_superuser and admin.check_password(DEMO_PASSWORD)
    field = User.objects.get(username="demo-field")
    assert field.role == User.Role.FIELD_OFFICER
    assert set(field.provinces.values_list("code", flat=True)) == {"06", "15"}
    rep = User.objects.get(username="demo-rep")
    assert rep.role == User.Role.CBO_REP and rep.cbo.cbo_id == "CBO-KT-001"
    # The authority reads the non-public issues addressed to its office (the demo's offices sheet).
    authority = User.objects.get(username="demo-authority")
    assert authority.office.office_id == "OF-0606-1" and authority.office.issues.exists()
    # The representative and the authority read non-public issues: two factors too.
    for staff in (admin, field, rep, authority):
        assert staff.totp_confirmed and staff.totp_secret == demo_totp_secret(staff.username)
        assert f"two-factor secret {staff.totp_secret}" in output
        assert totp_code_use(user=staff, code=pyotp.TOTP(staff.totp_secret).now())
    assert demo_totp_secret("demo-admin") != demo_totp_secret("demo-field")
    # The command says roles and records in words, not their keys.
    assert "user demo-field (field officer) created" in output and "(cbo_rep)" not in output
    assert "reported values" in output and "reported_values" not in output


@pytest.mark.django_db
def test_setup_leaves_a_changed_demo_user_alone():
    setup("--demo")
    admin = User.objects.get(username="demo-admin")
    admin.set_password("another-password-42")
    admin.totp_secret = pyotp.random_base32()
    admin.save()

    output = setup("--demo")

    admin.refresh_from_db()
    assert admin.check_password("another-password-42")
    assert admin.totp_secret != demo_totp_secret("demo-admin")
    assert f"two-factor secret {admin.totp_secret}" in output


@pytest.mark.django_db
def test_setup_without_demo_loads_no_programme():
    output = setup()
    assert "demo programme" not in output and "Samleng is set up." in output
    assert not CBO.objects.exists() and not User.objects.filter(username__startswith="demo-").exists()


@pytest.mark.django_db
def test_the_demo_budgets_are_published_and_tell_klaengs_canal():
    setup("--demo")
    unit_years = set(BudgetLine.objects.values_list("unit", "fiscal_year").distinct())
    assert set(Publication.objects.filter(published=True).values_list("unit", "fiscal_year")) == unit_years
    assert BudgetLine.objects.count() < 10_000  # small enough for the pages' tests to import
    canal = Project.objects.get(unit="060603", fiscal_year=2024, title_en__icontains="canal")
    assert 380_000_000 <= canal.cost_khr <= 420_000_000 and canal.status == "ongoing" and canal.progress_pct
    assert canal.village.parent.code == "060603" and "2024-2026" in canal.funding_source
    nrm = BudgetLine.objects.get(unit="060603", fiscal_year=2024, phase="approved",
                                 category__code="exp_dev_nrm_climate")
    assert nrm.amount_khr >= canal.cost_khr

    def share(year):
        lines = dict(BudgetLine.objects.filter(unit="national", fiscal_year=year, phase="approved")
                     .values_list("category__code", "amount_khr"))
        return lines["nat_exp_subnational"] / (lines["nat_exp_subnational"] + lines["nat_exp_national"])

    assert share(2023) == pytest.approx(.12, abs=.005) and share(2024) == pytest.approx(.17, abs=.005)
    assert share(2025) == pytest.approx(.18, abs=.005)
    # The demo's communes and districts: those of the demo programme's CBOs.
    cbo_units = set(CBO.objects.values_list("commune__code", flat=True)) | set(
        CBO.objects.values_list("district__code", flat=True))
    assert {u for u, _y in unit_years if u != "national"} == cbo_units - {None}
    assert Category.objects.count() == 15


@pytest.mark.django_db
def test_setup_without_demo_loads_the_default_categories_only():
    output = setup()
    assert "budget categories: 15 created" in output
    assert not BudgetLine.objects.exists() and not Publication.objects.exists()
