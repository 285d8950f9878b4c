import datetime as dt

from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "samleng.comments"
    label = "comments"
    verbose_name = "Citizens' comments"

    def ready(self):
        from samleng.core import tick

        def erase_contacts() -> str:
            from samleng.comments.services import contacts_erase_expired

            return f"{contacts_erase_expired()} commenters' contacts past COMMENT_CONTACT_DAYS erased"

        # Once a day: a commenter's contact is not kept past COMMENT_CONTACT_DAYS, answered or not.
        tick.register("erase_comment_contacts", every=dt.timedelta(days=1), run=erase_contacts)
