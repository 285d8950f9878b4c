import datetime as dt

from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "samleng.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self):
        from samleng.core import health, related, tick
        from samleng.notifications import chats, digests, links, outbox, receivers, selectors, subscriptions, tasks
        from samleng.notifications.related import cbo_blocks, comment_blocks, place_blocks

        # The apps tell notifications what happened by their own signals (DESIGN.md); it listens here: the
        # representatives' and citizens' news (receivers), a commune's or district's followers without an account
        # (subscriptions: its budget published, its forums announced), who gets what (digests: an import's end).
        receivers.connect()
        subscriptions.connect()
        digests.connect()

        # A comment's follow page offers its answers on Telegram; a commune's or district's pages (its budget)
        # offer to follow its news; a CBO's page shows staff its representatives' Telegram and the page that makes
        # the link (related.py).
        related.register("comments.comment", comment_blocks)
        related.register("places.place", place_blocks)
        related.register("cbos.cbo", cbo_blocks)

        # /healthz shows the messages waiting for staff (failed, uncertain): a figure, not a failure.
        health.register("outbox", selectors.outbox_health)

        def outbox_watch() -> str:
            stale = outbox.messages_mark_stale()
            queued = tasks.senders_ensure()
            return f"{stale} sends that stopped midway marked uncertain; {queued} senders queued"

        def outbox_expire() -> str:
            erased, deleted = outbox.messages_expire()
            return (f"{erased} outbox addresses erased, {deleted} old outbox messages deleted, "
                    f"{links.links_expire()} expired Telegram links deleted")

        def event_reminders() -> str:
            return f"{receivers.event_reminders_queue()} meeting reminders queued"

        def staff_digests() -> str:
            return f"{digests.staff_digests_queue()} staff digests queued"

        def commitment_news() -> str:
            return f"{digests.commitment_news_queue()} commitment messages to representatives queued"

        def bot_expire() -> str:
            from samleng.notifications import bot  # it loads the assistant: not at every command's start

            forgotten_chats, forgotten_contacts = chats.contacts_forget()
            return (f"{bot.updates_expire()} old webhook update ids forgotten, "
                    f"{subscriptions.subscriptions_expire()} unconfirmed e-mail subscriptions deleted, "
                    f"{forgotten_chats} unused Telegram chats and {forgotten_contacts} Messenger contacts forgotten")

        # Every tick: a send whose worker stopped midway is shown to staff as uncertain, and a message whose
        # retry has come due gets a sender even when no new message woke one.
        tick.register("notifications_outbox", every=dt.timedelta(minutes=1), run=outbox_watch)
        # Every hour (a tick missed at midnight is made up soon): the day before a meeting whose notice was sent,
        # its reminder; the morning digest (it goes once a day, from 7:00); the commitments falling due or overdue.
        # Each is keyed, so that it is queued once however often ticks run.
        tick.register("notifications_event_reminders", every=dt.timedelta(hours=1), run=event_reminders)
        tick.register("notifications_staff_digests", every=dt.timedelta(hours=1), run=staff_digests)
        tick.register("notifications_commitments", every=dt.timedelta(hours=1), run=commitment_news)
        # Once a day: no address is kept in the outbox past NOTIFICATIONS_KEEP_DAYS, sent or not; the webhooks'
        # update ids past the days they can come again; e-mail subscriptions never confirmed, with their
        # addresses; chats and Messenger contacts that wrote long ago and use nothing.
        tick.register("notifications_expire", every=dt.timedelta(days=1), run=outbox_expire)
        tick.register("notifications_bot_expire", every=dt.timedelta(days=1), run=bot_expire)
