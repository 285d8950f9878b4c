"""Reads of comments for the public pages (never a contact: moderation.py alone reads those)."""

from django.db.models import Q, QuerySet

from samleng.places.models import Facility, Place


def facilities_of_commune(commune: Place) -> QuerySet[Facility]:
    """The facilities in service in a commune, and those that serve its whole district (no commune)."""
    return (Facility.objects.filter(active=True)
            .filter(Q(commune=commune) | Q(commune__isnull=True, district_id=commune.parent_id))
            .order_by("type", "name_en", "facility_id"))
