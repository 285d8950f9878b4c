import functools

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation


class KhmerFirstLocaleMiddleware(LocaleMiddleware):
    """Khmer unless the visitor chose English with the switch (a cookie). The browser's Accept-Language
    is ignored on purpose: many phones in Cambodia are set to English by default, and Khmer should be
    what people see first."""

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class SecurityHeadersMiddleware(CSPMiddleware):
    """django-csp's Content-Security-Policy (settings.CONTENT_SECURITY_POLICY: nothing inline, nothing from
    other hosts, no script), with the additions of the few pages that need more
    (settings.CONTENT_SECURITY_POLICY_BY_PAGE: URL names, and every page under them), and a
    Permissions-Policy that turns off what Samleng never uses (camera, microphone, location, ...)."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and parts.replace is None:
            parts.replace = _page_policy(request.path_info)
        return parts

    def process_response(self, request, response):
        response = super().process_response(request, response)
        if settings.PERMISSIONS_POLICY and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = settings.PERMISSIONS_POLICY
        return response


def _page_policy(path: str) -> dict | None:
    for prefix, directives in _policy_prefixes():
        if path.startswith(prefix):
            return directives
    return None


@functools.cache
def _policy_prefixes() -> list[tuple[str, dict]]:
    # Longest first, so that a page's own additions win over those of the pages above it.
    prefixes = [(reverse(name), directives) for name, directives in settings.CONTENT_SECURITY_POLICY_BY_PAGE.items()]
    return sorted(prefixes, key=lambda item: -len(item[0]))


def limits_its_own_body(view):
    """Mark a view that reads a large body with a limit of its own (the workbook upload): RequestSizeLimit
    lets its requests through."""
    view.limits_its_own_body = True
    return view


class RequestSizeLimitMiddleware:
    """Refuse a request whose body is larger than Samleng takes, from its declared length, before anything
    reads it (413 and a page that says so): a form without files up to DATA_UPLOAD_MAX_MEMORY_SIZE, a form
    with files (multipart) up to SAMLENG_MAX_REQUEST_MB. Django reads no more of a body than its declared
    length, and none of a body without one. Goes before CsrfViewMiddleware, which reads the form. Views
    marked with `limits_its_own_body` are let through (the workbook upload page refuses an upload over its
    own limit as it arrives, and says so on its page)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if not length or getattr(view_func, "limits_its_own_body", False):
            return None
        multipart = request.META.get("CONTENT_TYPE", "").startswith("multipart/")
        limit = settings.SAMLENG_MAX_REQUEST_MB * 1024 * 1024 if multipart else settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if length <= limit:
            return None
        return render(request, "413.html", {"limit_mb": _megabytes(limit)}, status=413)


def _megabytes(size: int) -> str:
    megabytes = size / (1024 * 1024)
    return f"{megabytes:.0f}" if megabytes >= 10 or megabytes == int(megabytes) else f"{megabytes:.1f}"
