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
        # What the public ranking reads is counted from the records the import wrote.
        assert project.items_disclosed == project.disclosures.count()
        assert project.basic_documents == project.documents.filter(tier="basic").count()
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
def test_what_the_publishers_files_hold_and_what_is_wrong_with_them(admin_user):
    def imported(name):
        result = services.ocds_import((DATA / name).read_bytes(), user=admin_user, source=name)
        return result, [(params["path"], params["problem"]) for message, params in result.warnings
                        if message.code == "ocds.schema"]

    # Mexico City publishes 1.0 without `version`: a warning at the package, the data used all the same.
    result, warnings = imported("cdmx-release-package.json")
    assert warnings == [("$", "'version' is a required property")]
    cdmx = ProcurementProject.objects.get(ocid="OCDS-87SD3T-AD-SF-DRM-063-2015")
    assert cdmx.buyer == "SECRETARÍA DE FINANZAS" and cdmx.currency == "MXN"
    # Its two releases repeat the same two tenderers (objects without an id): counted once each.
    assert cdmx.tenderers == 2
    assert OcdsRelease.objects.filter(ocid=cdmx.ocid).count() == 2
    # Paraguay's record package links its release (never fetched) and gives a compiled release.
    result, warnings = imported("paraguay-record-package.json")
    assert result.linked_skipped == 1
    assert ProcurementProject.objects.filter(ocid="ocds-03ad3f-193399").exists()
    # Its 1.1 release package is valid as it is.
    assert imported("paraguay-release-package.json")[1] == []
