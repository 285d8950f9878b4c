"""`samleng dumpdata` prints users and representatives decrypted: it is an export of personal data, in the
audit log; one of other records is not."""

from io import StringIO

from django.core.management import call_command

from samleng.core.models import AuditEntry


def _exports():
    return AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT_PERSONAL, object_type="core.dumpdata")


def test_dumpdata_of_personal_data_is_audited(world, tmp_path):
    call_command("dumpdata", "cbos", stdout=StringIO())
    assert "cbos.representative" in _exports().get().summary
    call_command("dumpdata", "accounts.User", "--output", str(tmp_path / "users.json"))
    assert _exports().filter(summary__contains=f"to {tmp_path / 'users.json'}: accounts.user").exists()
    call_command("dumpdata", "cbos", "--exclude", "cbos.representative", stdout=StringIO())
    call_command("dumpdata", "places.placealias", stdout=StringIO())
    assert _exports().count() == 2
