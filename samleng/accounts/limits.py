"""Rate limits that every app server shares: token buckets in the database (LimitBucket), after the way
healthchecks keeps its TokenBucket, with the client address read safely behind a reverse proxy. With SQLite the
buckets are in the runtime database beside the main one (core/routers.py), so that counting never waits for an
import's write lock.

A limit is written "COUNT/PERIOD" in the settings ("20/15m": 20 in a row, then one more every 45 s; the
bucket is full again 15 minutes after the last use); "0" or "" turns it off. What a bucket counts (a client
address, a username with an address, an e-mail address) is kept only as a keyed hash, and a bucket is
deleted once it would be full again, so nothing is kept longer than the limit needs it.

Who uses what:
- login (services.user_authenticate, the two-factor view): wrong passwords and codes per username and
  address (LOGIN_MAX_FAILURES per LOGIN_LOCKOUT_MINUTES: the pair is locked, the answer is the same for an
  unknown username), per address whatever the username (LIMIT_LOGIN: 429), and wrong codes per account
  once its password was right (the second factor cannot be guessed from many addresses);
- RateLimitMiddleware: password reset requests per address (and mails per e-mail address in the view),
  the JSON API, and the public forms (searches, filters, the language switch), answering 429 in Khmer and
  English with Retry-After.
"""

import datetime as dt
import ipaddress
import math
import re
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from samleng.accounts.models import LimitBucket
from samleng.core.routers import runtime_alias

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")


@dataclass(frozen=True)
class Rate:
    """`count` uses, then the bucket refills evenly over `seconds` (one use back every seconds/count)."""

    count: int
    seconds: float

    @classmethod
    def parse(cls, text: str | None) -> "Rate | None":
        """'20/15m' -> Rate(20, 900); '0' or '' -> None (no limit). A malformed rate is a setting error."""
        text = (text or "").strip()
        if text in {"", "0"}:
            return None
        match = _RATE.match(text)
        if not match:
            raise ValueError(f"A rate limit is written like 20/15m (COUNT/PERIOD, s m h or d), not {text!r}")
        count, number, unit = int(match[1]), int(match[2] or 1), match[3]
        if count == 0:
            return None
        return cls(count=count, seconds=float(number * _UNITS[unit]))

    @property
    def per_token(self) -> float:
        return self.seconds / self.count


def rate(name: str) -> Rate | None:
    """The rate of a setting (LIMIT_LOGIN, ...), read at each use so that tests may change it."""
    return Rate.parse(getattr(settings, name))


def failures_rate() -> Rate:
    """Wrong passwords or codes for one username from one address (and codes for one account)."""
    return Rate(count=max(1, settings.LOGIN_MAX_FAILURES), seconds=max(1, settings.LOGIN_LOCKOUT_MINUTES) * 60.0)


# ---- who is asking ----------------------------------------------------------------------------------------


def _networks(values) -> list:
    networks = []
    for value in values:
        value = value.strip()
        if value:
            networks.append(ipaddress.ip_network(value, strict=False))
    return networks


def _is_trusted(address: str, networks) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_address(request) -> str:
    """The address of the client. The socket's address (REMOTE_ADDR), unless that is a trusted proxy
    (TRUSTED_PROXIES): then X-Forwarded-For is read from the right, past the trusted proxies, and the first
    address no trusted proxy vouches for is the client's. A client can put anything in the header, but
    only to the left of what the proxies appended, so it cannot choose the address that counts."""
    remote = (request.META.get("REMOTE_ADDR") or "").strip()
    networks = _networks(settings.TRUSTED_PROXIES)
    if not networks or not _is_trusted(remote, networks):
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    client = remote
    for hop in reversed(hops):
        client = hop
        if not _is_trusted(hop, networks):
            break
    return client


