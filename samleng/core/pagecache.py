"""Pages of published data cached as rendered, per language, in the cache every app server shares
(settings.CACHES, the database cache by default; README, "Caching public pages").

A page is cached only for an anonymous visitor, and only when nothing in it belongs to that visitor: no
message waiting for them, no CSRF token (a masked token gives away the visitor's CSRF secret), no cookie
set. A logged-in user neither reads nor fills the cache: staff see their own pages, fresh.

Invalidation is by generation: each app whose data a page shows (a "scope": an app label) has a token in
the cache, and a cached page is served only while the tokens it was rendered under are still the current
ones. Any change of an app's records replaces its token once the transaction commits (`changed`): every
model save or delete of the watched apps (signals, connected in CoreConfig.ready), and every bulk write of
core.bulk (imports, publishing). A lost token (culled, cache flushed) is replaced by a new one, so a page
rendered before can never match it. A hit is one cache read: the page and the tokens in one get_many.
"""

import gzip
import hashlib
import re
import secrets
from functools import wraps

from django.conf import settings
from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, connections, router, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse, QueryDict
from django.utils import translation
from django.utils.cache import patch_vary_headers

#: The apps whose records public pages show. A change of any of their records invalidates the cached
#: pages of that scope. `plans` and `stories` too: a story about an issue or a budget is on their pages
#: (core.related), and a joint plan made private takes the stories that name it off them.
WATCHED_APPS = ("places", "cbos", "advocacy", "engagement", "budgets", "transparency", "plans", "stories")
#: Headers of a cached page kept with it (the others are added by the middleware on every answer).
_KEPT_HEADERS = ("Content-Type", "Content-Disposition", "Content-Language")


def _cache():
    return caches[settings.PAGE_CACHE_ALIAS]


def _generation_key(scope: str) -> str:
    return f"samleng:generation:{scope}"


def _new_token() -> str:
    return secrets.token_hex(8)


# ---- invalidation ----------------------------------------------------------------------------------------


def bump(scope: str) -> None:
    """Every cached page of `scope` is out of date from now on."""
    _cache().set(_generation_key(scope), _new_token(), None)


class _Bump:
    """The callback that bumps a scope once the transaction commits; equal for one scope and database, so that
    a transaction that saves thousands of records registers it once."""

    def __init__(self, scope: str, using: str):
        self.scope, self.using = scope, using

    def __eq__(self, other):
        return isinstance(other, _Bump) and (other.scope, other.using) == (self.scope, self.using)

    def __hash__(self):
        return hash((self.scope, self.using))

    def __call__(self):
        bump(self.scope)


