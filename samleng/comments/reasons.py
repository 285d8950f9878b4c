"""What each reason a comment is held for is called on a page (the commenter's and the moderator's)."""

from django.utils.translation import gettext_lazy as _

from samleng.comments import detection
from samleng.comments.services import OFFICE_REVIEW, PHOTO

HELD_BECAUSE = {
    detection.PHONE: _("it seems to hold a phone number"),
    detection.ID_NUMBER: _("it seems to hold an identity card number"),
    detection.TITLED_NAME: _("it seems to name a person (a title followed by a name)"),
    PHOTO: _("it has a photo (a moderator checks that it shows no one's face or name)"),
}


def held_because(comment) -> list[str]:
    return [str(HELD_BECAUSE.get(reason, reason)) for reason in comment.held_because]


ANSWER_HELD_BECAUSE = {
    OFFICE_REVIEW: _("the organisation reads this office's answers before they are public"),
    detection.PHONE: _("it seems to hold a phone number"),
    detection.ID_NUMBER: _("it seems to hold an identity card number"),
    detection.TITLED_NAME: _("it seems to name a person (a title followed by a name)"),
}


def answer_held_because(answer) -> list[str]:
    return [str(ANSWER_HELD_BECAUSE.get(reason, reason)) for reason in answer.held_because]
