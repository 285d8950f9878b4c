"""Who may see and change what. Every view and export asks these functions; nothing else decides access.

Scopes, by role:
- admin and M&E officer: everything;
- field officer: the CBOs (with their issues and people) and the events of their provinces;
- CBO representative: their own CBO and its issues (no personal data: that is for staff), and the events
  where their CBO's issues were raised;
- authority: the issues addressed to their office (its duty bearer is the office), the public issues, and the
  CBOs and events located in the office's place (none for a national office), without personal data;
- the public (anonymous): only CBOs and issues marked public, never personal data.

The `*_scope` functions return a Q object to filter a queryset of that kind, so that lists are filtered in
the database; the `can_*` functions answer for one object. This module imports no domain app: it works on
field names, so the domain apps can import it.
"""

from django.apps import apps
from django.db.models import Q

NOTHING = Q(pk__in=[])


def _is_logged_in(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


#: The field that places an object at each level of the gazetteer (Place.level).
_LEVEL_FIELDS = {1: "province", 2: "district", 3: "commune", 4: "village"}


def _unit(user):
    """The place of an authority's office (its province, district, commune or village), None for a national
    office or none."""
    office = user.office
    return office.place if office is not None else None


def _unit_filter(user, prefix: str, levels: tuple[int, ...] = (1, 2, 3, 4)) -> Q:
    """Objects located in the place of an authority's office, through `prefix`. `levels` are the levels the
    filtered model records: an event has no village, so a village authority sees none (as can_see_event
    says) instead of the query failing on a field that does not exist."""
    unit = _unit(user)
    if unit is None or unit.level not in levels:
        return NOTHING
    return Q(**{f"{prefix}{_LEVEL_FIELDS[unit.level]}": unit})


def _public_issues() -> Q:
    return Q(is_public=True, cbo__is_public=True)


def _events_raising_issues_of(cbo_id) -> Q:
    """Events where an issue of the CBO was raised. A subquery, not a join through `issues_raised`: the join
    would return an event once per matching issue, so a list would show it twice. The model is looked up
    by name when called, so that this module still imports no domain app."""
    through = apps.get_model("engagement", "Event").issues_raised.through
    return Q(pk__in=through.objects.filter(issue__cbo_id=cbo_id).values("event_id"))


def cbo_scope(user, prefix: str = "") -> Q:
    """The CBOs `user` may see. `prefix` reaches a CBO from another model ("cbo__" from an issue)."""
    if not _is_logged_in(user):
        return Q(**{f"{prefix}is_public": True})
    if user.sees_everything:
        return Q()
    role = user.role
    if role == "field_officer":
        return Q(**{f"{prefix}province__in": user.provinces.all()})
    if role == "cbo_rep":
        return Q(**{f"{prefix}pk": user.cbo_id}) if user.cbo_id else NOTHING
    if role == "authority":
        return _unit_filter(user, prefix)
    return NOTHING


def issue_scope(user) -> Q:
    """The advocacy issues `user` may see: those of the CBOs they may see (public ones when anonymous). An
    authority sees the issues addressed to its own office and the public ones, not every issue of its place:
    a province's office does not read what a CBO told its district's office."""
    if not _is_logged_in(user):
        return _public_issues()
    if user.role == "authority" and not user.sees_everything:
        return _public_issues() | Q(duty_bearer_id=user.office_id) if user.office_id else _public_issues()
    return cbo_scope(user, prefix="cbo__")


def event_scope(user) -> Q:
    """The events `user` may see. Events carry no personal data on their own page, but who attended does
    (see can_see_personal)."""
    if not _is_logged_in(user):
        return NOTHING
    if user.sees_everything:
        return Q()
    if user.role == "field_officer":
        return Q(province__in=user.provinces.all())
    if user.role == "cbo_rep":
        return _events_raising_issues_of(user.cbo_id) if user.cbo_id else NOTHING
    if user.role == "authority":
        return _unit_filter(user, "", levels=(1, 2, 3))
    return NOTHING


def can_see_cbo(user, cbo) -> bool:
    if not _is_logged_in(user):
        return cbo.is_public
    if user.sees_everything:
        return True
    if user.role == "field_officer":
        return user.provinces.filter(pk=cbo.province_id).exists()
    if user.role == "cbo_rep":
        # Both sides must be set: a representative without a CBO must not match a CBO not yet saved.
        return user.cbo_id is not None and user.cbo_id == cbo.pk
    if user.role == "authority":
        unit = _unit(user)
        return unit is not None and _located_in(cbo, unit)
    return False


def can_edit_cbo(user, cbo) -> bool:
    """Staff in scope edit a CBO and its issues; representatives only post updates (can_post_update)."""
    return _is_logged_in(user) and user.is_staff_role and can_see_cbo(user, cbo)


def can_see_personal(user, cbo) -> bool:
    """Names, phones, Telegram ids and birth years of a CBO's representatives: staff whose scope covers
    the CBO, and nobody else (not the representatives' own CBO users, not authorities, not the public)."""
    return _is_logged_in(user) and user.is_staff_role and can_see_cbo(user, cbo)


def can_see_issue(user, issue) -> bool:
    if not _is_logged_in(user):
        return issue.is_public and issue.cbo.is_public
    if user.role == "authority" and not user.sees_everything:
        addressed = user.office_id is not None and issue.duty_bearer_id == user.office_id
        return addressed or (issue.is_public and issue.cbo.is_public)
    return can_see_cbo(user, issue.cbo)


def can_post_update(user, issue) -> bool:
    """Staff in scope, and the representatives of the issue's own CBO (whose updates staff confirm)."""
    if not _is_logged_in(user):
        return False
    if user.role == "cbo_rep":
        return user.cbo_id is not None and user.cbo_id == issue.cbo_id
    return can_edit_cbo(user, issue.cbo)


def can_see_event(user, event) -> bool:
    if not _is_logged_in(user):
        return False
    if user.sees_everything:
        return True
    if user.role == "field_officer":
        return user.provinces.filter(pk=event.province_id).exists()
    if user.role == "cbo_rep":
        return bool(user.cbo_id) and event.issues_raised.filter(cbo_id=user.cbo_id).exists()
    if user.role == "authority":
        unit = _unit(user)
        return unit is not None and _located_in(event, unit)
    return False


def can_edit_event(user, event) -> bool:
    return _is_logged_in(user) and user.is_staff_role and can_see_event(user, event)


def can_edit_in_province(user, province_id: int | None) -> bool:
    """Change the records of a province without one at hand (a workbook import asks once per province): the
    answer that can_edit_cbo and can_edit_event give for a record placed in the province and no lower.
    Staff who see everything, and field officers for their provinces; nobody else edits."""
    if not (_is_logged_in(user) and user.is_staff_role):
        return False
    if user.sees_everything:
        return True
    return user.role == "field_officer" and user.provinces.filter(pk=province_id).exists()


def can_create_records(user) -> bool:
    """Register CBOs, record events, import workbooks: staff only."""
    return _is_logged_in(user) and user.is_staff_role


def _located_in(obj, unit) -> bool:
    # An object without a field for the unit's level (an event has no village) is not in the unit.
    value = getattr(obj, f"{_LEVEL_FIELDS[unit.level]}_id", None)
    return value is not None and value == unit.pk


def can_assess_district(user, district) -> bool:
    """Record how a district's civic engagement mechanisms work: staff who see everything, and field
    officers for the districts of their provinces (as the workbook import allows)."""
    if not (_is_logged_in(user) and user.is_staff_role):
        return False
    return user.sees_everything or user.provinces.filter(pk=district.parent_id).exists()


# ---- information requests (transparency) ---------------------------------------------------------------------
# A request names no person (who asked is never stored); what is not public is the NGO's work in progress, and
# the CBO it was filed for.

def _province_codes_filter(user, field: str) -> Q:
    """Records whose place (by its gazetteer code at `field`) lies in one of a field officer's provinces: codes
    nest (06 > 0606 > 060603), so a prefix finds every place inside."""
    condition = NOTHING
    for code in user.provinces.values_list("code", flat=True):
        condition |= Q(**{f"{field}__startswith": code})
    return condition


def request_scope(user, *, with_public: bool = True) -> Q:
    """The information requests `user` may see: the public ones; staff who see everything, all; a field officer,
    those filed for a CBO of their provinces or asked of an office there; a CBO representative, those filed for
    their CBO; an authority, those asked of its own office. With `with_public=False`, only those that concern the
    user (the calendar of what falls due: not every public request of the country)."""
    public = Q(public=True) if with_public else NOTHING
    if not _is_logged_in(user):
        return public
    if user.sees_everything:
        return Q()
    if user.role == "field_officer":
        return (public | Q(on_behalf_of__province__in=user.provinces.all())
                | _province_codes_filter(user, "office__place__code"))
    if user.role == "cbo_rep":
        return public | Q(on_behalf_of_id=user.cbo_id) if user.cbo_id else public
    if user.role == "authority":
        return public | Q(office_id=user.office_id) if user.office_id else public
    return public


def can_see_request(user, request) -> bool:
    return type(request).objects.filter(request_scope(user), pk=request.pk).exists()


def can_answer_request(user, request) -> bool:
    """Record what happened to a request: staff whom it concerns, and the authority of the office asked (its answer
    and the documents it delivers)."""
    if not _is_logged_in(user):
        return False
    if user.role == "authority":
        return user.office_id is not None and user.office_id == request.office_id
    # Staff of the request's province: that a request is public lets others read it, not write to it.
    return user.is_staff_role and type(request).objects.filter(request_scope(user, with_public=False),
                                                               pk=request.pk).exists()


# ---- citizens' comments (comments) ----------------------------------------------------------------------------
# Who commented is never known to anyone here: these rules are about answering. A comment's contact is read by
# comments.moderation alone, whatever these say.

def comment_answer_scope(user, prefix: str = "") -> Q:
    """The comments `user` may answer (or record an answer to), by their facility: an authority, those about the
    facilities its office answers for; staff who see everything, all; a field officer, those of their
    provinces; nobody else. `prefix` reaches a comment from another model."""
    if not _is_logged_in(user):
        return NOTHING
    if user.sees_everything:
        return Q()
    # The facilities as a subquery (looked up by name: this module imports no domain app): each then reads its
    # comments by their (facility, status) index, instead of every comment joined to its facility.
    facilities = apps.get_model("places", "Facility").objects
    if user.role == "authority":
        if not user.office_id:
            return NOTHING
        return Q(**{f"{prefix}facility_id__in": facilities.filter(answered_by_id=user.office_id).values("pk")})
    if user.role == "field_officer":
        return Q(**{f"{prefix}facility_id__in": facilities.filter(province__in=user.provinces.all()).values("pk")})
    return NOTHING


def answers_comments(user) -> bool:
    """Has comments to answer or answers to record: an authority with its office, staff."""
    if not _is_logged_in(user):
        return False
    return user.is_staff_role or user.sees_everything or (user.role == "authority" and user.office_id is not None)


def can_answer_comment(user, comment) -> bool:
    return type(comment).objects.filter(comment_answer_scope(user), pk=comment.pk).exists()


def records_answers_given_elsewhere(user) -> bool:
    """Staff record an answer an office gave on paper or at a meeting (marked so); an authority answers itself."""
    return _is_logged_in(user) and user.is_staff_role
