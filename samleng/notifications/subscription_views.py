"""The public pages of subscriptions (subscriptions.py): follow a commune's or district's news without an account,
by Telegram (a deep link and its QR code) or by e-mail (confirmed by a link); confirm; stop. No JavaScript."""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from samleng.accounts import limits
from samleng.notifications import related, subscriptions
from samleng.notifications.models import EmailSubscription
from samleng.notifications.views import _qr

#: Subscribe requests (each may e-mail a confirmation) one client address may make in an hour.
SUBSCRIBE_POSTS = limits.Rate(count=10, seconds=3600)


def _private(response):
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


@require_http_methods(["GET", "POST"])
def subscribe(request):
    """/notifications/subscribe/: find the commune or district (?q=), then (?place=CODE) its Telegram link and an
    e-mail form. The page says the same whether or not an address follows the place already."""
    place = subscriptions.unit_get(request.GET.get("place") or request.POST.get("place") or "")
    context = {"place": place, "q": (request.GET.get("q") or "")[:100]}
    if place is None and context["q"]:
        found = subscriptions.unit_find(context["q"])
        if found.place is not None:
            return redirect(reverse("notifications:subscribe") + f"?place={found.place.code}")
        language = get_language()
        context["candidates"] = [(p, subscriptions.place_name(p, language)) for p in found.candidates]
        context["not_found"] = not found.candidates
    if place is not None:
        context["place_name"] = subscriptions.place_name(place, get_language())
        if related.telegram_configured():
            context["telegram_url"] = subscriptions.telegram_start_link(place)
            context["qr_svg"] = _qr(context["telegram_url"])
    if request.method == "POST" and place is not None:
        address = (request.POST.get("email") or "").strip()
        try:
            if len(address) > 254:
                raise ValidationError("too long")
            validate_email(address)
        except ValidationError:
            context["email_error"] = _("Please give a valid e-mail address.")
            context["email"] = address
            return _private(render(request, "notifications/subscribe.html", context, status=400))
        decision = limits.take(limits.keyed_hash("subscribe", limits.address_key(limits.client_address(request))),
                               SUBSCRIBE_POSTS)
        if not decision.allowed:
            return limits.too_many_requests(request, decision.retry_after)
        language = "en" if (get_language() or "").startswith("en") else "km"
        subscriptions.email_subscribe(address=address, place=place, language=language)
        context["asked"] = True
    return _private(render(request, "notifications/subscribe.html", context))


@require_http_methods(["GET", "POST"])
def subscribe_confirm(request, token: str):
    """The link of a confirmation e-mail: a page that asks, then confirms on POST (a mail scanner following links
    confirms nothing)."""
    pk = subscriptions.token_read(token, "confirm", max_age=subscriptions.CONFIRM_HOURS * 3600)
    subscription = EmailSubscription.objects.filter(pk=pk).first() if pk is not None else None
    if subscription is None:
        return _private(render(request, "notifications/subscribe_link.html", {"invalid": True}, status=404))
    place = subscriptions.unit_get(subscription.about_id)
    done = subscription.confirmed_at is not None
    if request.method == "POST":
        subscriptions.email_confirm(subscription.pk)
        done = True
    context = {"action": "confirm", "done": done,
               "place_name": subscriptions.place_name(place, get_language()) if place else subscription.about_id}
    return _private(render(request, "notifications/subscribe_link.html", context))


@require_http_methods(["GET", "POST"])
def subscribe_stop(request, token: str):
    """The stop link of a news e-mail: asks, then deletes the subscription and its address on POST."""
    pk = subscriptions.token_read(token, "stop")
    if pk is None:
        return _private(render(request, "notifications/subscribe_link.html", {"invalid": True}, status=404))
    done = request.method == "POST"
    if done:
        subscriptions.email_stop(pk)
    return _private(render(request, "notifications/subscribe_link.html", {"action": "stop", "done": done}))
