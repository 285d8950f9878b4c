"""The outbox's pages: the staff page of messages that did not go (administrators and M&E officers only), and
the public stop page a message links to."""

import json
import logging

import segno
from django.conf import settings
from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.crypto import constant_time_compare
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from samleng.accounts import limits
from samleng.accounts.access import can_edit_cbo
from samleng.accounts.models import User
from samleng.comments import selectors as comment_selectors
from samleng.core.audit import Action, audit_record
from samleng.notifications import bot, links, messages, outbox, receivers, related, selectors
from samleng.notifications.models import LinkToken, Message, TelegramChat

logger = logging.getLogger(__name__)

def _require_outbox_staff(request) -> None:
    if not outbox.can_see_outbox(request.user):
        raise PermissionDenied("administrators and M&E officers only")


def _about(message: Message) -> str:
    if message.about_type == receivers.COMMENT:
        return _("comment %(number)s") % {"number": message.about_id}
    return ""


@login_required
@require_GET
def outbox_page(request):
    """/notifications/outbox/: what did not go (failed, or may have arrived), with why, oldest first; what waits
    for another attempt; how many messages are in each state."""
    _require_outbox_staff(request)
    page = Paginator(selectors.messages_needing_attention(), 50).get_page(request.GET.get("page"))
    rows = [(message, messages.KINDS.get(message.kind, message.kind), _about(message)) for message in page]
    retrying = [(message, messages.KINDS.get(message.kind, message.kind), _about(message))
                for message in selectors.messages_retrying()[:50]]
    counts = selectors.outbox_counts()
    states = [(Message.Status(status).label, counts[status]) for status in Message.Status.values]
    return render(request, "notifications/outbox.html", {"page": page, "rows": rows, "retrying": retrying,
                                                         "states": states})


@login_required
@require_POST
def outbox_act(request, pk: int):
    """Send a failed or uncertain message again (staff checked that it did not arrive), or drop it."""
    _require_outbox_staff(request)
    message = get_object_or_404(Message.objects.only("id", "status"), pk=pk)
    action = request.POST.get("action")
    if action == "send_again":
        if outbox.message_send_again(user=request.user, message=message):
            flash.success(request, _("Message %(number)s is queued again.") % {"number": pk})
        else:
            flash.error(request, _("Message %(number)s cannot be sent again: it is no longer failed or uncertain, "
                                   "or its address was erased.") % {"number": pk})
    elif action == "drop":
        if outbox.message_drop(user=request.user, message=message):
            flash.success(request, _("Message %(number)s is dropped; its address is erased.") % {"number": pk})
        else:
            flash.error(request, _("Message %(number)s is no longer failed or uncertain.") % {"number": pk})
    else:
        flash.error(request, _("Choose to send the message again or to drop it."))
    return redirect("notifications:outbox")


@require_http_methods(["GET", "POST"])
def stop(request, token: str):
    """The stop link of a message: a page that asks (a mail scanner that follows links must not stop anything),
    then, on POST, stops what the token names. No login: the person has only the link."""
    named = messages.stop_token_read(token)
    if named is None or named[0] not in receivers.STOPS:
        return render(request, "notifications/stop.html", {"invalid": True}, status=404)
    done = False
    if request.method == "POST":
        receivers.STOPS[named[0]](named[1])
        done = True
    response = render(request, "notifications/stop.html", {"done": done, "kind": named[0]})
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


# ---- Telegram ---------------------------------------------------------------------------------------------------


