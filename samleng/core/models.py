import zlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """Who did what to which record, and when. Views and exports of personal data are written here too."""

    class Action(models.TextChoices):
        CREATE = "create", _("created")
        UPDATE = "update", _("changed")
        DELETE = "delete", _("deleted")
        VIEW_PERSONAL = "view_personal", _("viewed personal data")
        EXPORT_PERSONAL = "export_personal", _("exported personal data")
        IMPORT = "import", _("imported")
        LOGIN = "login", _("logged in")
        LOGIN_FAILED = "login_failed", _("failed to log in")

    # When it happened: now, or the time a queued entry was made (QueuedAuditEntry).
    at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    action = models.CharField(max_length=20, choices=Action.choices)
    object_type = models.CharField(max_length=50, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    summary = models.TextField(blank=True)
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["object_type", "object_id"])]
        verbose_name_plural = "audit entries"

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.action} {self.object_type} {self.object_id}"


class PeriodicJob(models.Model):
    """When a job of `samleng tick` (core.tick) last ran: a job runs again once its interval has passed."""

    name = models.CharField(max_length=60, primary_key=True)
    last_run_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.name} {self.last_run_at or 'never'}"


class SearchEntry(models.Model):
    """What search finds a record by: its words (core.search's indexed form: folded, segmented, with the
    words inside Khmer compounds), one entry per record of a kind that an app registered with core.search.
    A full-text index follows this table: an FTS5 table kept by triggers on SQLite, a GIN index of its words
    as a tsvector on PostgreSQL (migration 0003).

    An entry's id is its kind's base plus the record's primary key (`id_for`), not a counter: the full-text
    index gives back entry ids, and from those the records' keys follow by a subtraction, and a kind's
    entries are one range of ids, without reading a row of this table (migration 0005)."""

    #: The ids of a kind's entries: its base (a 22-bit number from the kind's name, shifted) plus primary
    #: keys below 2**KEY_BITS.
    KEY_BITS = 40

    kind = models.CharField(max_length=50)  # the model's label_lower: "cbos.cbo"
    object_id = models.BigIntegerField()
    text = models.TextField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="unique_search_entry")]
        verbose_name_plural = "search entries"

    def __str__(self):
        return f"{self.kind} {self.object_id}"

    def save(self, *args, **kwargs):
        if self.id is None:  # core.search writes rows with their ids; an entry made another way gets its own
            self.id = self.id_for(self.kind, self.object_id)
        super().save(*args, **kwargs)

    @classmethod
    def kind_base(cls, kind: str) -> int:
        """The first id of `kind`'s entries: a CRC-32 of its name cut to 22 bits, shifted past the keys (below
        2**62: a signed 64-bit integer on every database). core.search refuses two kinds with one base."""
        return (zlib.crc32(kind.encode()) & 0x3FFFFF) << cls.KEY_BITS

    @classmethod
    def id_for(cls, kind: str, object_id: int) -> int:
        if not 0 <= object_id < 1 << cls.KEY_BITS:
            raise ValueError(f"search: a primary key of {kind} out of the entries' range: {object_id}")
        return cls.kind_base(kind) + object_id


class QueuedAuditEntry(models.Model):
    """An audit entry written where an import's lock does not reach (the runtime database, core/routers.py): the
    logins and failed logins, which must not wait for an import. `samleng tick` moves them into the audit log
    (core.audit.audit_flush) with the time they happened; the user is named by id (no key across the files)."""

    at = models.DateTimeField(default=timezone.now)
    user_id = models.BigIntegerField(null=True, blank=True)
    action = models.CharField(max_length=20, choices=AuditEntry.Action.choices)
    object_type = models.CharField(max_length=50, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    summary = models.TextField(blank=True)
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"queued {self.at:%Y-%m-%d %H:%M} {self.user_id} {self.action}"
