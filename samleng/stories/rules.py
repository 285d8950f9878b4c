"""The rules of stories, in one place: the staff pages' services say them in the reader's language, the workbook's
sheets in English and Khmer with sheet, row and column. Each message is marked for translation here."""

from django.utils.translation import gettext_noop

ONE_LANGUAGE = gettext_noop("Give the English or the Khmer, or both.")
IN_FUTURE = gettext_noop("%(date)s is in the future.")
PERSON_WITHOUT_CONSENT = gettext_noop(
    "The story names %(people)s, who has not consented to the public pages: record the consent first, or keep the "
    "story private.")
UNKNOWN_TARGET = gettext_noop("Samleng knows no %(type)s with the id '%(target)s'.")
AMBIGUOUS_PROJECT = gettext_noop(
    "Several budget projects have the id '%(target)s' (%(units)s): Samleng cannot tell which one the story means.")
LINK_EXISTS = gettext_noop("The story already tells about this %(type)s.")
CONSENT_SUBJECT = gettext_noop("A consent is for a photo or for a person the story names.")
WITHDRAWN_BEFORE_GIVEN = gettext_noop("A consent cannot be withdrawn (%(withdrawn)s) before it was given (%(given)s).")
NATIONAL_STORY = gettext_noop(
    "A story without a province is for those who see everything (an administrator or an M&E officer) to import.")


def one_language(english: str | None, khmer: str | None) -> bool:
    """Whether a text is given in at least one of the two languages."""
    return bool((english or "").strip() or (khmer or "").strip())
