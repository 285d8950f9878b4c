"""Stories' pages. Public (no login, no script): the stories anyone may read (selectors.public_q) and a story's
page with its photos that carry a consent for the public pages, and links to the public records it tells about;
no consent, no person's detail. Staff: the stories of their scope (all for those who see everything, a field
officer's provinces'), a story's page with its photos, consents and links, and the forms to change them. Other
users get a 403 on the staff list and a 404 for a story (they must not know it exists)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samleng.core.audit import Action as AuditAction
from samleng.core.audit import audit_record
from samleng.core.forms import add_service_errors
from samleng.core.paging import page_of
from samleng.stories import selectors, services
from samleng.stories.forms import LinkForm, PersonForm, PhotoForm, StoryForm, WithdrawForm, place_initial
from samleng.stories.models import Consent, Photo, Story, StoryLink

# ---- who may do what -------------------------------------------------------------------------------------------


def _staff_only(user) -> None:
    """The staff pages are staff's: anyone else may not use them (403)."""
    if not selectors.is_staff_of(user):
        raise PermissionDenied


def _story_for_staff(request, story_id: str) -> Story:
    _staff_only(request.user)
    story = get_object_or_404(Story.objects.select_related("place__parent__parent"), story_id=story_id)
    if not selectors.can_edit(request.user, story):
        raise Http404  # not even whether such a story exists
    return story


# ---- public pages ----------------------------------------------------------------------------------------------

def public_list(request):
    """The public stories, newest first; `?province=<code>` those of one province (a link per province)."""
    stories, chosen = selectors.public_stories(), request.GET.get("province", "")
    if chosen:
        stories = stories.filter(province__code=chosen)
    page = page_of(request, stories, per_page=20)
    return render(request, "stories/public_list.html", {
        "page": page, "stories": page.object_list, "provinces": selectors.public_provinces(), "chosen": chosen})


def public_detail(request, story_id: str):
    story = get_object_or_404(selectors.public_stories(), story_id=story_id)
    return render(request, "stories/public_detail.html", {
        "story": story, "photos": selectors.public_photos(story), "links": selectors.links_of(story, public=True)})


def photo_file(request, pk: int):
    """A story's photo: to anyone when it may be public (selectors.photo_is_public), else to staff of the story's
    scope; 404 to everyone else."""
    photo = get_object_or_404(Photo.objects.select_related("story"), pk=pk)
    if not (selectors.photo_is_public(photo) or selectors.can_edit(request.user, photo.story)):
        raise Http404
    response = FileResponse(photo.image.open("rb"))
    response["Cache-Control"] = "private, max-age=3600"
    return response


# ---- staff pages -------------------------------------------------------------------------------------------------

@login_required
def staff_list(request):
    _staff_only(request.user)
    page = page_of(request, selectors.staff_stories(request.user), per_page=50)
    public = set(Story.objects.filter(selectors.public_q(), pk__in=[s.pk for s in page.object_list])
                 .values_list("pk", flat=True))
    return render(request, "stories/staff_list.html", {
        "page": page, "stories": [(story, story.pk in public) for story in page.object_list]})


@login_required
def story_new(request):
    _staff_only(request.user)
    form = StoryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        values = form.story_values
        if not _may_place(request.user, values["place"]):
            form.add_error("province", _("You may add stories of your provinces only."))
        else:
            try:
                story = services.story_create(user=request.user, story_id=form.cleaned_data["story_id"], **values)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The story was saved. It stays private until you make it public."))
                return redirect("stories:staff_detail", story_id=story.story_id)
    return render(request, "stories/form.html", {"form": form, "story": None},
                  status=400 if request.method == "POST" else 200)


def _may_place(user, place) -> bool:
    """A field officer places a story in one of their provinces; those who see everything anywhere."""
    if user.sees_everything:
        return True
    province = services.province_of(place)
    return province is not None and user.provinces.filter(pk=province.pk).exists()


