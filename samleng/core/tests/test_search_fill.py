"""core.search.fill_missing after a migrate of some apps only (`samleng migrate core 0006`): a kind whose table
is not made yet waits for the migrate that makes it, instead of failing the migrate."""

from django.db import models
from django.test.utils import isolate_apps

from samleng.core import search


def test_a_kind_without_its_table_waits(db, monkeypatch):
    with isolate_apps("samleng.core"):  # the model is this test's only: no other sees it among the apps' models
        class NotMigrated(models.Model):
            class Meta:
                app_label = "core"
                managed = False
                db_table = "core_search_not_migrated_yet"

            def __str__(self):
                return f"not migrated {self.pk}"

    index = search.Index(kind="core.notmigrated", model=NotMigrated, texts=lambda pks: [])
    monkeypatch.setitem(search._INDEXES, index.kind, index)
    assert search.fill_missing() == {}
