"""Django's dumpdata, written to the audit log when what it prints holds personal data (the models with
encrypted fields: users and representatives; they are printed decrypted). Backups use `samleng backup`."""

import getpass

from django.apps import apps
from django.core.management.commands import dumpdata

from samleng.core.audit import Action, audit_record
from samleng.core.crypto import EncryptedTextField


def personal_models(labels: list[str], excluded: list[str]) -> list[str]:
    """The models with encrypted fields that dumpdata of `labels` (every app when none), less `excluded`,
    prints."""
    def named(model, names) -> bool:
        meta = model._meta
        return any(name.lower() in (meta.app_label, meta.label_lower) for name in names)

    return [model._meta.label_lower for model in apps.get_models()
            if any(isinstance(f, EncryptedTextField) for f in model._meta.local_fields)
            and (not labels or named(model, labels)) and not named(model, excluded)]


class Command(dumpdata.Command):
    help = dumpdata.Command.help + " Written to Samleng's audit log when it holds personal data."

    def handle(self, *app_labels, **options):
        super().handle(*app_labels, **options)
        personal = personal_models(list(app_labels), list(options.get("exclude") or []))
        if personal:
            where = options.get("output") or "the standard output"
            audit_record(user=None, action=Action.EXPORT_PERSONAL, object_type="core.dumpdata",
                         summary=f"dumpdata by {getpass.getuser()} on the command line to {where}: "
                                 f"{', '.join(personal)}, with their encrypted fields in clear")
