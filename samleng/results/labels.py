"""The words for the keys the computations produce (breakdown parts, disaggregation dimensions), in one
place for the pages and every report format. A key without a word here is shown with "_" read as a space."""

from django.utils.translation import gettext_lazy

#: Parts of a figure (Snapshot.breakdown keys).
BREAKDOWN_LABELS = {
    # the actions of joint plans (plans)
    "done": gettext_lazy("done"),
    "partly_done": gettext_lazy("partly done"),
    "overdue": gettext_lazy("overdue"),
    "dropped": gettext_lazy("dropped"),
    "window_open": gettext_lazy("still within the months"),
    # CBOs' advocacy plans and the resources they mobilise (plans)
    "plans": gettext_lazy("plans"),
    "cbos": gettext_lazy("CBOs"),
    "one_off": gettext_lazy("one-off"),
    "monthly": gettext_lazy("monthly"),
    "total_KHR": gettext_lazy("money in riels"),
    "total_USD": gettext_lazy("money in US dollars"),
    "solved": gettext_lazy("solved"),
    "partly_solved": gettext_lazy("partly solved"),
    "unsolved": gettext_lazy("unsolved"),
    "female": gettext_lazy("female"),
    "male": gettext_lazy("male"),
    "youth": gettext_lazy("youth"),
    "indigenous": gettext_lazy("indigenous"),
    "disability": gettext_lazy("with a disability"),
    "assessed": gettext_lazy("assessed"),
    "not_assessed": gettext_lazy("not assessed"),
    "functioning": gettext_lazy("functioning"),
    "disclosed": gettext_lazy("disclosed"),
    "not_disclosed": gettext_lazy("not disclosed"),
    "events": gettext_lazy("events"),
    "events_without_count": gettext_lazy("events without a participant count"),
    "participants": gettext_lazy("participants"),
    "participants_female": gettext_lazy("female participants"),
    "on_time": gettext_lazy("answered on time"),
    "late": gettext_lazy("answered late"),
    "never": gettext_lazy("never answered"),
    "delivered": gettext_lazy("delivered in full"),
    "partly_delivered": gettext_lazy("partly delivered"),
    "not_delivered": gettext_lazy("not delivered"),
}

#: The disaggregations a snapshot may carry (Snapshot.disaggregation keys), in the order they are shown.
DIMENSIONS = {
    "group": gettext_lazy("under-represented groups"),
    "sex": gettext_lazy("sex"),
    "youth": gettext_lazy("youth"),
    "indigenous": gettext_lazy("indigenous people"),
    "disability": gettext_lazy("people with a disability"),
    "any_underrepresented": gettext_lazy("any of: female, youth, indigenous, with a disability"),
    "province": gettext_lazy("province"),
    "district": gettext_lazy("district"),
    "cbo_type": gettext_lazy("CBO type"),
    "topic": gettext_lazy("topic"),
    "event_type": gettext_lazy("event type"),
    "buyer": gettext_lazy("buyer"),
    "request_topic": gettext_lazy("topic of the request"),
    "office_level": gettext_lazy("level of the office"),
    "plan_origin": gettext_lazy("origin of the plan"),
    "resource_kind": gettext_lazy("kind of resource"),
    "source_type": gettext_lazy("source"),
    "resource_total": gettext_lazy("totals received, by kind and source"),
}


def humanize(key) -> str:
    return str(key).replace("_", " ")


def part_label(key) -> str:
    """A breakdown part ("partly_solved") in words, in the active language."""
    return str(BREAKDOWN_LABELS.get(key, humanize(key)))


def dimension_label(key) -> str:
    """A disaggregation ("cbo_type") in words, in the active language."""
    return str(DIMENSIONS.get(key, humanize(key)))