def changed(scope: str, *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Records of `scope` changed in the current transaction of `using`: bump it when the transaction commits
    (at once outside one). After the commit, not before: a page rendered from the data before the commit must
    not be stored under the new token."""
    connection = connections[using]
    callback = _Bump(scope, using)
    if connection.in_atomic_block:
        # Once per scope for the saves made at one level of one transaction (a service's loop); not against
        # a callback of an outer level, which a savepoint's rollback would not take away from this one.
        here = set(connection.savepoint_ids)
        if any(func == callback and sids == here for sids, func, _robust in connection.run_on_commit):
            return
    transaction.on_commit(callback, using=using)


def model_changed(model, *, using: str | None = None) -> None:
    """Records of `model` changed (core.bulk's writes call this)."""
    label = model._meta.app_label
    if label in WATCHED_APPS:
        changed(label, using=using or router.db_for_write(model))


def _on_save_or_delete(sender, using=None, **kwargs):
    changed(sender._meta.app_label, using=using or DEFAULT_DB_ALIAS)


def _on_m2m(sender, action, using=None, **kwargs):
    if action.startswith("post_") and sender._meta.app_label in WATCHED_APPS:
        changed(sender._meta.app_label, using=using or DEFAULT_DB_ALIAS)


def connect_signals(app_configs) -> None:
    """Listen to saves and deletes of the watched apps' models (called by CoreConfig.ready). Connected per
    model rather than for every model, so that the deletes of the other apps stay fast deletes."""
    for config in app_configs:
        if config.label not in WATCHED_APPS:
            continue
        for model in config.get_models():
            post_save.connect(_on_save_or_delete, sender=model, dispatch_uid=f"pagecache-save-{model._meta.label}")
            post_delete.connect(_on_save_or_delete, sender=model,
                                dispatch_uid=f"pagecache-delete-{model._meta.label}")
    m2m_changed.connect(_on_m2m, dispatch_uid="pagecache-m2m")


# ---- serving -----------------------------------------------------------------------------------------------


def _cacheable_request(request) -> bool:
    if settings.PAGE_CACHE_SECONDS <= 0 or request.method not in ("GET", "HEAD"):
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    # A message waiting for this visitor (after a logout, say) is shown on the next page: not for everyone.
    storage = getattr(request, "_messages", None)
    return not (storage is not None and len(storage))


def _cacheable_response(request, response) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not response.has_header("Cache-Control")
        # The template used csrf_token: the page holds this visitor's masked CSRF secret.
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
    )


def _canonical_query(request, params: tuple[str, ...]) -> str:
    """The query string with the parameters the view reads only, in a fixed order: a link shared on Facebook
    comes back with ?fbclid=... different for every visitor, and must still be one page."""
    kept = QueryDict(mutable=True)
    for name in params:
        values = [v for v in request.GET.getlist(name) if v != ""]
        if values:
            kept.setlist(name, values)
    return kept.urlencode()


def _page_key(request, query: str) -> str:
    # v2: the stored body is gzip (v1 held zlib); a new format gets new keys, never an old entry misread.
    # The host and scheme are in the page (its share link), the language in every word of it.
    where = f"{request.scheme}://{request.get_host()}{request.path}?{query}"
    return "samleng:page:v2:" + translation.get_language() + ":" + hashlib.sha256(where.encode()).hexdigest()


def _current_tokens(cache, scopes: tuple[str, ...], found: dict) -> tuple[str, ...]:
    tokens = []
    for scope in scopes:
        key = _generation_key(scope)
        token = found.get(key)
        if token is None:  # never set, or lost: a new one, unless another request set one meanwhile
            cache.add(key, _new_token(), None)
            token = cache.get(key)
        tokens.append(token)
    return tuple(tokens)


def public_page(*scopes: str, params: tuple[str, ...] = (), unless: tuple[str, ...] = ()):
    """Cache a view's page for anonymous visitors until a record of one of `scopes` (app labels) changes.
    `params`: the query parameters the view reads (any other is dropped before the view sees the request);
    `unless`: parameters that make the request uncached (a free-text search: too many different pages).
    Without scopes, every watched app's."""
    scopes = scopes or WATCHED_APPS

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not _cacheable_request(request) or any(request.GET.get(name) for name in unless):
                return view(request, *args, **kwargs)
            query = _canonical_query(request, params)
            if query != request.META.get("QUERY_STRING", ""):
                request.GET = QueryDict(query)
                request.META["QUERY_STRING"] = query
            cache, key = _cache(), _page_key(request, query)
            found = cache.get_many([key, *(_generation_key(s) for s in scopes)])
            tokens = _current_tokens(cache, scopes, found)
            stored = found.get(key)
            if stored is not None and stored[0] == tokens:
                return _response_from(request, stored)
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and callable(response.render):
                response = response.render()
            if _cacheable_response(request, response):
                headers = tuple((name, response[name]) for name in _KEPT_HEADERS if response.has_header(name))
                # Kept gzipped (a fixed mtime: the same bytes each time), and sent as it is to every browser
                # that takes gzip: compressing the page again at each request cost as much as the rest of
                # it. Django's GZipMiddleware pads its output against BREACH, which guesses a secret in a
                # page from its compressed size; a cached page holds no secret (no CSRF token, nobody's data).
                body = gzip.compress(response.content, compresslevel=6, mtime=0)
                cache.set(key, (tokens, body, headers), settings.PAGE_CACHE_SECONDS)
            return response

        return wrapper

    return decorator


_GZIP = re.compile(r"\bgzip\b")


def _response_from(request, stored) -> HttpResponse:
    _tokens, body, headers = stored
    if _GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")):
        response = HttpResponse(body)
        response["Content-Encoding"] = "gzip"  # GZipMiddleware leaves it as it is
    else:
        response = HttpResponse(gzip.decompress(body))
    patch_vary_headers(response, ("Accept-Encoding",))
    for name, value in headers:
        response[name] = value
    response["X-Samleng-Cache"] = "hit"
    return response
