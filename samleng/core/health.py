"""/healthz: is this Samleng able to serve, and are its background jobs being run? For the load balancer and
for monitoring (README, "Monitoring").

Four checks, three queries in all (five with SQLite):
- `database`: the database answers (`SELECT 1`); with SQLite the runtime database beside it too (core/routers.py:
  sessions, rate limits and what a login writes live there, so a server that cannot reach it cannot log anyone in).
- `migrations`: every migration on disk is applied (the ones on disk are read once per process; each request
  reads the applied ones), in each database (`migrate` records every migration in both, though only the runtime
  tables are made in the runtime one).
- `worker`: when a worker last finished a job (the heartbeat: `samleng tick` queues a tiny job every few minutes,
  samleng.core.tasks), no older than SAMLENG_HEALTH_WORKER_MINUTES.
- `queue`: how many jobs wait and how long the oldest has waited, no longer than SAMLENG_HEALTH_QUEUE_MINUTES.
When jobs run in the request (SAMLENG_TASKS_IMMEDIATE=1) there is no worker or queue to check.
Apps add figures of their own (`register`, from their AppConfig.ready; core names no app): notifications' `outbox`
(failed or uncertain messages waiting for staff), one query. A figure is shown, and fails nothing: it is work for
staff, not a server that cannot serve.

200 when every check passes, 503 otherwise, with `problems` saying what is wrong in English and Khmer.
`?only=database,migrations` runs only those checks: what a load balancer should ask, so that a stopped worker
does not take every app server out of service.

The answer holds no personal data and no secret: no job's arguments, no error text (a database error can
name hosts and users; it goes to the log). It is answered by a middleware placed first, before the host check,
the HTTPS redirect, sessions and languages: a load balancer probes by address, over plain HTTP."""

import functools
import logging
from collections.abc import Callable

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Case, Count, F, Max, Min, Q, When
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django_tasks import TaskResultStatus, task_backends
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult, get_date_max

logger = logging.getLogger(__name__)

PATH = "/healthz"
CHECKS = ("database", "migrations", "worker", "queue")
#: Unapplied migrations named in the answer at most (the count is always there).
LISTED_MIGRATIONS = 10

#: name -> what reads an app's figures for the answer (a dict of counts, nothing personal): `register`.
_FIGURES: dict[str, Callable[[], dict]] = {}


def register(name: str, read: Callable[[], dict]) -> None:
    """Show an app's figures in /healthz under `name` (e.g. notifications' outbox), read at each request that
    asks for all checks or names it in `?only=`. The figures never fail the answer."""
    _FIGURES[name] = read


def check_names() -> tuple[str, ...]:
    return CHECKS + tuple(sorted(_FIGURES))


class Problem:
    def __init__(self, check: str, en: str, km: str):
        self.check, self.en, self.km = check, en, km

    def as_dict(self) -> dict:
        return {"check": self.check, "detail": self.en, "detail_km": self.km}


