import datetime as dt

from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "samleng.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self):
        from samleng.core import tick
        from samleng.notifications import receivers

        # The apps tell notifications what happened by their own signals (DESIGN.md); it listens here.
        receivers.connect()
        from samleng.notifications import subscriptions

        # A commune's or district's followers (no account): its budget published, its forums announced.
        subscriptions.connect()
        from samleng.core import related
        from samleng.notifications.related import comment_blocks

        # A comment's follow page offers its answers on Telegram (related.py).
        related.register("comments.comment", comment_blocks)
        from samleng.notifications.related import place_blocks

        # A commune's or district's pages (its budget) offer to follow its news (subscriptions.py).
        related.register("places.place", place_blocks)
        from samleng.notifications.related import cbo_blocks

        # A CBO's page: its representatives' Telegram, linked or not, and the page that makes the link (staff).
        related.register("cbos.cbo", cbo_blocks)

        def outbox_watch() -> str:
            from samleng.notifications import outbox, tasks

            stale = outbox.messages_mark_stale()
            queued = tasks.senders_ensure()
            return f"{stale} sends that stopped midway marked uncertain; {queued} senders queued"

        # Every tick: a send whose worker stopped midway is shown to staff as uncertain, and a message whose
        # retry has come due gets a sender even when no new message woke one.
        tick.register("notifications_outbox", every=dt.timedelta(minutes=1), run=outbox_watch)

        def outbox_expire() -> str:
            from samleng.notifications import links, outbox

            erased, deleted = outbox.messages_expire()
            return (f"{erased} outbox addresses erased, {deleted} old outbox messages deleted, "
                    f"{links.links_expire()} expired Telegram links deleted")

        def event_reminders() -> str:
            from samleng.notifications import receivers as event_receivers

            return f"{event_receivers.event_reminders_queue()} meeting reminders queued"

        # Every hour (a tick missed at midnight is made up soon): the day before a meeting whose notice was sent,
        # its reminder; each once per event, day and chat, however often ticks run.
        tick.register("notifications_event_reminders", every=dt.timedelta(hours=1), run=event_reminders)

        # Once a day: no address is kept in the outbox past NOTIFICATIONS_KEEP_DAYS, sent or not.
        tick.register("notifications_expire", every=dt.timedelta(days=1), run=outbox_expire)

        # Who gets what (digests.py): an import's end as it comes (the imports app's signal); every hour, the
        # morning digest (it goes once a day, from 7:00) and the commitments falling due or overdue, each keyed
        # so that it is queued once however often ticks run.
        from samleng.core import health
        from samleng.notifications import digests

        digests.connect()

        def staff_digests() -> str:
            return f"{digests.staff_digests_queue()} staff digests queued"

        def commitment_news() -> str:
            return f"{digests.commitment_news_queue()} commitment messages to representatives queued"

        tick.register("notifications_staff_digests", every=dt.timedelta(hours=1), run=staff_digests)
        tick.register("notifications_commitments", every=dt.timedelta(hours=1), run=commitment_news)

        def outbox_figures() -> dict:
            from samleng.notifications import selectors

            return selectors.outbox_health()

        # /healthz shows the messages waiting for staff (failed, uncertain): a figure, not a failure.
        health.register("outbox", outbox_figures)

        def bot_expire() -> str:
            from samleng.notifications import bot, chats, subscriptions

            forgotten_chats, forgotten_contacts = chats.contacts_forget()
            return (f"{bot.updates_expire()} old webhook update ids forgotten, "
                    f"{subscriptions.subscriptions_expire()} unconfirmed e-mail subscriptions deleted, "
                    f"{forgotten_chats} unused Telegram chats and {forgotten_contacts} Messenger contacts forgotten")

        # Once a day: the webhooks' update ids past the days they can come again; e-mail subscriptions never
        # confirmed, with their addresses; chats and Messenger contacts that wrote long ago and use nothing.
        tick.register("notifications_bot_expire", every=dt.timedelta(days=1), run=bot_expire)