@csrf_exempt
@require_POST
def telegram_webhook(request):
    """POST /telegram/webhook/: Telegram's updates. Only with the secret set by `samleng telegram_setup`
    (SAMLENG_TELEGRAM_SECRET, sent by Telegram in X-Telegram-Bot-Api-Secret-Token); a valid update is always
    answered 200, or Telegram would send it again and again. The bot's answers go through the outbox (bot.py):
    an update sent again is answered once, a flooding chat not at all."""
    secret = settings.TELEGRAM_SECRET
    if not secret:
        return HttpResponse(status=404)
    if not constant_time_compare(request.headers.get("X-Telegram-Bot-Api-Secret-Token", ""), secret):
        logger.warning("Telegram webhook: a request without the right secret was refused")
        return HttpResponseForbidden("wrong secret")
    try:
        update = json.loads(request.body)
    except ValueError:
        return HttpResponseBadRequest("not JSON")
    if not isinstance(update, dict):
        return HttpResponseBadRequest("not an update")
    bot.update_take(update)
    return HttpResponse(status=200)


#: Telegram links to comments one client address may make in an hour (each is a row until it expires).
COMMENT_LINKS = limits.Rate(count=20, seconds=3600)


def _qr(url: str) -> str:
    # segno draws the SVG from the link's bytes: paths of numbers, nothing else taken from the request.
    return mark_safe(segno.make(url, error="m").svg_inline(scale=4, omitsize=True, svgclass="qr-code", light="#fff"))


@require_POST
def telegram_comment_link(request, comment_id: int):
    """POST from a comment's follow page: a one-time link that makes a Telegram chat follow the office's answers
    to the comment (they are public; the chat is linked to no one). Shown once, not kept."""
    if not related.telegram_configured():
        raise Http404("Telegram is not set up")
    comment = comment_selectors.comment_public_get(comment_id)
    if comment is None:
        raise Http404("no public comment")
    # Keyed by a keyed hash of the address, as every limit: the database never holds an address.
    address = limits.address_key(limits.client_address(request))
    decision = limits.take(limits.keyed_hash("telegram_comment_link", address), COMMENT_LINKS)
    if not decision.allowed:
        return limits.too_many_requests(request, decision.retry_after)
    url = links.bot_link(links.link_create(purpose=LinkToken.Purpose.COMMENT, about_id=str(comment.pk)))
    response = render(request, "notifications/telegram_comment_link.html",
                      {"url": url, "qr_svg": _qr(url), "hours": links.LINK_HOURS, "comment": comment})
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def telegram_link_for(request, user_pk: int):
    """/notifications/telegram/for/<user>/: a field officer makes a representative's one-time link, to show on
    their phone as a QR code for the representative to scan, or to print. Staff whose scope covers the
    representative's CBO only: anyone else, and any account that is not an active representative's, a 404."""
    person = get_object_or_404(User.objects.select_related("cbo"), pk=user_pk, role="cbo_rep",
                               is_active=True)
    if person.cbo is None or not can_edit_cbo(request.user, person.cbo):
        raise Http404
    context = {"person": person, "linked": TelegramChat.objects.filter(user=person, active=True).exists(),
               "configured": related.telegram_configured(), "hours": links.LINK_HOURS}
    if request.method == "POST" and context["configured"]:
        url = links.bot_link(links.link_create(purpose=LinkToken.Purpose.ACCOUNT, user=person))
        audit_record(user=request.user, action=Action.CREATE, obj=person,
                     summary=f"a Telegram link made for {person.username}'s account")
        context["url"], context["qr_svg"] = url, _qr(url)
    response = render(request, "notifications/telegram_link_for.html", context)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def telegram_link(request):
    """/notifications/telegram/: link your own account's Telegram. A POST makes a one-time link, shown once (no
    redirect: it is not kept), with its QR code for a phone."""
    linked = TelegramChat.objects.filter(user=request.user, active=True).exists()
    context = {"linked": linked, "configured": related.telegram_configured(),
               "hours": links.LINK_HOURS}
    if request.method == "POST" and context["configured"]:
        url = links.bot_link(links.link_create(purpose=LinkToken.Purpose.ACCOUNT, user=request.user))
        context["url"], context["qr_svg"] = url, _qr(url)
    response = render(request, "notifications/telegram_link.html", context)
    response["Cache-Control"] = "no-store"
    return response
