"""Signals this app sends, for the apps to its right that keep copies of a CBO's values: cbos imports none
of them (DESIGN.md), so they listen here."""

from django.dispatch import Signal

#: Sent, inside the writing transaction, when CBOs' province or district changed: `cbo_ids`, the primary
#: keys of the CBOs that moved. advocacy moves their issues' copies of the places.
cbo_moved = Signal()
