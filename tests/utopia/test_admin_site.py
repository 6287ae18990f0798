"""The back-office site object, shared by every request."""

from django.urls import resolve

from utopia.admin_site import StaffOTPAuthenticationForm, UtopiaAdminSite


def test_login_pages_with_and_without_two_factor_do_not_affect_each_other(client, settings):
    site = resolve("/admin/login/").func.__self__
    assert isinstance(site, UtopiaAdminSite)
    site_before = dict(vars(site))

    settings.UTOPIA_STAFF_2FA = True
    with_code = client.get("/admin/login/")
    settings.UTOPIA_STAFF_2FA = False
    without_code = client.get("/admin/login/")
    settings.UTOPIA_STAFF_2FA = True
    with_code_again = client.get("/admin/login/")

    for response in (with_code, with_code_again):
        assert isinstance(response.context["form"], StaffOTPAuthenticationForm)
        assert "admin/otp_login.html" in [template.name for template in response.templates]
    assert not isinstance(without_code.context["form"], StaffOTPAuthenticationForm)
    assert "admin/otp_login.html" not in [template.name for template in without_code.templates]
    # A login request leaves nothing behind on the site the next request uses.
    assert dict(vars(site)) == site_before
