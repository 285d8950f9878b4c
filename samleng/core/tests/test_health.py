"""/healthz: the database, the migrations, the worker's heartbeat and the queue; 200 or 503 with what is wrong,
in a few queries, with nothing personal or secret in it, answered before the host check and the HTTPS redirect."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, connections
from django.db.migrations.recorder import MigrationRecorder
from django.test import Client
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from samleng.core.routers import RUNTIME
from samleng.core.tasks import heartbeat, heartbeat_enqueue

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def job(*, status=TaskResultStatus.READY, enqueued_minutes_ago=0, finished_minutes_ago=None, args=()):
    """A job of the jobs' table as a worker would leave it."""
    now = timezone.now()
    row = DBTaskResult.objects.create(task_path="samleng.imports.tasks.import_run_task", backend_name="default",
                                      args_kwargs={"args": list(args), "kwargs": {}}, status=status)
    finished = now - dt.timedelta(minutes=finished_minutes_ago) if finished_minutes_ago is not None else None
    DBTaskResult.objects.filter(pk=row.pk).update(enqueued_at=now - dt.timedelta(minutes=enqueued_minutes_ago),
                                                  started_at=finished, finished_at=finished)
    return row


def get(path="/healthz", **headers):
    return Client().get(path, **headers)


def test_healthy_in_four_queries(db, django_assert_max_num_queries):
    job(status=TaskResultStatus.SUCCESSFUL, enqueued_minutes_ago=3, finished_minutes_ago=2)
    with django_assert_max_num_queries(4):  # the fourth: notifications' outbox figure
        response = get()
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json" and response["Cache-Control"] == "no-store"
    body = response.json()
    assert body["status"] == "ok" and body["problems"] == []
    checks = body["checks"]
    assert set(checks) == {"database", "migrations", "worker", "queue", "outbox"}
    assert all(check["ok"] for check in checks.values())
    assert checks["migrations"] == {"ok": True, "unapplied": 0, "names": []}
    assert 110 <= checks["worker"]["age_seconds"] <= 130
    assert checks["queue"] == {"ok": True, "queued": 0, "oldest_age_seconds": None, "max_age_seconds": 15 * 60}


def test_no_worker_ever_is_503(db):
    response = get()
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "failing"
    (problem,) = body["problems"]
    assert problem["check"] == "worker" and "samleng db_worker" in problem["detail"] and problem["detail_km"]
    assert body["checks"]["worker"]["last_heartbeat"] is None


def test_a_stale_heartbeat_and_an_old_queue_are_503(db, settings):
    job(status=TaskResultStatus.SUCCESSFUL, enqueued_minutes_ago=21, finished_minutes_ago=20)
    job(enqueued_minutes_ago=16, args=["+855 12 345 678", "Sar Mol"])
    job(enqueued_minutes_ago=1)
    job(status=TaskResultStatus.RUNNING, enqueued_minutes_ago=30)  # being run: not waiting
    response = get()
    assert response.status_code == 503
    body = response.json()
    assert [p["check"] for p in body["problems"]] == ["worker", "queue"]
    assert "20 minutes" in body["problems"][0]["detail"]
    assert body["problems"][1]["detail"] == "2 jobs wait; the oldest for 16 minutes."
    assert body["checks"]["queue"]["queued"] == 2
    assert 955 <= body["checks"]["queue"]["oldest_age_seconds"] <= 965
    # Nothing of a job's arguments (names, phone numbers) is ever in the answer.
    assert "345" not in response.content.decode() and "Sar Mol" not in response.content.decode()

    # The limits are settings.
    settings.SAMLENG_HEALTH_WORKER_MINUTES = 30
    settings.SAMLENG_HEALTH_QUEUE_MINUTES = 20
    assert get().status_code == 200


def test_a_job_put_off_waits_from_when_it_is_due(db):
    job(status=TaskResultStatus.SUCCESSFUL, finished_minutes_ago=1)
    later = job(enqueued_minutes_ago=60)
    DBTaskResult.objects.filter(pk=later.pk).update(run_after=timezone.now() + dt.timedelta(hours=1))
    assert get().json()["checks"]["queue"]["queued"] == 0
    DBTaskResult.objects.filter(pk=later.pk).update(run_after=timezone.now() - dt.timedelta(minutes=5))
    queue = get().json()["checks"]["queue"]
    assert queue["queued"] == 1 and 295 <= queue["oldest_age_seconds"] <= 305


def test_an_unapplied_migration_is_503(db):
    job(status=TaskResultStatus.SUCCESSFUL, finished_minutes_ago=1)
    MigrationRecorder(connection).record_unapplied("core", "0001_initial")
    response = get()
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"] == {"ok": False, "unapplied": 1, "names": ["core.0001_initial"]}
    (problem,) = response.json()["problems"]
    assert problem["check"] == "migrations" and "samleng setup" in problem["detail"] and problem["detail_km"]


def _unreachable(monkeypatch, alias: str) -> None:
    def cursor():
        raise DatabaseError('connection to server at "10.1.2.3" failed: password authentication failed for '
                            'user "samleng_prod"')

    monkeypatch.setattr(connections[alias], "cursor", cursor)


