"""/notifications/emails/: which e-mails Samleng sends to the logged-in person's account, each stopped or not, and
a button to stop it or to take a stop back (a stop link they used: digests.email_stop_set). Their own account
only: nobody chooses for another."""

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from samleng.notifications import digests

#: What each kind of e-mail is, as the page names it.
TOPICS = {
    "meetings": gettext_lazy("Meetings your CBO is invited to: the notice, its changes, the reminder the day before"),
    digests.ISSUES: gettext_lazy("Your CBO's issues: a new status, an authority's commitment falling due or overdue"),
    digests.DIGEST: gettext_lazy("The morning digest of what is due in your work"),
    digests.IMPORTS: gettext_lazy("The end of an import you started"),
}


@login_required
@require_http_methods(["GET", "POST"])
def email_choices(request):
    if request.method == "POST":
        topic = request.POST.get("topic", "")
        stop = request.POST.get("action") == "stop"
        if digests.email_stop_set(user=request.user, topic=topic, stopped=stop):
            flash.success(request, _("These e-mails are stopped.") if stop
                          else _("These e-mails will come again, from the next one."))
        else:
            flash.error(request, _("There is no such kind of e-mail for your account."))
        return redirect("notifications:email_choices")
    rows = [(topic, TOPICS[topic], stopped) for topic, stopped in digests.email_choices(request.user)]
    response = render(request, "notifications/email_choices.html",
                      {"rows": rows, "has_address": bool(request.user.email)})
    response["Cache-Control"] = "no-store"
    return response
