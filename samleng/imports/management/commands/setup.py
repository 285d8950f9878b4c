"""`samleng setup [--demo]`: make a database ready to use. Runs the migrations, loads the gazetteer, the
default budget categories and the glossary's default words; with --demo, also imports the demo programme
(samleng/imports/demo/programme/: API's 2023-2024 programme, as the donor reports describe it), the demo budgets of
its communes and districts (samleng/imports/demo/budget/, published) and the demo knowledge base
(samleng/imports/demo/knowledge/: public service points, services, FAQ entries, glossary), marks its case studies
public, links the Klaeng canal issue to the commune's canal projects and creates four demo users. Safe to run any
number of times: what is already there is left as it is, and it says what it did."""

import base64
import hashlib
from pathlib import Path

import pyotp
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import translation

from samleng.accounts.models import User
from samleng.accounts.services import user_create
from samleng.advocacy.models import Issue
from samleng.advocacy.services import issue_update
from samleng.cbos.models import CBO
from samleng.cbos.services import cbo_update
from samleng.core.audit import Action, audit_record
from samleng.places.models import Office, Place
from samleng.places.services import gazetteer_load

DEMO_WORKBOOK = Path(__file__).resolve().parents[2] / "demo" / "programme"
DEMO_BUDGET = Path(__file__).resolve().parents[2] / "demo" / "budget"
DEMO_KNOWLEDGE = Path(__file__).resolve().parents[2] / "demo" / "knowledge"
#: Community scorecards of a Battambang health centre and their JAAP (a programme workbook of their own: they name a
#: facility of the knowledge base, imported after the programme).
DEMO_SCORECARDS = Path(__file__).resolve().parents[2] / "demo" / "scorecards"
#: The CBOs of the 2023-2024 report's six case studies: the report tells their stories publicly, so the
#: demo shows them (and their issues) on the public pages. Nothing personal is public, whatever the flag.
CASE_STUDY_CBOS = ("CBO-KT-001", "CBO-KR-001", "CBO-PS-001", "CBO-PS-002", "CBO-PS-003", "CBO-KS-001")
#: The budget projects the case studies' issues led to (issue_id, unit, fiscal year, project_id): the Klaeng canal,
#: 400 million riels in the commune's 2024 budget (the report's figure), and its second section in 2025.
DEMO_PROJECT_LINKS = (
    ("ISS-KT-001-1", "060603", 2024, "060603-2024-CANAL"),
    ("ISS-KT-001-1", "060603", 2025, "060603-2025-CANAL"),
)
#: The budget projects the case studies' stories tell about (story_id, project_id: of the budget workbook, imported
#: after the programme's, so linked here), and the stories chosen for the donor report's annex of their year.
DEMO_STORY_PROJECTS = (("ST-KT-2024-1", "060603-2024-CANAL"), ("ST-KT-2024-1", "060603-2025-CANAL"))
DEMO_ANNEX_STORIES = ("ST-KT-2024-1", "ST-KR-2023-1", "ST-PS-2023-1", "ST-PS-2023-2", "ST-KS-2023-1",
                      "ST-PS-2024-1")
DEMO_PASSWORD = "samleng-demo-2024"
#: What a sheet's count of created records counts, where it is not the sheet's name: the indicators sheet
#: writes the outcomes and outputs its rows name as well as the indicators.
SHEET_RECORDS = {"indicators": "outcomes, outputs and indicators"}


def sheet_records(sheet: str) -> str:
    """What a sheet's rows are, in words ("reported values", not the sheet's name "reported_values")."""
    return SHEET_RECORDS.get(sheet, sheet.replace("_", " "))


def role_words(role: str) -> str:
    """A role in English words ("M&E officer", not "me_officer")."""
    with translation.override("en"):
        return str(User.Role(role).label) if role in User.Role.values else role.replace("_", " ")
#: (username, role, provinces, CBO, office): an administrator, a field officer of Kampong Thom and Pursat, a
#: representative of the Boeung Chang Boeung Prang fishery (case study 6), and an authority of the Sandan district
#: administration (the demo's offices sheet), which reads the issues addressed to it.
DEMO_USERS = (
    ("demo-admin", User.Role.ADMIN, (), None, None),
    ("demo-field", User.Role.FIELD_OFFICER, ("06", "15"), None, None),
    ("demo-rep", User.Role.CBO_REP, (), "CBO-KT-001", None),
    ("demo-authority", User.Role.AUTHORITY, (), None, "OF-0606-1"),
)


def demo_totp_secret(username: str) -> str:
    """The demo user's two-factor secret: derived from the username, so that it is the same on every
    machine and can be printed in the README. Never used for real accounts (those get pyotp.random_base32)."""
    digest = hashlib.sha256(f"samleng-demo-totp:{username}".encode()).digest()[:20]
    return base64.b32encode(digest).decode()