@functools.cache
def _migrations_on_disk() -> dict[tuple[str, str], tuple]:
    """Every migration of the code this process runs (installed apps), with those it replaces if squashed."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return {key: tuple(migration.replaces or ()) for key, migration in loader.disk_migrations.items()}


def _aliases() -> list[str]:
    """The databases of the settings, the main one first (with SQLite: "default", then "runtime")."""
    return [DEFAULT_DB_ALIAS, *(alias for alias in connections if alias != DEFAULT_DB_ALIAS)]


def _unapplied_migrations(alias: str) -> list[str]:
    # The recorder's own applied_migrations() first asks for the list of tables: one query more.
    try:
        applied = set(MigrationRecorder(connections[alias]).migration_qs.values_list("app", "name"))
    except DatabaseError:  # no table yet: a database never migrated
        applied = set()
    on_disk = _migrations_on_disk()

    def done(key) -> bool:
        return key in applied or bool(on_disk[key]) and all(old in applied for old in on_disk[key])

    def replaced_and_done(key) -> bool:
        return any(key in olds and done(new) for new, olds in on_disk.items())

    return sorted(f"{app}.{name}" for app, name in on_disk
                  if not done((app, name)) and not replaced_and_done((app, name)))


def _minutes(seconds: float) -> int:
    return int(seconds // 60)


def _answers(alias: str) -> bool:
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("healthz: the database %s does not answer", alias)
        return False
    return True


def check_database(result: dict, problems: list) -> bool:
    """Every database answers. The answer names the runtime one only when there is one (SQLite)."""
    answering = {alias: _answers(alias) for alias in _aliases()}
    result["database"] = {"ok": all(answering.values())}
    if answering[DEFAULT_DB_ALIAS]:
        result["database"]["vendor"] = connections[DEFAULT_DB_ALIAS].vendor
    else:
        problems.append(Problem("database", "The database does not answer.", "មូលដ្ឋានទិន្នន័យមិនឆ្លើយតប។"))
    for alias, ok in answering.items():
        if alias == DEFAULT_DB_ALIAS:
            continue
        result["database"][alias] = {"ok": ok}
        if not ok:
            problems.append(Problem(
                "database", f"The {alias} database (sessions and logins) does not answer.",
                f"មូលដ្ឋានទិន្នន័យ {alias} (សម្រាប់ការចូលប្រើប្រព័ន្ធ) មិនឆ្លើយតប។"))
    return result["database"]["ok"]


def check_migrations(result: dict, problems: list) -> None:
    """Unapplied migrations of each database; those of the runtime one are named "runtime:app.name"."""
    missing = []
    for alias in _aliases():
        prefix = "" if alias == DEFAULT_DB_ALIAS else f"{alias}:"
        missing += [prefix + name for name in _unapplied_migrations(alias)]
    result["migrations"] = {"ok": not missing, "unapplied": len(missing), "names": missing[:LISTED_MIGRATIONS]}
    if missing:
        problems.append(Problem(
            "migrations", f"{len(missing)} migrations are not applied: run `samleng setup`.",
            f"ការធ្វើចំណាកស្រុក (migration) {len(missing)} មិនទាន់បានអនុវត្ត៖ សូមដំណើរការ `samleng setup`។"))


def _jobs_in_the_database() -> bool:
    return isinstance(task_backends["default"], DatabaseBackend)


def check_jobs(result: dict, problems: list, which: set[str]) -> None:
    """The worker's heartbeat and the queue, in one query on the jobs' table."""
    if not _jobs_in_the_database():
        for name in which:
            result[name] = {"ok": True, "jobs": "run in the request"}
        return
    now = timezone.now()
    ready = Q(status=TaskResultStatus.READY) & (Q(run_after=get_date_max()) | Q(run_after__lte=now))
    # A job is due from when it was queued, or from the time it was put off to.
    due = Case(When(run_after=get_date_max(), then=F("enqueued_at")), default=F("run_after"))
    jobs = DBTaskResult.objects.filter(backend_name=task_backends["default"].alias).aggregate(
        last=Max("finished_at"), queued=Count("pk", filter=ready), oldest=Min(due, filter=ready))
    if "worker" in which:
        limit = settings.SAMLENG_HEALTH_WORKER_MINUTES * 60
        last = jobs["last"]
        age = (now - last).total_seconds() if last else None
        ok = age is not None and age <= limit
        result["worker"] = {"ok": ok, "last_heartbeat": last.isoformat() if last else None,
                            "age_seconds": round(age) if age is not None else None, "max_age_seconds": limit}
        if last is None:
            problems.append(Problem(
                "worker", "No worker has ever finished a job: run `samleng db_worker`, and `samleng tick` from cron.",
                "មិនទាន់មាន worker ណាបានបញ្ចប់ការងារណាមួយទេ៖ សូមដំណើរការ `samleng db_worker` និង "
                "`samleng tick` ពី cron។"))
        elif not ok:
            problems.append(Problem(
                "worker", f"No worker has finished a job for {_minutes(age)} minutes: is `samleng db_worker` "
                          "running, and `samleng tick` in cron?",
                f"គ្មាន worker ណាបានបញ្ចប់ការងារអស់រយៈពេល {_minutes(age)} នាទីហើយ៖ តើ `samleng db_worker` "
                "កំពុងដំណើរការ ហើយ `samleng tick` មាននៅក្នុង cron ឬទេ?"))
    if "queue" in which:
        limit = settings.SAMLENG_HEALTH_QUEUE_MINUTES * 60
        oldest = jobs["oldest"]
        age = max(0.0, (now - oldest).total_seconds()) if oldest else None
        ok = age is None or age <= limit
        result["queue"] = {"ok": ok, "queued": jobs["queued"],
                           "oldest_age_seconds": round(age) if age is not None else None, "max_age_seconds": limit}
        if not ok:
            problems.append(Problem(
                "queue", f"{jobs['queued']} jobs wait; the oldest for {_minutes(age)} minutes.",
                f"ការងារ {jobs['queued']} កំពុងរង់ចាំ៖ ការងារចាស់ជាងគេបានរង់ចាំ {_minutes(age)} នាទីហើយ។"))


def health(only: set[str]) -> tuple[dict, list[Problem]]:
    """The checks asked for (all by default): their results by name, and the problems found."""
    result: dict = {}
    problems: list[Problem] = []
    which = set(only or check_names())
    if not check_database(result, problems):
        return result, problems  # nothing else can be read
    if "migrations" in which:
        check_migrations(result, problems)
    if which & {"worker", "queue"}:
        check_jobs(result, problems, which & {"worker", "queue"})
    for name in sorted(which & set(_FIGURES)):
        try:
            result[name] = {"ok": True, **_FIGURES[name]()}
        except DatabaseError:
            logger.exception("healthz: the figures of %s could not be read", name)
            result[name] = {"ok": True, "unknown": True}
    if "database" not in which:
        result.pop("database")
    return result, problems


def healthz(request) -> HttpResponse:
    if request.method not in ("GET", "HEAD"):
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD"})
    only = {name.strip() for name in request.GET.get("only", "").split(",") if name.strip()}
    known = check_names()
    unknown = sorted(only - set(known))
    if unknown:
        return JsonResponse({"detail": f"Unknown checks: {', '.join(unknown)}. Known: {', '.join(known)}.",
                             "detail_km": f"ការត្រួតពិនិត្យដែលមិនស្គាល់៖ {', '.join(unknown)}។ "
                                          f"ដែលស្គាល់៖ {', '.join(known)}។"}, status=400)
    checks, problems = health(only)
    body = {"status": "failing" if problems else "ok", "checks": checks,
            "problems": [p.as_dict() for p in problems]}
    response = JsonResponse(body, status=503 if problems else 200, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


class HealthCheckMiddleware:
    """Answers /healthz before any other middleware (see the module's docstring for why)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.rstrip("/") == PATH:
            return healthz(request)
        return self.get_response(request)
