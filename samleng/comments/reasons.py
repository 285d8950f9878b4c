"""What each reason a comment is held for is called on a page (the commenter's and the moderator's)."""

from django.utils.translation import gettext_lazy as _

from samleng.comments import detection
from samleng.comments.services import PHOTO

HELD_BECAUSE = {
    detection.PHONE: _("it seems to hold a phone number"),
    detection.ID_NUMBER: _("it seems to hold an identity card number"),
    detection.TITLED_NAME: _("it seems to name a person (a title followed by a name)"),
    PHOTO: _("it has a photo (a moderator checks that it shows no one's face or name)"),
}


def held_because(comment) -> list[str]:
    return [str(HELD_BECAUSE.get(reason, reason)) for reason in comment.held_because]
