from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _

from apps.accounts.forms import ProfileForm
from apps.accounts.selectors import profile_of, roles_of
from apps.accounts.services import update_profile


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    current = profile_of(request.user)
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            home = form.home_location()
            try:
                update_profile(
                    user=request.user,
                    display_name=form.cleaned_data["display_name"],
                    preferred_language=form.cleaned_data["preferred_language"],
                    home_location=home,
                    # With a home location and no district chosen, the service finds it.
                    **({"district": form.cleaned_data["district"]}
                       if form.cleaned_data["district"] or home is None else {}),
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("Your profile was saved."))
                response = redirect("accounts:profile")
                # Switch the site to the language just chosen.
                translation.activate(form.cleaned_data["preferred_language"])
                response.set_cookie("django_language", form.cleaned_data["preferred_language"],
                                    samesite="Lax", secure=request.is_secure())
                return response
    else:
        location = current.home_location
        form = ProfileForm(
            initial={
                "display_name": current.display_name,
                "preferred_language": current.preferred_language,
                "district": current.district_id,
                "latitude": location.y if location else None,
                "longitude": location.x if location else None,
            }
        )
    return render(
        request,
        "accounts/profile.html",
        {"form": form, "profile": current, "roles": sorted(roles_of(request.user))},
    )
