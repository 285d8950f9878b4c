"""The outbox's pages: the staff page of messages that did not go (administrators and M&E officers only), and
the public stop page a message links to."""

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from samleng.notifications import messages, outbox, receivers, selectors
from samleng.notifications.models import Message


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
