"""The assistant's knowledge base: the services offices deliver (fees, documents, days, the law behind them) and
questions with their answers. The knowledge-base workbook's `services` and `faq` sheets
(docs/knowledge-base-workbook.md). The glossary it shares with the Citizen Budget lives in budgets
(budgets.models.GlossaryTerm): the budget pages show it, and budgets may not import the assistant."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

#: Several documents, or several wordings of a question, in one cell.
LIST_SEPARATOR = ";"


def split_list(text: str) -> list[str]:
    """The items of a cell holding a list separated by ';' (empty items dropped)."""
    return [item.strip() for item in (text or "").split(LIST_SEPARATOR) if item.strip()]


class Service(models.Model):
    """A public service an office delivers (a business licence, a construction permit, a birth certificate):
    which level of office, what it costs, what to bring, how many working days, the law that sets it, and where
    and when these facts were read."""

    class Sector(models.TextChoices):
        CIVIL_REGISTRATION = "civil_registration", _("civil registration")
        LAND = "land", _("land")
        CONSTRUCTION = "construction", _("construction")
        BUSINESS = "business", _("business")
        TRANSPORT = "transport", _("transport")
        EDUCATION = "education", _("education")
        HEALTH = "health", _("health")
        SOCIAL_PROTECTION = "social_protection", _("social protection")
        OTHER = "other", _("other")

    class OfficeLevel(models.TextChoices):
        COMMUNE = "commune", _("commune/sangkat")
        DISTRICT = "district", _("district/municipality/khan")
        PROVINCE = "province", _("province/capital")
        NATIONAL = "national", _("national")

    service_id = models.CharField(_("service id"), max_length=40, unique=True)
    name_en = models.CharField(_("name in English"), max_length=300, blank=True)
    name_km = models.CharField(_("name in Khmer"), max_length=300, blank=True)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices, default=Sector.OTHER)
    office_level = models.CharField(_("office level"), max_length=10, choices=OfficeLevel.choices)
    #: None when the fee is not known; 0 when the service is free.
    fee_khr = models.BigIntegerField(_("fee in riel"), null=True, blank=True)
    fee_note_en = models.TextField(_("note on the fee in English"), blank=True)
    fee_note_km = models.TextField(_("note on the fee in Khmer"), blank=True)
    days = models.PositiveIntegerField(_("working days to deliver"), null=True, blank=True)
    documents_en = models.TextField(_("documents to bring in English"), blank=True,
                                    help_text=_("Separated by ';'."))
    documents_km = models.TextField(_("documents to bring in Khmer"), blank=True,
                                    help_text=_("Separated by ';'."))
    legal_basis = models.CharField(_("legal basis"), max_length=500, blank=True)
    source = models.CharField(_("source"), max_length=500)
    checked_on = models.DateField(_("checked on"))

    class Meta:
        ordering = ["service_id"]
        verbose_name = _("public service")
        verbose_name_plural = _("public services")

    def __str__(self):
        return self.name_en or self.name_km or self.service_id

    def clean(self):
        if not (self.name_en or self.name_km):
            raise ValidationError({"name_en": _("A service needs a name in English or in Khmer.")})

    @property
    def documents_en_list(self) -> list[str]:
        return split_list(self.documents_en)

    @property
    def documents_km_list(self) -> list[str]:
        return split_list(self.documents_km)


class FaqEntry(models.Model):
    """A question citizens ask, with its answer in both languages and the other ways people ask it."""

    class Topic(models.TextChoices):
        BUDGET = "budget", _("budget")
        OWSO = "owso", _("One Window Service")
        PROCUREMENT = "procurement", _("procurement")
        ACCESS_TO_INFORMATION = "access_to_information", _("access to information")
        COMMENTS = "comments", _("comments on public services")
        LAND = "land", _("land")
        OTHER = "other", _("other")

    faq_id = models.CharField(_("FAQ id"), max_length=40, unique=True)
    topic = models.CharField(_("topic"), max_length=24, choices=Topic.choices)
    question_en = models.TextField(_("question in English"), blank=True)
    question_km = models.TextField(_("question in Khmer"), blank=True)
    answer_en = models.TextField(_("answer in English"), blank=True)
    answer_km = models.TextField(_("answer in Khmer"), blank=True)
    #: Other wordings of the question, in either language, separated by ';'.
    also_asked = models.TextField(_("also asked as"), blank=True, help_text=_("Separated by ';'."))
    source = models.CharField(_("source"), max_length=500, blank=True)
    checked_on = models.DateField(_("checked on"), null=True, blank=True)

    class Meta:
        ordering = ["faq_id"]
        verbose_name = _("FAQ entry")
        verbose_name_plural = _("FAQ entries")

    def __str__(self):
        return self.question_en or self.question_km or self.faq_id

    def clean(self):
        errors = {}
        if not (self.question_en or self.question_km):
            errors["question_en"] = _("An entry needs its question in English or in Khmer.")
        if not (self.answer_en or self.answer_km):
            errors["answer_en"] = _("An entry needs its answer in English or in Khmer.")
        if errors:
            raise ValidationError(errors)

    @property
    def also_asked_list(self) -> list[str]:
        return split_list(self.also_asked)


class UnansweredQuestion(models.Model):
    """A question the assistant could not answer, for the staff who write the FAQ: its text only, scrubbed of phone
    numbers, ID numbers and titled names before it is stored (services.unanswered_record), and how many times it,
    or a question with the same words, was asked. Nothing else of a question (who, when, from where) is kept."""

    #: The question's words as the assistant compares them, sorted: questions with the same key are one row.
    key = models.CharField(_("words"), max_length=300, unique=True)
    text = models.TextField(_("question"))
    count = models.PositiveIntegerField(_("times asked"), default=1)

    class Meta:
        ordering = ["-count", "pk"]
        verbose_name = _("unanswered question")
        verbose_name_plural = _("unanswered questions")
        # Given to a communication officer (a group in the admin), beside administrators and M&E officers.
        permissions = [("answer_unanswered", _("Can read unanswered questions and add FAQ entries from them"))]

    def __str__(self):
        return self.text
