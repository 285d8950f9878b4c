"""Issue 11's "Done when": a unique name and phone number planted in a comment's contact (and in the text a
moderator redacted, and in the photo's metadata and file name) never appear in any page, API, export, report or
log line that an authority user can reach, nor in any the public can. Every URL pattern of the site is fetched
(each parameter filled with a record of this world, so that the pages show it), and every response is grepped;
a new page joins the test by itself.

A pattern whose parameters cannot be filled fails the test, naming it: add a value for its parameter to _values."""

import datetime as dt
import io
import itertools
import logging

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLResolver, get_resolver, reverse
from django.urls.exceptions import NoReverseMatch
from PIL import Image

from samleng.accounts.models import User
from samleng.comments import moderation, services
from samleng.comments.models import CommentContact
from samleng.conftest import anonymous, login, make_user

NAME, KHMER_NAME, PHONE = "Chanvatey Sophearith", "ចាន់វតី សុភារិទ្ធ", "097 348 1226"
CONTACT = "chanvatey.sophearith.0973481226@example.org"
#: What must appear nowhere an authority (or the public) reaches, compared lower-cased (each long enough
#: that a random token, such as a CSRF token, cannot hold it by chance).
PLANTED = ["chanvatey", "sophearith", "0973481226", "097 348 1226", "ចាន់វតី", "សុភារិទ្ធ", "gps 12.7391 104.9187"]


def photo_with_metadata() -> SimpleUploadedFile:
    """A JPEG whose EXIF names the person who took it and where (what a phone writes)."""
    exif = Image.Exif()
    exif[0x013B] = NAME  # Artist
    exif[0x8298] = PHONE  # Copyright
    exif[0x010E] = "GPS 12.7391 104.9187"  # ImageDescription
    data = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(data, "JPEG", exif=exif)
    assert NAME.encode() in data.getvalue()
    return SimpleUploadedFile(f"{NAME}-{PHONE}.jpg", data.getvalue(), content_type="image/jpeg")


def _patterns(patterns, namespace=""):
    """(view name with its namespace, route text) of every URL pattern."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}:{pattern.namespace}" if namespace and pattern.namespace else (
                pattern.namespace or namespace)
            yield from _patterns(pattern.url_patterns, inner)
        else:
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield name, str(pattern.pattern)


def _urls(values: dict[str, list[str]], fallback: list[str]) -> tuple[list[str], list[str]]:
    """Every pattern reversed with the first values that fit it; the patterns no values fit."""
    urls, unfilled = [], []
    for name, route in _patterns(get_resolver().url_patterns):
        if name is None:
            continue  # a nameless pattern (the admin's catch-all) is reached through the others
        found = None
        for params in _parameters(name):
            candidates = [values.get(p, fallback) for p in params]
            for combination in itertools.product(*candidates):
                try:
                    found = reverse(name, kwargs=dict(zip(params, combination, strict=True)))
                    break
                except NoReverseMatch:
                    continue
            if found:
                break
        if found is None:
            unfilled.append(f"{name} ({route})")
        else:
            urls.append(found)
    return sorted(set(urls)), unfilled


def _parameters(name: str) -> list[list[str]]:
    """The parameter lists a view name is reversed with (several patterns may share a name)."""
    resolver = get_resolver()
    *namespaces, view = name.split(":")
    for namespace in namespaces:
        resolver = resolver.namespace_dict[namespace][1]
    return [list(params) for possibilities, *_rest in resolver.reverse_dict.getlist(view)
            for _format, params in possibilities] or [[]]


@pytest.fixture
def planted(world, facility, settings, tmp_path, django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    moderator = make_user("moderator", User.Role.ME_OFFICER)
    authority = make_user("klaeng-office", User.Role.AUTHORITY, office=facility.answered_by)
    named = services.comment_create(
        facility=facility, category="fees", rating=1, email=CONTACT, photo=photo_with_metadata(),
        text=f"លោក {KHMER_NAME} (Mr {NAME}, {PHONE}) asked me for 20,000 riel more than the fee.").comment
    assert CommentContact.objects.get(comment=named).email == CONTACT
    moderation.comment_redact(user=moderator, comment=named, text="[…] asked me for 20,000 riel more than the fee.")
    other = services.comment_create(facility=facility, category="fees", text="Asked for 20,000 riel too.",
                                    email=CONTACT.replace("chanvatey", "x")).comment
    moderation.comment_merge(user=moderator, comment=other, into=named)
    services.comment_create(facility=facility, category="praise", text=f"Thank you, Dr {NAME}!", email=CONTACT)
    with django_capture_on_commit_callbacks(execute=True):
        answer = services.answer_give(user=authority, comment=named, status="fixed",
                                      text="The fee list is posted; the extra money was returned.")
    moderation.answer_review_set(user=moderator, office=facility.answered_by, reviewed=True)
    return {"comment": named, "answer": answer, "authority": authority, "world": world, "facility": facility}


def _values(planted) -> dict[str, list[str]]:
    comment, world, facility = planted["comment"], planted["world"], planted["facility"]
    year = str(dt.date.today().year)
    return {
        "pk": [str(comment.pk)], "facility_id": [facility.facility_id], "office_id": [facility.answered_by.office_id],
        "commune_code": ["060603"], "unit_code": ["060603", "0606"], "year": [year], "cbo_pk": [str(world.cbo.pk)],
        "object_id": [str(comment.pk)], "app_label": ["comments", "places"], "content_type_id": ["1"],
        "fmt": ["json"], "code": ["fees"],  # Open311 (comments/open311.py)
    }


def _body(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8", errors="replace").lower()


def _fetch_all(client, urls) -> dict[str, int]:
    statuses = {}
    for url in urls:
        response = client.get(url)
        statuses[url] = response.status_code
        body = _body(response)
        for word in PLANTED:
            assert word.lower() not in body, f"{word!r} in {url} ({response.status_code})"
    return statuses


def test_the_planted_contact_name_and_phone_reach_no_page_an_authority_or_the_public_gets(planted, caplog):
    urls, unfilled = _urls(_values(planted), fallback=[str(planted["comment"].pk), "060603", "x"])
    assert not unfilled, f"no values fit these patterns' parameters: add them to _values: {unfilled}"
    urls += [f"/comments/answers/?state={state}" for state in ("open", "closed", "all")] + [
        "/offices/?province=06", "/api/requests/", "/api/places/?q=Kleng"]
    caplog.set_level(logging.DEBUG)
    caplog.clear()
    seen = _fetch_all(login(planted["authority"]), urls)
    public = _fetch_all(anonymous(), urls)
    for word in PLANTED:
        assert word.lower() not in caplog.text.lower(), f"{word!r} in a log line"
    comment = planted["comment"]
    # The pages that matter were reached, not refused: the authority reads its comment, answers and figures.
    for url in (f"/comments/{comment.pk}/", f"/comments/{comment.pk}/answer/", f"/comments/{comment.pk}/photo/",
                "/comments/answers/", "/comments/facility/FAC-060603-CO/",
                f"/offices/{planted['facility'].answered_by.office_id}/"):
        assert seen[url] == 200, url
    assert seen["/comments/moderation/"] == 403 and public[f"/comments/{comment.pk}/"] == 200
    assert len(urls) > 250  # the whole site, the admin included
