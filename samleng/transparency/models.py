from pathlib import PurePath

from django.db import models
from django.utils.translation import gettext_lazy as _

from samleng.core.i18n import local_text


class ElcAdjustment(models.TextChoices):
    NONE = "none", _("none")
    DOWNSIZED = "downsized", _("downsized")
    REVOKED = "revoked", _("revoked")
    DOWNSIZED_AFTER_REVOCATION = "downsized_after_revocation", _("downsized after revocation")


class ElcDataClass(models.TextChoices):
    GOVERNMENT_COMPLETE = "government_complete", _("government data, complete")
    GOVERNMENT_PARTIAL = "government_partial", _("government data, partial")
    SECONDARY_SOURCE = "secondary_source", _("secondary source")
    OTHER = "other", _("other")
    CANCELLED = "cancelled", _("cancelled")


class LandConcession(models.Model):
    """An economic land concession (ELC) the programme follows, and whether it is tracked (counted by
    indicators such as "critical information disclosed about 4 of 8 ELCs")."""

    elc_id = models.CharField(_("concession id"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    company = models.CharField(_("company"), max_length=200, blank=True)
    province = models.ForeignKey("places.Place", on_delete=models.PROTECT, related_name="+")
    district = models.ForeignKey("places.Place", on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    area_ha = models.DecimalField(_("area (ha)"), max_digits=12, decimal_places=2, null=True, blank=True)
    granted_on = models.DateField(_("granted on"), null=True, blank=True)
    tracked = models.BooleanField(_("tracked by the programme"), default=False)
    # Format 1.1: the fields Open Development Cambodia publishes about each concession.
    name_km = models.CharField(_("name in Khmer"), max_length=200, blank=True)
    investor_country = models.CharField(_("investor's country"), max_length=100, blank=True)
    crop = models.CharField(_("crop"), max_length=100, blank=True)
    sub_decree = models.CharField(_("sub-decree"), max_length=200, blank=True)
    original_area_ha = models.DecimalField(_("original area (ha)"), max_digits=12, decimal_places=2, null=True,
                                           blank=True)
    adjustment = models.CharField(_("adjustment"), max_length=30, choices=ElcAdjustment.choices, blank=True)
    data_class = models.CharField(_("class of the data"), max_length=30, choices=ElcDataClass.choices, blank=True)
    source = models.CharField(_("source"), max_length=500, blank=True)

    class Meta:
        ordering = ["elc_id"]

    def __str__(self):
        return f"{self.elc_id} {self.name}"

    @property
    def name_shown(self) -> str:
        """The name in the page's language, falling back to the other one."""
        return local_text(self.name_km, self.name)


class ElcItem(models.TextChoices):
    CONTRACT = "contract", _("contract")
    MASTER_PLAN = "master_plan", _("master plan")
    ESIA = "esia", _("environmental and social impact assessment")
    MAP = "map", _("map")
    SUB_DECREE = "sub_decree", _("sub-decree")
    COMPANY_PROFILE = "company_profile", _("company profile")


class ElcDisclosure(models.Model):
    """One document about a concession made public, and when (the first date it was seen public)."""

    concession = models.ForeignKey(LandConcession, on_delete=models.CASCADE, related_name="disclosures")
    item = models.CharField(_("item"), max_length=20, choices=ElcItem.choices)
    disclosed_on = models.DateField(_("disclosed on"))
    source = models.CharField(_("source"), max_length=500, blank=True)

    class Meta:
        ordering = ["concession__elc_id", "disclosed_on", "item"]
        constraints = [models.UniqueConstraint(fields=["concession", "item"], name="unique_elc_disclosure")]

    def __str__(self):
        return f"{self.concession_id} {self.item} {self.disclosed_on}"


class ElcReport(models.Model):
    """What one source (the agriculture ministry, a sub-decree, an NGO's dataset) says about a concession. A
    concession whose sources disagree on the area (by more than 5%) or the developer is flagged
    (selectors.concession_disagreements)."""

    concession = models.ForeignKey(LandConcession, on_delete=models.CASCADE, related_name="reports")
    source = models.CharField(_("source"), max_length=200)
    reported_on = models.DateField(_("reported on"), null=True, blank=True)
    area_ha = models.DecimalField(_("area (ha)"), max_digits=12, decimal_places=2, null=True, blank=True)
    developer = models.CharField(_("developer"), max_length=200, blank=True)
    sub_decree = models.CharField(_("sub-decree"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["concession__elc_id", "source"]
        constraints = [models.UniqueConstraint(fields=["concession", "source"], name="unique_elc_report")]

    def __str__(self):
        return f"{self.concession_id} {self.source}"


class ProcurementProject(models.Model):
    """A public procurement project of a buyer (a ministry, a province...) in a fiscal year."""

    project_id = models.CharField(_("project id"), max_length=60, unique=True)
    buyer = models.CharField(_("buyer"), max_length=200)
    title = models.CharField(_("title"), max_length=500)
    title_km = models.CharField(_("title in Khmer"), max_length=500, blank=True)
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    method = models.CharField(_("procurement method"), max_length=100, blank=True)
    value_khr = models.BigIntegerField(_("value (riel)"), null=True, blank=True)
    ocid = models.CharField(_("OCDS id"), max_length=100, blank=True)
    # Read from OCDS releases (transparency.ocds), empty for a project typed in the workbook: the office the
    # buyer's name matched, the value in its own currency (value_khr holds riels only), what the red flags
    # need, and the schema's warnings about its releases, located by JSON path.
    buyer_office = models.ForeignKey("places.Office", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="procurement_projects", verbose_name=_("buyer's office"))
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=2, null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    tender_days = models.PositiveIntegerField(_("days of the tender period"), null=True, blank=True)
    tenderers = models.PositiveIntegerField(_("number of tenderers"), null=True, blank=True)
    red_flags = models.JSONField(_("red flags"), default=list, blank=True)
    basic_score = models.DecimalField(_("share of the basic documents published"), max_digits=5, decimal_places=4,
                                      null=True, blank=True)
    ocds_warnings = models.JSONField(_("warnings about its OCDS data"), default=list, blank=True)
    # Counted from its records by services.procurement_counts_refresh whenever they change, so that the public
    # ranking of a year's buyers reads one row per project (transparency.procurement): how many of the seven
    # items its disclosures hold, and its OCDS documents of each tier.
    items_disclosed = models.PositiveSmallIntegerField(_("items disclosed"), default=0, editable=False)
    basic_documents = models.PositiveIntegerField(_("basic documents"), default=0, editable=False)
    intermediate_documents = models.PositiveIntegerField(_("intermediate documents"), default=0, editable=False)
    advanced_documents = models.PositiveIntegerField(_("advanced documents"), default=0, editable=False)

    class Meta:
        ordering = ["fiscal_year", "buyer", "project_id"]
        indexes = [
            models.Index(fields=["fiscal_year", "buyer"]),
            # Everything the public ranking of a year's buyers reads, so that it reads the index alone rather
            # than 20,000 rows of the table (transparency.procurement.buyer_ranking; bench/bench_procurement.py).
            models.Index(fields=["fiscal_year", "buyer", "buyer_office", "items_disclosed", "basic_documents",
                                 "intermediate_documents", "advanced_documents", "ocid", "red_flags"],
                         name="procurement_ranking_idx"),
        ]

    def __str__(self):
        return f"{self.project_id} {self.title}"


class ProcurementBuyerYear(models.Model):
    """The figures of one buyer's year, summed over its projects, as the public ranking of a year's buyers reads
    them (transparency.procurement.buyer_ranking): one row per spelling of the buyer and office its projects
    matched, so that the ranking reads a few hundred rows rather than a year's 20,000 projects. Never written
    by hand: services.procurement_buyer_years_refresh counts them again from the projects, in the transaction
    that wrote them, whenever a project is created, changed or deleted, or its disclosures or documents change
    (services.procurement_counts_refresh). An office deleted leaves its projects without one (SET_NULL), and
    their rows here too: the ranking sums the rows of one buyer, so the figures stay the projects'."""

    #: The red flags counted per buyer (transparency.ocds computes them), each with its column.
    FLAG_FIELDS = {"R003": "r003_projects", "R018": "r018_projects"}
    #: The OCDS guidance's tiers, each with the column counting the projects that have documents of that tier.
    TIER_FIELDS = {"basic": "basic_projects", "intermediate": "intermediate_projects",
                   "advanced": "advanced_projects"}

    # Never shown as such (only through the ranking's words): no verbose names to translate, as OcdsRelease.
    fiscal_year = models.PositiveSmallIntegerField()
    buyer = models.CharField(max_length=200)  # as its projects spell it
    buyer_office = models.ForeignKey("places.Office", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    projects = models.PositiveIntegerField(default=0)
    disclosed = models.PositiveIntegerField(default=0)  # over all its projects
    complete = models.PositiveIntegerField(default=0)
    ocds_projects = models.PositiveIntegerField(default=0)
    r003_projects = models.PositiveIntegerField(default=0)
    r018_projects = models.PositiveIntegerField(default=0)
    basic_projects = models.PositiveIntegerField(default=0)
    intermediate_projects = models.PositiveIntegerField(default=0)
    advanced_projects = models.PositiveIntegerField(default=0)

    class Meta:
        # No ordering: the ranking orders its rows itself. Rows with no office are not unique (NULLs differ):
        # an office deleted may leave two of one buyer's year, which the ranking adds up.
        constraints = [models.UniqueConstraint(fields=["fiscal_year", "buyer", "buyer_office"],
                                               name="unique_procurement_buyer_year")]

    def __str__(self):
        return f"{self.fiscal_year} {self.buyer}"


class ProcurementItem(models.TextChoices):
    PLAN = "plan", _("procurement plan")
    ANNOUNCEMENT = "announcement", _("announcement")
    SPECIFICATION = "specification", _("specification")
    AWARD_WINNER = "award_winner", _("award winner")
    AWARD_VALUE = "award_value", _("award value")
    CONTRACT = "contract", _("contract")
    IMPLEMENTATION = "implementation", _("implementation")


class ProcurementDisclosure(models.Model):
    """One piece of a procurement project made public, and when."""

    project = models.ForeignKey(ProcurementProject, on_delete=models.CASCADE, related_name="disclosures")
    item = models.CharField(_("item"), max_length=20, choices=ProcurementItem.choices)
    disclosed_on = models.DateField(_("disclosed on"))
    source = models.CharField(_("source"), max_length=500, blank=True)

    class Meta:
        ordering = ["project__project_id", "disclosed_on", "item"]
        constraints = [models.UniqueConstraint(fields=["project", "item"], name="unique_procurement_disclosure")]

    def __str__(self):
        return f"{self.project_id} {self.item} {self.disclosed_on}"


class ProcurementDocument(models.Model):
    """A document an OCDS release published about a project, sorted into the OCDS guidance's tiers (basic,
    intermediate, advanced), with the first day it was seen public."""

    project = models.ForeignKey(ProcurementProject, on_delete=models.CASCADE, related_name="documents")
    document_type = models.CharField(_("document type"), max_length=60)
    tier = models.CharField(_("tier"), max_length=12)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=300, blank=True)
    url = models.URLField(_("address"), max_length=500, blank=True)

    class Meta:
        ordering = ["project", "published_on", "document_type"]

    def __str__(self):
        return f"{self.project_id} {self.document_type}"


class OcdsRelease(models.Model):
    """An OCDS release as it was published, kept so that the releases of one ocid that arrive in different
    files merge into one project, and importing a file again changes nothing."""

    ocid = models.CharField(max_length=100)
    release_id = models.CharField(max_length=200)
    date = models.CharField(max_length=40, blank=True)  # as published (an ISO date-time)
    data = models.JSONField()
    source = models.CharField(max_length=255, blank=True)  # the file it came from
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["ocid", "date", "release_id"]
        constraints = [models.UniqueConstraint(fields=["ocid", "release_id"], name="unique_ocds_release")]

    def __str__(self):
        return f"{self.ocid} {self.release_id}"


class OcdsCompiledRelease(models.Model):
    """A record package's compiledRelease, used as it is for its ocid."""

    ocid = models.CharField(max_length=100, unique=True)
    data = models.JSONField()
    source = models.CharField(max_length=255, blank=True)

    def __str__(self):
        return self.ocid


class RequestTopic(models.TextChoices):
    BUDGET = "budget", _("budget")
    PROCUREMENT = "procurement", _("procurement")
    LAND_CONCESSION = "land_concession", _("land concession")
    PUBLIC_SERVICE = "public_service", _("public service")
    OTHER = "other", _("other")


class RequestChannel(models.TextChoices):
    WRITTEN = "written", _("written")
    ORAL = "oral", _("oral")
    ONLINE = "online", _("online")


class RequestStatus(models.TextChoices):
    """transparency.clock.STATUSES, with their words."""

    AWAITING_ANSWER = "awaiting_answer", _("awaiting the answer")
    AWAITING_FEE = "awaiting_fee", _("awaiting the fee")
    AWAITING_DELIVERY = "awaiting_delivery", _("awaiting delivery")
    UNDER_APPEAL = "under_appeal", _("under appeal")
    DELIVERED = "delivered", _("delivered")
    NOT_HELD = "not_held", _("information not held")
    REFUSED = "refused", _("refused")
    WITHDRAWN = "withdrawn", _("withdrawn")
    APPEAL_DECIDED = "appeal_decided", _("appeal decided")


#: The field of the staff form (forms.RequestForm) and the column of the `information_requests` sheet (the same
#: name) that give where an office asked sits, by the office's level; a national office sits nowhere, and a
#: village chief is not asked for information.
OFFICE_PLACE_FIELD = {"commune": "commune", "district": "district", "province": "province"}


class InformationRequest(models.Model):
    """A request for information to an office, filed by the NGO or for a CBO (by its authorised
    representative). Who asked is never stored: no person's name, no contact (DESIGN.md, Privacy).

    The clock's results (status, due days, answer, delivery, closing) are kept on the record, computed by
    services.request_clock_refresh from the filing day and the events, so that lists can filter and sort on
    them ("overdue first") without computing every request's clock."""

    request_id = models.CharField(_("request id"), max_length=40, unique=True)
    office = models.ForeignKey("places.Office", on_delete=models.PROTECT, related_name="information_requests",
                               verbose_name=_("office asked"))
    subject_en = models.CharField(_("subject in English"), max_length=500, blank=True)
    subject_km = models.CharField(_("subject in Khmer"), max_length=500, blank=True)
    topic = models.CharField(_("topic"), max_length=20, choices=RequestTopic.choices, default=RequestTopic.OTHER)
    channel = models.CharField(_("channel"), max_length=10, choices=RequestChannel.choices,
                               default=RequestChannel.WRITTEN)
    filed_on = models.DateField(_("filed on"))
    on_behalf_of = models.ForeignKey("cbos.CBO", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="information_requests", verbose_name=_("filed for the CBO"))
    public = models.BooleanField(_("public"), default=False)

    status = models.CharField(_("status"), max_length=20, choices=RequestStatus.choices,
                              default=RequestStatus.AWAITING_ANSWER)
    answer_due = models.DateField(_("answer due"), null=True)
    delivery_due = models.DateField(_("delivery due"), null=True, blank=True)
    answer = models.CharField(_("answer"), max_length=10, blank=True)  # held, not_held, refused (clock.ANSWERS)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    delivered_on = models.DateField(_("delivered on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    class Meta:
        ordering = ["-filed_on", "request_id"]
        indexes = [models.Index(fields=["office", "filed_on"]), models.Index(fields=["status", "answer_due"])]

    def __str__(self):
        return f"{self.request_id} {self.subject_en or self.subject_km}"

    @property
    def subject(self) -> str:
        """What is asked, in the page's language when it was written in it, else in the other."""
        return local_text(self.subject_km, self.subject_en)


class RequestEventKind(models.TextChoices):
    ACKNOWLEDGED = "acknowledged", _("acknowledged")
    ANSWERED_HELD = "answered_held", _("answered: the information is held")
    ANSWERED_NOT_HELD = "answered_not_held", _("answered: the information is not held")
    REFUSED_CONFIDENTIAL = "refused_confidential", _("refused as confidential")
    FEE_QUOTED = "fee_quoted", _("fee quoted")
    FEE_ACCEPTED = "fee_accepted", _("fee accepted")
    EXTENDED = "extended", _("extended")
    DELIVERED = "delivered", _("delivered")
    PARTIALLY_DELIVERED = "partially_delivered", _("partially delivered")
    APPEALED = "appealed", _("appealed")
    APPEAL_DECIDED = "appeal_decided", _("appeal decided")
    WITHDRAWN = "withdrawn", _("withdrawn")


class RequestEvent(models.Model):
    """What happened to a request, in order (`position` keeps the order of one day's events)."""

    request = models.ForeignKey(InformationRequest, on_delete=models.CASCADE, related_name="events")
    date = models.DateField(_("date"))
    event = models.CharField(_("event"), max_length=24, choices=RequestEventKind.choices)
    position = models.PositiveIntegerField(default=0)
    fee_khr = models.BigIntegerField(_("fee (riel)"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    note_km = models.TextField(_("note in Khmer"), blank=True)
    evidence = models.CharField(_("evidence"), max_length=500, blank=True)

    class Meta:
        ordering = ["request", "date", "position"]
        constraints = [models.UniqueConstraint(fields=["request", "date", "event"], name="unique_request_event")]

    def __str__(self):
        return f"{self.request_id} {self.date} {self.event}"

    @property
    def note_shown(self) -> str:
        return local_text(self.note_km, self.note)


class RequestFileKind(models.TextChoices):
    LETTER = "letter", _("the signed letter")
    ANSWER = "answer", _("the office's answer")
    DOCUMENT = "document", _("a document delivered")


class RequestFile(models.Model):
    """A file of a request: the letter as signed and sent (the NGO's: never public), the office's written
    answer, a document it delivered. Stored without metadata (core.images). A file the office asked uploads
    waits for staff: documents count as delivered only once staff confirm them (services.request_files_confirm),
    and until then only staff in scope and that office see the file. Who uploaded is not stored: the NGO or the
    office, told by `from_office`."""

    request = models.ForeignKey(InformationRequest, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(_("kind"), max_length=10, choices=RequestFileKind.choices)
    file = models.FileField(_("file"), upload_to="requests/%Y/")
    uploaded_on = models.DateField(_("uploaded on"))
    from_office = models.BooleanField(_("uploaded by the office asked"), default=False)
    confirmed = models.BooleanField(_("confirmed by staff"), default=True)

    class Meta:
        ordering = ["request", "uploaded_on", "id"]

    def __str__(self):
        return f"{self.request_id} {self.kind} {self.file.name}"

    @property
    def name(self) -> str:
        return PurePath(self.file.name).name


class DeclaredHoliday(models.Model):
    """A day declared beyond Samleng's built-in calendar of Cambodia's public holidays (the programme
    workbook's `holidays` sheet): a royal decree adds a day (`working` False) or moves one (the old day
    `working` True)."""

    date = models.DateField(_("date"), unique=True)
    name_en = models.CharField(_("name in English"), max_length=200)
    name_km = models.CharField(_("name in Khmer"), max_length=200, blank=True)
    working = models.BooleanField(_("a working day"), default=False)

    class Meta:
        ordering = ["date"]

    def __str__(self):
        return f"{self.date} {self.name_en}"
