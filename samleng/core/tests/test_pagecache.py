"""Public pages cached as rendered (core.pagecache): a second anonymous visit is one cache read, a change of
the data shown replaces the page, each language has its own copy, logged-in users neither read nor fill the
cache, and nothing that stopped being public is ever served from it."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.template import engines
from django.test import Client, RequestFactory
from django.urls import reverse

from samleng.advocacy.tests.factories import make_issue
from samleng.budgets.services import categories_ensure_defaults, publication_set
from samleng.budgets.tests.test_selectors import KLAENG, add_year, commune_amounts
from samleng.conftest import anonymous, login
from samleng.core import pagecache
from samleng.core.bulk import records_upsert_many

pytestmark = pytest.mark.django_db
HIT = "X-Samleng-Cache"


@pytest.fixture
def page_cache(settings):
    """The page cache on (the tests of other pages run without it), and empty."""
    settings.PAGE_CACHE_SECONDS = 3600
    cache.clear()


@pytest.fixture
def klaeng(db, page_cache):
    categories_ensure_defaults()
    add_year(KLAENG, 2024, commune_amounts(), population=10_000)
    return reverse("budgets:unit", args=[KLAENG])


@pytest.fixture
def public_issue(world, page_cache):
    world.cbo.is_public = True
    world.cbo.save()
    return make_issue(world.cbo, "ISS-KT-PUB", title_en="Restore the public canal", is_public=True)


def test_a_second_anonymous_visit_is_one_cache_read(klaeng, django_assert_max_num_queries):
    first = anonymous().get(klaeng)
    assert first.status_code == 200 and HIT not in first
    with django_assert_max_num_queries(1):  # the page and the generations, in one SELECT of the cache table
        second = anonymous().get(klaeng)
    assert second[HIT] == "hit" and second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]


def test_publishing_or_withdrawing_replaces_the_page(klaeng, django_capture_on_commit_callbacks):
    assert anonymous().get(klaeng).status_code == 200
    assert anonymous().get(klaeng)[HIT] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        publication_set(user=None, unit=KLAENG, fiscal_year=2024, published=False)
    assert anonymous().get(klaeng).status_code == 404


def test_an_import_replaces_the_pages_of_its_app(klaeng, django_capture_on_commit_callbacks):
    from samleng.budgets.models import Publication

    anonymous().get(klaeng)
    with django_capture_on_commit_callbacks(execute=True):  # core.bulk's writes send no signal
        records_upsert_many(user=None, model=Publication, key=("unit", "fiscal_year"),
                            rows=[{"unit": KLAENG, "fiscal_year": 2024, "published": False}])
    assert anonymous().get(klaeng).status_code == 404


def test_khmer_and_english_are_cached_apart(klaeng):
    english, khmer = anonymous().get(klaeng), Client().get(klaeng)
    assert HIT not in english and HIT not in khmer
    again_en, again_km = anonymous().get(klaeng), Client().get(klaeng)
    assert again_en[HIT] == again_km[HIT] == "hit"
    assert again_en.content == english.content and again_km.content == khmer.content
    assert english.content != khmer.content


def test_a_logged_in_user_neither_reads_nor_fills_the_cache(world, klaeng):
    staff = login(world.officer)
    assert HIT not in staff.get(klaeng)
    assert HIT not in anonymous().get(klaeng)  # the staff visit stored nothing
    assert anonymous().get(klaeng)[HIT] == "hit"
    assert HIT not in staff.get(klaeng)  # and reads nothing stored


def test_an_issue_made_private_is_gone_from_the_public_pages(public_issue, django_capture_on_commit_callbacks):
    detail = reverse("advocacy:public_detail", args=[public_issue.pk])
    listing = reverse("advocacy:public_list")
    for url in (detail, listing, detail, listing):
        response = anonymous().get(url)
        assert response.status_code == 200 and "Restore the public canal" in response.text
    assert anonymous().get(listing)[HIT] == "hit"
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():  # a request's transaction
        public_issue.is_public = False
        public_issue.save()
    assert anonymous().get(detail).status_code == 404
    assert "Restore the public canal" not in anonymous().get(listing).text


def test_a_cbo_made_private_takes_its_issues_off(world, public_issue, django_capture_on_commit_callbacks):
    detail = reverse("advocacy:public_detail", args=[public_issue.pk])
    anonymous().get(detail)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        world.cbo.is_public = False
        world.cbo.save()
    assert anonymous().get(detail).status_code == 404


def test_parameters_the_page_does_not_read_share_one_copy(klaeng):
    anonymous().get(klaeng)
    shared = anonymous().get(klaeng + "?fbclid=IwAR0abc&utm_source=facebook")
    assert shared[HIT] == "hit" and b"fbclid" not in shared.content


def test_a_text_search_is_not_cached(public_issue):
    url = reverse("advocacy:public_list") + "?q=canal"
    anonymous().get(url)
    assert HIT not in anonymous().get(url)


def _anonymous_request(path="/page/"):
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get(path)
    request.user = AnonymousUser()
    return request


def test_a_message_for_the_visitor_is_never_served_from_the_cache(page_cache):
    from django.contrib.messages import add_message, constants
    from django.contrib.messages.storage.cookie import CookieStorage

    rendered = []
    view = pagecache.public_page("budgets")(lambda request: rendered.append(1) or HttpResponse("page"))
    view(_anonymous_request())
    assert view(_anonymous_request())[HIT] == "hit"
    request = _anonymous_request()
    request._messages = CookieStorage(request)
    add_message(request, constants.INFO, "You were logged out")
    assert HIT not in view(request) and len(rendered) == 2


def _form_view(request):
    template = engines["django"].from_string("<form method=post>{% csrf_token %}</form>")
    return HttpResponse(template.render({}, request))


def test_a_page_with_a_csrf_token_is_never_cached(page_cache):
    view = pagecache.public_page("budgets")(_form_view)
    first = _anonymous_request()
    view(first)
    assert first.META.get("CSRF_COOKIE_NEEDS_UPDATE")
    assert HIT not in view(_anonymous_request())


def test_a_lost_generation_never_matches_an_older_page(klaeng):
    anonymous().get(klaeng)
    cache.delete("samleng:generation:budgets")  # culled, say
    assert HIT not in anonymous().get(klaeng)
    assert anonymous().get(klaeng)[HIT] == "hit"


def test_the_cache_is_off_when_its_time_is_zero(klaeng, settings):
    settings.PAGE_CACHE_SECONDS = 0
    anonymous().get(klaeng)
    assert HIT not in anonymous().get(klaeng)


def test_one_commit_bumps_a_scope_once(world, page_cache, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        for day in range(3):
            make_issue(world.cbo, f"ISS-KT-{day}", raised_on=dt.date(2022, 3, 1 + day))
    assert [c.scope for c in callbacks if isinstance(c, pagecache._Bump)].count("advocacy") == 1


def test_a_browser_that_takes_gzip_gets_the_stored_gzip(klaeng):
    import gzip

    plain = anonymous().get(klaeng)
    zipped = anonymous().get(klaeng, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert zipped[HIT] == "hit" and zipped["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.content) == plain.content and "Accept-Encoding" in zipped["Vary"]
    assert anonymous().get(klaeng).content == plain.content  # and one that does not, the page itself


def test_with_sqlite_the_cache_is_in_files(klaeng, settings, tmp_path, django_capture_on_commit_callbacks):
    """A write to the SQLite file would wait for an import's write lock: SQLite deployments keep their cache
    in files (settings), which every worker of the machine reads."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                                   "LOCATION": str(tmp_path / "cache")}}
    assert HIT not in anonymous().get(klaeng)
    assert anonymous().get(klaeng)[HIT] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        publication_set(user=None, unit=KLAENG, fiscal_year=2024, published=False)
    assert anonymous().get(klaeng).status_code == 404


def test_budgets_public_figures_changed_replaces_its_pages(klaeng):
    from samleng.budgets.signals import public_figures_changed

    anonymous().get(klaeng)
    public_figures_changed.send(sender=None, pairs={(KLAENG, 2024)}, user=None)
    assert HIT not in anonymous().get(klaeng)