@login_required
def story_edit(request, story_id: str):
    story = _story_for_staff(request, story_id)
    initial = {"story_id": story.story_id, "title_en": story.title_en, "title_km": story.title_km,
               "text_en": story.text_en, "text_km": story.text_km, "told_on": story.told_on, "public": story.public,
               "in_report": story.in_report} | place_initial(story.place)
    form = StoryForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        values = form.story_values
        if not _may_place(request.user, values["place"]):
            form.add_error("province", _("You may add stories of your provinces only."))
        else:
            try:
                services.story_update(user=request.user, story=story, **values)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The story was saved."))
                return redirect("stories:staff_detail", story_id=story.story_id)
    return render(request, "stories/form.html", {"form": form, "story": story},
                  status=400 if request.method == "POST" else 200)


@login_required
def staff_detail(request, story_id: str):
    story = _story_for_staff(request, story_id)
    data = selectors.story_for_staff(story)
    if data["people"] or any(photo.consents.all() for photo in data["photos"]):
        # Consents name people: a view of personal data.
        audit_record(user=request.user, action=AuditAction.VIEW_PERSONAL, obj=story,
                     summary=f"consents of story {story.story_id} viewed")
    today = timezone.localdate()
    return render(request, "stories/staff_detail.html", data | {
        # The forms share field names: their ids apart, so that each label names its own field.
        "photo_form": PhotoForm(initial={"given_on": today}, auto_id="photo_%s"),
        "person_form": PersonForm(initial={"given_on": today}, auto_id="person_%s"),
        "link_form": LinkForm(auto_id="link_%s"), "today_iso": today.isoformat(),
        "people_without": services.people_without_consent(story, "for_public")})


def _form_failed(request, story: Story, form, title: str):
    return render(request, "stories/part_form.html", {"story": story, "form": form, "title": title}, status=400)


def _part_added(request, story_id: str, form, add, *, done: str, title: str):
    """A part of a story (a photo, a named person's consent, a link) from its form through its service: back to the
    story's staff page, or the form again with what was wrong (400)."""
    story = _story_for_staff(request, story_id)
    if form.is_valid():
        try:
            add(user=request.user, story=story, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, done)
            return redirect("stories:staff_detail", story_id=story.story_id)
    return _form_failed(request, story, form, title)


@login_required
@require_POST
def photo_new(request, story_id: str):
    return _part_added(request, story_id, PhotoForm(request.POST, request.FILES), services.photo_add,
                       done=_("The photo was added, without its metadata."), title=_("Add a photo"))


@login_required
@require_POST
def person_new(request, story_id: str):
    return _part_added(request, story_id, PersonForm(request.POST), services.person_consent_add,
                       done=_("The consent was recorded."), title=_("A person the story names"))


@login_required
@require_POST
def link_new(request, story_id: str):
    return _part_added(request, story_id, LinkForm(request.POST), services.link_add,
                       done=_("The link was added."), title=_("What the story tells about"))


@login_required
@require_POST
def link_delete(request, pk: int):
    link = get_object_or_404(StoryLink.objects.select_related("story"), pk=pk)
    story = _story_for_staff(request, link.story.story_id)
    services.link_remove(user=request.user, link=link)
    messages.success(request, _("The link was removed."))
    return redirect("stories:staff_detail", story_id=story.story_id)


@login_required
@require_POST
def photo_delete(request, pk: int):
    photo = get_object_or_404(Photo.objects.select_related("story"), pk=pk)
    story = _story_for_staff(request, photo.story.story_id)
    services.photo_delete(user=request.user, photo=photo)
    messages.success(request, _("The photo was removed."))
    return redirect("stories:staff_detail", story_id=story.story_id)


@login_required
@require_POST
def consent_withdraw(request, pk: int):
    consent = get_object_or_404(Consent.objects.select_related("story"), pk=pk)
    story = _story_for_staff(request, consent.story.story_id)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.consent_withdraw(user=request.user, consent=consent, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The consent is withdrawn."))
            return redirect("stories:staff_detail", story_id=story.story_id)
    return _form_failed(request, story, form, _("Withdraw a consent"))