def address_key(address: str) -> str:
    """What a limit counts for an address: the address, or the /64 network of an IPv6 address (one
    household or phone gets a whole /64, and could otherwise step through it)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6 and not ip.ipv4_mapped:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    if ip.version == 6:
        return str(ip.ipv4_mapped)
    return str(ip)


def keyed_hash(*parts: str) -> str:
    """A keyed hash (HMAC-SHA256 with a key derived from SECRET_KEY): the database never holds the address
    or name, and nobody without the key can test guesses against it."""
    return salted_hmac("samleng.accounts.limits", "\x1f".join(parts), algorithm="sha256").hexdigest()


def username_subject(username: str) -> str:
    return keyed_hash("username", username.casefold())


# ---- the buckets -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    allowed: bool
    retry_after: int = 0  # seconds until one use is possible again (when not allowed)


def _level(bucket: LimitBucket | None, limit: Rate, now: dt.datetime) -> float:
    if bucket is None:
        return float(limit.count)
    refilled = (now - bucket.updated).total_seconds() / limit.per_token
    return min(float(limit.count), bucket.tokens + max(0.0, refilled))


def _wait(level: float, limit: Rate) -> int:
    return max(1, math.ceil((1.0 - level) * limit.per_token))


def peek(key: str, limit: Rate | None) -> Decision:
    """Would one use be allowed now? Takes nothing (the login asks this before it checks a password)."""
    if limit is None:
        return Decision(True)
    now = timezone.now()
    level = _level(LimitBucket.objects.filter(key=key).first(), limit, now)
    return Decision(True) if level >= 1.0 else Decision(False, _wait(level, limit))


def take(key: str, limit: Rate | None, *, subject: str = "") -> Decision:
    """Use one token of the bucket `key` (made full when new), if one is left."""
    return _take(key, limit, subject=subject, force=False)


def count_failure(key: str, limit: Rate | None, *, subject: str = "") -> Decision:
    """Take one token even from an empty bucket (a failure always counts), and say whether the next attempt
    may go on: not allowed once the bucket is empty."""
    return _take(key, limit, subject=subject, force=True)


def _take(key: str, limit: Rate | None, *, subject: str, force: bool) -> Decision:
    """The row is locked while it changes, so that simultaneous requests on several app servers all count. The
    buckets are in the runtime database (core/routers.py): its transaction, not the main one, whose write lock
    an import may hold."""
    if limit is None:
        return Decision(True)
    now = timezone.now()
    database = runtime_alias()
    with transaction.atomic(using=database):
        bucket = LimitBucket.objects.select_for_update().filter(key=key).first()
        if bucket is None:
            _prune(now)
            try:
                with transaction.atomic(using=database):
                    bucket = LimitBucket.objects.create(key=key, subject=subject, tokens=float(limit.count),
                                                        updated=now, full_at=now)
            except IntegrityError:  # made at the same moment by another request
                bucket = LimitBucket.objects.select_for_update().get(key=key)
        level = _level(bucket, limit, now)
        if level < 1.0 and not force:
            return Decision(False, _wait(level, limit))
        level = max(0.0, level - 1.0)
        bucket.tokens, bucket.updated = level, now
        bucket.full_at = now + dt.timedelta(seconds=(limit.count - level) * limit.per_token)
        bucket.save(update_fields=["tokens", "updated", "full_at"])
    if force and level < 1.0:
        return Decision(False, _wait(level, limit))
    return Decision(True)


def forget(*, key: str = "", subject: str = "") -> None:
    """Delete a bucket (a successful login ends its failures), or every bucket of a username (unlock)."""
    if key:
        LimitBucket.objects.filter(key=key).delete()
    if subject:
        LimitBucket.objects.filter(subject=subject).delete()


def _prune(now: dt.datetime) -> None:
    """Buckets that are full again count nothing any more: deleted whenever a new bucket is made."""
    LimitBucket.objects.filter(full_at__lte=now).delete()


# ---- answering "too many" ------------------------------------------------------------------------------------


def _both_languages(message) -> tuple[str, str]:
    with translation.override("en"):
        en = str(message())
    with translation.override("km"):
        km = str(message())
    return en, km


def too_many_requests(request, retry_after: int, *, json: bool = False):
    """429 with Retry-After, said in Khmer and in English whatever the page's language."""
    minutes = max(1, math.ceil(retry_after / 60))

    def message():
        return _("Too many requests from your connection. Please wait %(minutes)s min and try again.") % {
            "minutes": minutes}

    en, km = _both_languages(message)
    if json:
        response = JsonResponse({"detail": en, "detail_km": km, "retry_after": retry_after}, status=429)
    else:
        response = render(request, "accounts/too_many.html", {"message_en": en, "message_km": km}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


# ---- the middleware ----------------------------------------------------------------------------------------

#: Views whose use is limited per client address: (limit setting, methods). Public forms count only when
#: submitted: a POST, or a GET that carries a field of the form in its query string (not only the page of a
#: list, or the place a list is browsed in: NAVIGATION).
LIMITED_VIEWS: dict[str, tuple[str, frozenset[str]]] = {
    "accounts:password_reset": ("LIMIT_PASSWORD_RESET", frozenset({"POST"})),
    "set_language": ("LIMIT_PUBLIC_FORMS", frozenset({"POST"})),
    "cbos:public_list": ("LIMIT_PUBLIC_FORMS", frozenset({"GET"})),
    "advocacy:public_list": ("LIMIT_PUBLIC_FORMS", frozenset({"GET"})),
    "budgets:find": ("LIMIT_PUBLIC_FORMS", frozenset({"GET"})),
    "places:search": ("LIMIT_PUBLIC_FORMS", frozenset({"GET"})),
    "comments:new": ("LIMIT_COMMENTS", frozenset({"POST"})),
    "comments:follow": ("LIMIT_PUBLIC_FORMS", frozenset({"POST"})),
    "comments:flag": ("LIMIT_PUBLIC_FORMS", frozenset({"POST"})),
    "assistant:chat": ("LIMIT_PUBLIC_FORMS", frozenset({"POST"})),
}
NAVIGATION = frozenset({"page", "in", "parent"})
#: Every view of these URL namespaces is limited, whatever the method.
LIMITED_NAMESPACES = {"api": "LIMIT_API"}


def _form_submitted(request) -> bool:
    return any(value for name, value in request.GET.items() if name not in NAVIGATION)


class RateLimitMiddleware:
    """Per-address limits on the views above and on the JSON API (LIMITED_NAMESPACES). Login has its own
    counting (services.user_authenticate), since only its failures count."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None:
            return None
        namespace = match.namespaces[0] if match.namespaces else ""
        if namespace in LIMITED_NAMESPACES:
            name, is_api = LIMITED_NAMESPACES[namespace], True
        elif match.view_name in LIMITED_VIEWS:
            name, methods = LIMITED_VIEWS[match.view_name]
            if request.method not in methods or (request.method == "GET" and not _form_submitted(request)):
                return None
            is_api = False
        else:
            return None
        key = keyed_hash(name, address_key(client_address(request)))
        decision = take(key, rate(name))
        if decision.allowed:
            return None
        return too_many_requests(request, decision.retry_after, json=is_api)
