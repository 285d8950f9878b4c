"""Reads of comments for the public pages (never a contact: moderation.py alone reads those)."""

from django.db.models import Q, QuerySet

from samleng.comments.models import Comment
from samleng.places.models import Facility, Place


def facilities_of_commune(commune: Place) -> QuerySet[Facility]:
    """The facilities in service in a commune, and those that serve its whole district (no commune)."""
    return (Facility.objects.filter(active=True)
            .filter(Q(commune=commune) | Q(commune__isnull=True, district_id=commune.parent_id))
            .order_by("type", "name_en", "facility_id"))


def facility_public_comments(facility: Facility) -> QuerySet[Comment]:
    """What the public sees of a facility's comments, newest first: the published ones, and those hidden after
    they were published (shown as hidden, with the reason, never their text). Held ones are not shown."""
    return (Comment.objects.filter(facility=facility)
            .filter(Q(status=Comment.Status.PUBLISHED) | Q(status=Comment.Status.HIDDEN, published_on__isnull=False))
            .only("id", "facility_id", "category", "rating", "text", "language", "photo", "status", "hidden_reason",
                  "created_on")
            .order_by("-created_on", "-id"))
