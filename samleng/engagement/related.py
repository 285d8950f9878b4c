"""What this app adds to the pages of apps it builds on, through core's related-links registry (core.related):
advocacy and cbos sit left of this app in DESIGN.md's picture and do not import it. Registered in apps.ready.

- An issue's page (`advocacy.issue`): the events where it was raised, as dated entries of its story (title
  and link only for events the reader may open), and under each update the event where it was recorded.
- A CBO's page (`cbos.cbo`): how many events its issues (those the reader may see) were raised at.
- An issue's update and commitment forms (`advocacy.issueupdate`, `advocacy.commitment`): the "At the
  event" field, offering the events where the issue was raised, saved through update_event_set and
  commitment_event_set.
"""

from collections.abc import Mapping
from typing import Any

from samleng.core import related
from samleng.core.related import Block, FormPart
from samleng.engagement import selectors, services
from samleng.engagement.forms import raised_at_field

ISSUE_UPDATE = "advocacy.issueupdate"
COMMITMENT = "advocacy.commitment"


def issue_blocks(user, issue) -> list[Block]:
    """The events where the issue was raised (dated: the story places them on their day, before the
    updates of that day), and the event of each update recorded at one. Two queries."""
    blocks = [Block("engagement/_raised_at.html", {"event": event, "seen": event.seen}, kind="event",
                    date=event.date) for event in selectors.issue_events(user, issue)]
    blocks += [Block("engagement/_recorded_at.html", {"event": event}, kind="event", record=(ISSUE_UPDATE, pk))
               for pk, event in selectors.update_events(issue).items()]
    return blocks


def cbo_blocks(user, cbo) -> list[Block]:
    """The number of events where the CBO's issues were raised (one query), said the staff page's way or
    the public page's (the public page is shown to an anonymous user)."""
    public = not (user and user.is_authenticated)
    return [Block("engagement/_cbo_events.html", {"events": selectors.cbo_event_count(user, cbo),
                                                  "public": public}, kind="event_count")]


class AtEvent(FormPart):
    """The "At the event" field of an issue's update or commitment form."""

    def __init__(self, issue, kind: str):
        self.fields = {"event": raised_at_field(issue)}
        self.kind = kind

    def save(self, *, user, record, data: Mapping[str, Any]) -> None:
        event = data.get("event")
        if event is None:
            return  # a new record: nothing to link
        if self.kind == ISSUE_UPDATE:
            services.update_event_set(user=user, update=record, event=event)
        else:
            services.commitment_event_set(user=user, commitment=record, event=event)


def update_form_part(user, issue) -> AtEvent:
    return AtEvent(issue, ISSUE_UPDATE)


def commitment_form_part(user, issue) -> AtEvent:
    return AtEvent(issue, COMMITMENT)


def register() -> None:
    related.register("advocacy.issue", issue_blocks)
    related.register("cbos.cbo", cbo_blocks)
    related.register_form_part(ISSUE_UPDATE, update_form_part)
    related.register_form_part(COMMITMENT, commitment_form_part)
