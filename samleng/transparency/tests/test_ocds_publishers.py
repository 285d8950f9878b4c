"""OCDS files of real publishers import, with their schema warnings located by JSON path, and export valid.

The files under data/ocds/ are real publications, copied from the test fixtures ("tests/fixtures/realdata")
of the `ocdskit` 1.7.0 source distribution on PyPI (BSD-3-Clause, Open Contracting Partnership):
- cdmx-release-package.json: Mexico City's finance secretariat (publisher CDMX-SEFIN,
  contratosabiertos.cdmx.gob.mx), two releases of one contract, OCDS 1.0 without `version`
  (ocdskit's release-package-1.json);
- paraguay-release-package.json: Paraguay's procurement agency (DNCP, contrataciones.gov.py, published under
  CC BY 4.0), a contract release in 1.1 (ocdskit's release-package_1.1-2.json);
- paraguay-release-package-1.0.json: the same publisher in 1.0 (ocdskit's release-package_1.0-2.json);
- paraguay-record-package.json: a DNCP record package whose release is linked (never fetched) and whose
  compiledRelease is used as it is (ocdskit's record-package_1.1.json).
No internet here but PyPI: these are the real publishers' files found there, small ones chosen on purpose.
"""

import json
from pathlib import Path

import pytest

from samleng.transparency import ocds, services
from samleng.transparency.models import OcdsRelease, ProcurementProject

DATA = Path(__file__).parent / "data" / "ocds"
FILES = sorted(path.name for path in DATA.glob("*.json"))


@pytest.mark.django_db
@pytest.mark.parametrize("name", FILES)
def test_a_real_publishers_file_imports_and_exports_valid(name, admin_user):
    raw = (DATA / name).read_bytes()
    result = services.ocds_import(raw, user=admin_user, source=name)
    projects = list(ProcurementProject.objects.all())
    assert projects, [message.render(params, "en") for message, params in result.warnings]
    for message, params in result.warnings:
        assert message.code.startswith("ocds."), message.code
        if message.code == "ocds.schema":
            assert params["path"].startswith("$"), params  # located by JSON path
    for project in projects:
        assert project.buyer and project.fiscal_year and project.ocid
        for warning in project.ocds_warnings:
            assert warning["path"].startswith("$.")
    package = services.ocds_export()
    assert ocds.package_problems(package) == [], name
    assert {r["ocid"] for r in package["releases"]} == {p.ocid for p in projects}
    # Importing it again changes nothing.
    again = services.ocds_import(raw, user=admin_user, source=name)
    assert (again.releases_new, again.projects_created, again.projects_updated) == (0, 0, 0)
    # Samleng's own export reads back: the same projects.
    services.ocds_import(json.dumps(package).encode(), user=admin_user, source="export.json")
    assert ProcurementProject.objects.count() == len(projects)


@pytest.mark.django_db
def test_the_publishers_files_say_what_is_wrong_with_them(admin_user):
    found = {}
    for name in FILES:
        result = services.ocds_import((DATA / name).read_bytes(), user=admin_user, source=name)
        found[name] = [params.get("path", "") for message, params in result.warnings if message.code == "ocds.schema"]
    print(found)
    assert OcdsRelease.objects.exists()
