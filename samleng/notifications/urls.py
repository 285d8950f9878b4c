from django.urls import path

from samleng.notifications import messenger, subscription_views, views, views_email

app_name = "notifications"
urlpatterns = [
    path("notifications/outbox/", views.outbox_page, name="outbox"),
    path("notifications/outbox/<int:pk>/", views.outbox_act, name="outbox_act"),
    path("notifications/stop/<str:token>/", views.stop, name="stop"),
    path("notifications/emails/", views_email.email_choices, name="email_choices"),
    path("notifications/telegram/", views.telegram_link, name="telegram_link"),
    path("notifications/telegram/for/<int:user_pk>/", views.telegram_link_for, name="telegram_link_for"),
    path("notifications/telegram/comment/<int:comment_id>/", views.telegram_comment_link,
         name="telegram_comment_link"),
    path("telegram/webhook/", views.telegram_webhook, name="telegram_webhook"),
    path("notifications/subscribe/", subscription_views.subscribe, name="subscribe"),
    path("notifications/subscribe/confirm/<str:token>/", subscription_views.subscribe_confirm,
         name="subscribe_confirm"),
    path("notifications/subscribe/stop/<str:token>/", subscription_views.subscribe_stop, name="subscribe_stop"),
    path("messenger/webhook/", messenger.webhook, name="messenger_webhook"),
]