def test_a_database_that_does_not_answer_is_503_without_its_error(db, monkeypatch):
    _unreachable(monkeypatch, "default")
    response = get()
    assert response.status_code == 503
    body = response.json()
    assert body["checks"]["database"]["ok"] is False and set(body["checks"]) == {"database"}
    assert [p["check"] for p in body["problems"]] == ["database"]
    assert "10.1.2.3" not in response.content.decode() and "samleng_prod" not in response.content.decode()


# ---- the runtime database (SQLite: sessions, rate limits and what a login writes, in a file of their own) ----


@pytest.fixture
def runtime_database(db):
    if RUNTIME not in connections:
        pytest.skip("PostgreSQL: one database, no runtime one")
    job(status=TaskResultStatus.SUCCESSFUL, finished_minutes_ago=1)


def test_the_runtime_database_is_checked_beside_the_main_one(runtime_database):
    body = get("/healthz?only=database,migrations").json()
    assert body["checks"]["database"] == {"ok": True, "vendor": "sqlite", RUNTIME: {"ok": True}}
    assert body["checks"]["migrations"] == {"ok": True, "unapplied": 0, "names": []}


def test_a_runtime_database_that_does_not_answer_is_503(runtime_database, monkeypatch):
    """No one could log in: the load balancer's question fails too."""
    _unreachable(monkeypatch, RUNTIME)
    response = get("/healthz?only=database,migrations")
    assert response.status_code == 503
    body = response.json()
    assert body["checks"]["database"] == {"ok": False, "vendor": "sqlite", RUNTIME: {"ok": False}}
    (problem,) = body["problems"]
    assert problem["check"] == "database" and "runtime database" in problem["detail"] and problem["detail_km"]
    assert "10.1.2.3" not in response.content.decode()


def test_an_unapplied_migration_of_the_runtime_database_is_503(runtime_database):
    """A release whose `samleng migrate` ran on the main database only (`--database default`)."""
    MigrationRecorder(connections[RUNTIME]).record_unapplied("accounts", "0005_used_totp_step")
    response = get("/healthz?only=database,migrations")
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"] == {
        "ok": False, "unapplied": 1, "names": ["runtime:accounts.0005_used_totp_step"]}


def test_the_load_balancer_asks_only_what_this_server_needs(db, django_assert_max_num_queries):
    """A stopped worker fails /healthz but not what a load balancer asks: it must not take every app server
    out of service."""
    assert get().status_code == 503
    with django_assert_max_num_queries(2):
        response = get("/healthz?only=database,migrations")
    assert response.status_code == 200
    assert set(response.json()["checks"]) == {"database", "migrations"}
    only_queue = get("/healthz?only=queue").json()
    assert set(only_queue["checks"]) == {"queue"}
    unknown = get("/healthz?only=database,disk")
    assert unknown.status_code == 400 and "disk" in unknown.json()["detail"] and unknown.json()["detail_km"]


def test_answered_by_address_over_plain_http(db, settings):
    """A load balancer probes an app server by its address, over HTTP, without cookies."""
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["samleng.example.org"]
    job(status=TaskResultStatus.SUCCESSFUL, finished_minutes_ago=1)
    response = get(HTTP_HOST="10.0.0.7:8000")
    assert response.status_code == 200 and response.json()["status"] == "ok"
    assert get("/healthz/", HTTP_HOST="10.0.0.7:8000").status_code == 200
    assert Client().head("/healthz", HTTP_HOST="10.0.0.7").status_code == 200
    assert Client().post("/healthz", HTTP_HOST="10.0.0.7").status_code == 405
    assert get("/", HTTP_HOST="10.0.0.7").status_code == 400  # the rest of the site still checks the host


def test_jobs_run_in_the_request_need_no_worker(db, settings):
    settings.TASKS = IMMEDIATE
    response = get()
    assert response.status_code == 200
    assert response.json()["checks"]["worker"] == {"ok": True, "jobs": "run in the request"}


def test_tick_queues_one_heartbeat_until_a_worker_takes_it(db):
    out = StringIO()
    call_command("tick", stdout=out)
    assert "heartbeat: heartbeat queued" in out.getvalue()
    assert not heartbeat_enqueue()  # one waits already
    waiting = DBTaskResult.objects.filter(task_path=heartbeat.module_path)
    assert [j.status for j in waiting] == [TaskResultStatus.READY]
    body = get().json()
    assert body["checks"]["queue"]["queued"] == 1


def test_a_heartbeat_clears_those_of_more_than_an_hour_ago(db):
    old = job(status=TaskResultStatus.SUCCESSFUL, finished_minutes_ago=61)
    recent = job(status=TaskResultStatus.SUCCESSFUL, finished_minutes_ago=5)
    import_job = job(status=TaskResultStatus.SUCCESSFUL, finished_minutes_ago=120)
    DBTaskResult.objects.filter(pk__in=[old.pk, recent.pk]).update(task_path=heartbeat.module_path)
    heartbeat.call()
    assert set(DBTaskResult.objects.values_list("pk", flat=True)) == {recent.pk, import_job.pk}


@pytest.mark.django_db(transaction=True)
def test_a_worker_taking_the_heartbeat_makes_healthz_healthy():
    """The whole path: cron's tick queues the heartbeat, a worker runs it, /healthz sees it."""
    call_command("tick", stdout=StringIO())
    assert get().status_code == 503  # no worker yet
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    response = get()
    assert response.status_code == 200, response.json()
    checks = response.json()["checks"]
    assert checks["worker"]["age_seconds"] <= 5 and checks["queue"]["queued"] == 0
