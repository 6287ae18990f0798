"""The yearly confirmation of a partner's page, from the link emailed to its members.

The link opens a page with one button rather than confirming on GET: mail filters and link
previews open links by themselves, and must not confirm a page in the partner's name.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from partners import french, services


@never_cache
def partner_confirm(request, token: str):
    try:
        partner = services.partner_from_confirmation_token(token)
    except ValidationError as error:
        return render(
            request,
            "partners/partner_confirm_invalid.html",
            {"message": error.messages[0]},
            status=400,
        )
    if request.method == "POST":
        services.partner_confirm(
            partner=partner, by=request.user if request.user.is_authenticated else None
        )
        messages.success(
            request,
            _("Merci : la fiche %(of_partner)s est confirmée pour un an.")
            % {"of_partner": french.de(partner.name)},
        )
        return redirect(partner)
    return render(request, "partners/partner_confirm.html", {"partner": partner})