class Command(BaseCommand):
    help = ("Migrate the database, load the gazetteer and the default budget categories; with --demo, also import "
            "the demo programme and the demo budgets (published), mark the case studies public and create the users "
            "demo-admin, demo-field, demo-rep and demo-authority. Safe to repeat.")

    def add_arguments(self, parser):
        parser.add_argument("--demo", action="store_true", help="also load the demo programme and demo users")

    def handle(self, *args, demo: bool, **options):
        self.migrate()
        self.gazetteer()
        self.budget_categories()
        self.glossary()
        if demo:
            with transaction.atomic():
                self.demo_workbook()
                self.demo_knowledge()
                self.demo_scorecards()
                self.demo_budget()
                self.demo_public()
                self.demo_users()
        self.stdout.write(self.style.SUCCESS("Samleng is set up."))

    def say(self, text: str) -> None:
        self.stdout.write(f"  {text}")

    # ---- the database and the gazetteer -------------------------------------------------------------------

    def migrate(self) -> None:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        call_command("migrate", interactive=False, verbosity=0)
        self.say(f"database: {len(pending)} migrations applied" if pending else "database: up to date")

    def gazetteer(self) -> None:
        result = gazetteer_load()
        if result.get("created") or result.get("updated"):
            self.say(f"gazetteer: {result['created']} places created, {result['updated']} updated")
        else:
            self.say(f"gazetteer: up to date ({Place.objects.count()} places)")

    def budget_categories(self) -> None:
        from samleng.budgets.services import categories_ensure_defaults

        result = categories_ensure_defaults()
        if result.created or result.updated:
            self.say(f"budget categories: {result.created} created, {result.updated} completed")
        else:
            self.say("budget categories: up to date")

    def glossary(self) -> None:
        from samleng.budgets.services import glossary_ensure_defaults

        result = glossary_ensure_defaults()
        self.say(f"glossary: {result.created} words created" if result.created else "glossary: up to date")

    # ---- the demo --------------------------------------------------------------------------------------------

    def demo_workbook(self) -> None:
        from samleng.imports.kinds import workbook_import  # only --demo needs the importer

        result = workbook_import(DEMO_WORKBOOK)
        if not result.ok:
            raise CommandError("The demo workbook did not import:\n" + "\n".join(str(e) for e in result.errors))
        created, updated = sum(result.created.values()), sum(result.updated.values())
        if created or updated:
            detail = ", ".join(f"{n} {sheet_records(sheet)}" for sheet, n in result.created.items() if n)
            self.say(f"demo programme: {created} records created ({detail}), {updated} updated")
        else:
            self.say("demo programme: already there, nothing changed")
        self.say(self.programme_summary())

    def demo_knowledge(self) -> None:
        """The demo knowledge base (samleng/imports/demo/knowledge/): the public service points of the demo
        programme's districts and communes, each with the office that answers for it; the services of a district One
        Window Service Office and of a commune's civil registration; FAQ entries; the glossary."""
        from samleng.imports.kinds import KNOWLEDGE_KIND, knowledge_workbook_import

        result = knowledge_workbook_import(DEMO_KNOWLEDGE)
        if not result.ok:
            raise CommandError("The demo knowledge base did not import:\n" + "\n".join(str(e) for e in result.errors))
        for sheet in KNOWLEDGE_KIND.export_order:
            created, updated = result.created.get(sheet, 0), result.updated.get(sheet, 0)
            what = "FAQ entries" if sheet == "faq" else sheet_records(sheet)
            self.say(f"demo {what}: {created} created, {updated} updated" if created or updated
                     else f"demo {what}: already there, nothing changed")

    def demo_scorecards(self) -> None:
        """The demo's community scorecards (samleng/imports/demo/scorecards/): two cycles of a Battambang health
        centre's scorecard and the JAAP of the first, after the knowledge base that holds the health centre."""
        from samleng.imports.kinds import workbook_import

        result = workbook_import(DEMO_SCORECARDS)
        if not result.ok:
            raise CommandError("The demo scorecards did not import:\n" + "\n".join(str(e) for e in result.errors))
        created, updated = sum(result.created.values()), sum(result.updated.values())
        if created or updated:
            detail = ", ".join(f"{n} {sheet_records(sheet)}" for sheet, n in result.created.items() if n)
            self.say(f"demo scorecards: {created} records created ({detail}), {updated} updated")
        else:
            self.say("demo scorecards: already there, nothing changed")

    def programme_summary(self) -> str:
        """What the programme holds, counted in the database (the sheets' counts mix records of two kinds)."""
        from samleng.results.models import Programme  # only --demo reads the programme

        parts = []
        for programme in Programme.objects.order_by("code"):
            indicators, outcomes = programme.indicators.count(), programme.outcomes.count()
            parts.append(f"programme {programme.code}: {indicators} indicator{'s' * (indicators != 1)}, "
                         f"{outcomes} outcomes and outputs")
        return "; ".join(parts)

    def demo_budget(self) -> None:
        from samleng.imports.kinds import budget_workbook_import

        result = budget_workbook_import(DEMO_BUDGET, publish=True)
        if not result.ok:
            raise CommandError("The demo budgets did not import:\n" + "\n".join(str(e) for e in result.errors))
        created, updated = sum(result.created.values()), sum(result.updated.values())
        if created or updated:
            detail = ", ".join(f"{n} {sheet_records(sheet)}" for sheet, n in result.created.items() if n)
            self.say(f"demo budgets: {created} records created ({detail}), {updated} updated")
        else:
            self.say("demo budgets: already there and published, nothing changed")

    def demo_public(self) -> None:
        changed = 0
        for cbo in CBO.objects.filter(cbo_id__in=CASE_STUDY_CBOS, is_public=False):
            cbo_update(user=None, cbo=cbo, data={"is_public": True})
            changed += 1
        for issue in Issue.objects.filter(cbo__cbo_id__in=CASE_STUDY_CBOS, is_public=False):
            issue_update(user=None, issue=issue, data={"is_public": True})
            changed += 1
        self.say(f"case studies: {changed} CBOs and issues made public" if changed
                 else "case studies: already public")
        self.demo_project_links()
        self.demo_stories()

    def demo_stories(self) -> None:
        """The case studies' stories: linked to the canal projects (once the budgets are imported) and chosen for
        the donor report's annex."""
        from samleng.stories.models import Story
        from samleng.stories.services import link_add, story_update

        changed = 0
        for story_id, project_id in DEMO_STORY_PROJECTS:
            story = Story.objects.filter(story_id=story_id).first()
            if story and not story.links.filter(link_type="budget_project", target=project_id).exists():
                link_add(user=None, story=story, link_type="budget_project", target=project_id)
                changed += 1
        for story in Story.objects.filter(story_id__in=DEMO_ANNEX_STORIES, in_report=False):
            story_update(user=None, story=story, in_report=True)
            changed += 1
        self.say(f"case studies: {changed} stories linked to their budget projects or chosen for the report"
                 if changed else "case studies: stories already linked and chosen")

    def demo_project_links(self) -> None:
        """Link the case studies' issues to the budget projects they led to (once the budgets are imported)."""
        from samleng.advocacy.models import IssueProject
        from samleng.advocacy.services import issue_project_link
        from samleng.budgets.models import Project

        linked = 0
        for issue_id, unit, year, project_id in DEMO_PROJECT_LINKS:
            issue = Issue.objects.filter(issue_id=issue_id).select_related("cbo__commune", "cbo__district",
                                                                          "cbo__province").first()
            project = Project.objects.filter(unit=unit, fiscal_year=year, project_id=project_id).first()
            if issue and project and not IssueProject.objects.filter(issue=issue, project=project).exists():
                issue_project_link(user=None, issue=issue, project=project)
                linked += 1
        self.say(f"case studies: {linked} links from issues to the budget projects they led to" if linked
                 else "case studies: issues already linked to their budget projects")

    def demo_users(self) -> None:
        for username, role, province_codes, cbo_id, office_id in DEMO_USERS:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = user_create(
                    username=username, password=DEMO_PASSWORD, role=role,
                    provinces=Place.objects.filter(code__in=province_codes),
                    cbo=CBO.objects.get(cbo_id=cbo_id) if cbo_id else None,
                    office=Office.objects.get(office_id=office_id) if office_id else None,
                )
                self.say(f"user {username} ({role_words(role)}) created, password {DEMO_PASSWORD}")
            else:
                self.say(f"user {username} ({role_words(user.role)}): already there, left as it is")
            if user.needs_two_factor:
                self.demo_two_factor(user)

    def demo_two_factor(self, user: User) -> None:
        """Accounts that read non-public records log in with a code: give the demo account a known secret,
        once, and print it with a current code so that the demo can be logged into from the command line's
        output."""
        if not (user.totp_secret and user.totp_confirmed):
            user.totp_secret, user.totp_confirmed = demo_totp_secret(user.username), True
            user.save(update_fields=["totp_secret", "totp_confirmed"])
            audit_record(user=None, action=Action.UPDATE, obj=user, summary="demo two-factor secret set",
                         changes={"totp_confirmed": [None, True]})
        code = pyotp.TOTP(user.totp_secret).now()
        self.say(f"  two-factor secret {user.totp_secret} (current code {code})")
