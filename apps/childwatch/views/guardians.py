"""The guardian's home: their own children, consent to gate notices, absence reports, plans.

Everything is read through selectors that take the user: only the user's active guardianships
count, so a guardian whose link was ended sees nothing of that child any more.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from apps.childwatch.models import Guardianship
from apps.childwatch.permissions import staff_school_ids
from apps.childwatch.selectors import absences as absence_selectors
from apps.childwatch.selectors import people as selectors
from apps.childwatch.services import people as services
from apps.childwatch.views.staff import private


@dataclass
class ChildCard:
    link: Guardianship
    passages_url: str | None

    @property
    def child(self):
        return self.link.child


def _passages_url(child_id: int) -> str | None:
    # The gate passage page belongs to the gates desk; link to it only once it exists.
    try:
        return reverse("childwatch:child_passages", args=[child_id])
    except NoReverseMatch:
        return None


@require_GET
@private
def guardian_home(request: HttpRequest) -> HttpResponse:
    links = list(selectors.my_guardianships(request.user))
    return render(request, "childwatch/people/guardian_home.html", {
        "cards": [ChildCard(link, _passages_url(link.child_id)) for link in links],
        "reports": absence_selectors.my_reports(request.user),
        "plans": selectors.my_plans(request.user), "today": timezone.localdate(),
        "is_staff": bool(staff_school_ids(request.user)),
        "is_teacher": absence_selectors.day_list_schools(request.user).exists(),
    })


@require_POST
@private
def guardian_consent(request: HttpRequest, child_id: int) -> HttpResponse:
    link = selectors.my_guardianship(request.user, child_id)
    consent = request.POST.get("consent") == "1"
    services.set_passage_consent(guardianship=link, by=request.user, consent=consent)
    if consent:
        messages.success(request, _("Thank you. Gate notices for %(name)s are on.") % {"name": link.child.given_name})
    else:
        messages.success(request, _("Gate notices for %(name)s are off. No new gate passages will be stored for your "
                                    "consent.") % {"name": link.child.given_name})
    return redirect("childwatch:guardian_home")


urlpatterns = [
    path("", guardian_home, name="guardian_home"),
    path("children/<int:child_id>/consent/", guardian_consent, name="guardian_consent"),
]
