"""Issue 11: following a comment on Telegram is offered "from the receipt page" (the POST's own answer), as on the
follow page: a button only (the page makes no link), for a comment published at once; a held one gets it on the
follow page once a moderator has published it. The receipt page never puts the code in the button's URL."""

import re

import pytest
from django.urls import reverse

from samleng.comments.models import Comment
from samleng.conftest import anonymous
from samleng.notifications.models import LinkToken

NEW = "/comments/new/060603/"


@pytest.fixture(autouse=True)
def telegram(settings):
    settings.TELEGRAM_BOT_NAME, settings.TELEGRAM_TOKEN = "SamlengTestBot", "123:test"


def send(facility, text):
    return anonymous().post(NEW, {"facility": facility.pk, "category": "waiting_time", "rating": "", "text": text,
                                  "email": "", "homepage": ""})


def test_the_receipt_page_offers_the_telegram_link_for_a_published_comment(facility):
    response = send(facility, "Waited two hours at the window.")
    html = response.content.decode()
    comment = Comment.objects.get()
    assert response.status_code == 200 and comment.status == Comment.Status.PUBLISHED
    action = reverse("notifications:telegram_comment_link", args=[comment.pk])
    assert f'action="{action}"' in html and "Make a Telegram link" in html
    code = re.search(r'class="receipt-code"[^>]*>([0-9A-Z-]+)<', html)[1]
    assert code not in action and not LinkToken.objects.exists()  # showing the page makes no link


def test_a_held_comment_s_receipt_offers_no_link_yet(facility):
    html = send(facility, "Call the clerk on 012 345 678.").content.decode()
    assert Comment.objects.get().status == Comment.Status.HELD
    assert "Make a Telegram link" not in html and "receipt-code" in html


def test_without_telegram_set_up_the_receipt_offers_nothing(facility, settings):
    settings.TELEGRAM_TOKEN = ""
    html = send(facility, "Waited two hours at the window.").content.decode()
    assert "Make a Telegram link" not in html and "receipt-code" in html
