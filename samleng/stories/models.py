"""Case studies and success stories: what a CBO's work changed, told in English and Khmer, with photos and
the consent behind every photo and every person the story names, and links to the records it tells about.

A story is shown publicly only when it is marked public, every person it names has consented to public pages,
and every CBO and issue it tells about is public (selectors.public_stories says it once). A photo is shown
publicly only with a consent for public pages that has not been withdrawn."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Story(models.Model):
    story_id = models.CharField(_("story id"), max_length=40, unique=True)
    title_en = models.CharField(_("title in English"), max_length=300, blank=True)
    title_km = models.CharField(_("title in Khmer"), max_length=300, blank=True)
    text_en = models.TextField(_("text in English"), blank=True)
    text_km = models.TextField(_("text in Khmer"), blank=True)
    told_on = models.DateField(_("told on"))
    # Where it happened, in the programme's places: the most precise place given (a commune, a district or a
    # province); its province is kept for the scope rules (None: a national story, for those who see everything).
    place = models.ForeignKey("places.Place", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("place"))
    province = models.ForeignKey("places.Place", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name=_("province"))
    public = models.BooleanField(_("public"), default=False)
    # Chosen by staff for the annex of the donor report of the year it was told.
    in_report = models.BooleanField(_("in the donor report's annex"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-told_on", "story_id"]
        verbose_name = _("story")
        verbose_name_plural = _("stories")

    def __str__(self):
        return f"{self.story_id}: {self.title_en or self.title_km}"


class LinkType(models.TextChoices):
    CBO = "cbo", _("CBO")
    ISSUE = "issue", _("issue")
    EVENT = "event", _("event")
    ADVOCACY_PLAN = "advocacy_plan", _("advocacy plan")
    JOINT_PLAN = "joint_plan", _("joint plan")
    RESOURCE = "resource", _("resource mobilised")
    BUDGET_PROJECT = "budget_project", _("budget project")


class StoryLink(models.Model):
    """What a story tells about: one record of one kind, named in the workbook by its id (`target`)."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="links")
    link_type = models.CharField(_("link type"), max_length=20, choices=LinkType.choices)
    target = models.CharField(_("target"), max_length=60)
    cbo = models.ForeignKey("cbos.CBO", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    issue = models.ForeignKey("advocacy.Issue", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    event = models.ForeignKey("engagement.Event", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    advocacy_plan = models.ForeignKey("plans.AdvocacyPlan", on_delete=models.CASCADE, null=True, blank=True,
                                      related_name="+")
    joint_plan = models.ForeignKey("plans.JointPlan", on_delete=models.CASCADE, null=True, blank=True,
                                   related_name="+")
    resource = models.ForeignKey("plans.Resource", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    project = models.ForeignKey("budgets.Project", on_delete=models.CASCADE, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["story", "link_type", "target"]
        constraints = [models.UniqueConstraint(fields=["story", "link_type", "target"], name="unique_story_link")]
        verbose_name = _("link of a story")
        verbose_name_plural = _("links of stories")

    def __str__(self):
        return f"{self.story_id} -> {self.link_type} {self.target}"


class Photo(models.Model):
    """A photo of a story, stored re-encoded from its pixels (core.images: no EXIF, GPS or camera survives)."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(_("photo"), upload_to="stories/")
    caption_en = models.CharField(_("caption in English"), max_length=300, blank=True)
    caption_km = models.CharField(_("caption in Khmer"), max_length=300, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["story", "created_at", "id"]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def __str__(self):
        return f"{self.story.story_id} photo {self.pk}"


class ConsentMethod(models.TextChoices):
    WRITTEN = "written", _("signed form")
    THUMBPRINT = "thumbprint", _("thumbprint on a form")
    ORAL_RECORDED = "oral_recorded", _("spoken, recorded")
    ORAL_WITNESSED = "oral_witnessed", _("spoken, before a witness")


class Consent(models.Model):
    """The consent behind a photo (`photo`) or a person the story names (`person`): who gave it, when, how and
    for what. A consent withdrawn stays recorded with the day it was withdrawn, and counts no longer."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="consents")
    photo = models.ForeignKey(Photo, on_delete=models.CASCADE, null=True, blank=True, related_name="consents",
                              verbose_name=_("photo"))
    person = models.CharField(_("person named"), max_length=200, blank=True,
                              help_text=_("The name as the story writes it."))
    given_by = models.CharField(_("given by"), max_length=200,
                                help_text=_("The person, or for a child a parent or guardian."))
    given_on = models.DateField(_("given on"))
    method = models.CharField(_("how"), max_length=20, choices=ConsentMethod.choices)
    for_public = models.BooleanField(_("for the public pages"), default=False)
    for_reports = models.BooleanField(_("for donor reports"), default=False)
    note = models.CharField(_("note"), max_length=500, blank=True)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["story", "given_on", "id"]
        constraints = [models.CheckConstraint(
            condition=(models.Q(photo__isnull=False, person="") | models.Q(photo__isnull=True) & ~models.Q(person="")),
            name="consent_of_a_photo_or_a_person")]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")

    def __str__(self):
        return f"{self.story.story_id} consent {self.pk}"

    @property
    def active(self) -> bool:
        return self.withdrawn_on is None
