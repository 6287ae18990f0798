"""Login lockout, two-factor authentication for the back-office, session expiry."""

from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD
from utopia.models import StaffEnrolment
from utopia.two_factor import staff_enrolment_create

pytestmark = pytest.mark.django_db


def attempt(client, email, password):
    return client.post("/compte/connexion/", {"username": email, "password": password})


def test_repeated_failures_lock_the_login_for_a_while_then_it_opens_again(client, member):
    from axes.models import AccessAttempt

    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, member.email, "mauvais").status_code == 200
    locked = attempt(client, member.email, "mauvais")
    assert locked.status_code == 429
    assert "temporairement bloquée" in locked.content.decode()
    # Even the right password is refused while locked...
    assert attempt(client, member.email, PASSWORD).status_code == 429
    # ...and accepted once the cool-off has passed: not a permanent lock.
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timezone.timedelta(minutes=1)
    )
    response = attempt(client, member.email, PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/mon-espace/"


def test_lockout_of_one_account_does_not_lock_another(client, member, other_member):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, member.email, "mauvais")
    assert attempt(client, other_member.email, PASSWORD).status_code == 302


@pytest.fixture
def two_factor(settings):
    settings.UTOPIA_STAFF_2FA = True


def current_token(device):
    return (
        f"{TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token():06d}"
    )


def test_staff_without_second_factor_cannot_enter_the_back_office(client, staff, two_factor):
    client.force_login(staff)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    login_page = client.get(response["Location"]).content.decode()
    assert "Code de votre application d" in login_page


def test_password_alone_is_refused_at_the_back_office_login(client, staff, two_factor):
    TOTPDevice.objects.create(user=staff, name="Téléphone", confirmed=True)
    response = client.post(
        "/admin/login/?next=/admin/", {"username": staff.email, "password": PASSWORD}
    )
    assert response.status_code == 200
    assert "six chiffres" in response.content.decode()
    assert client.get("/admin/").status_code == 302


def test_staff_enrols_a_totp_device_and_enters_the_back_office(client, staff, two_factor):
    # With the password alone there is nothing to scan: a one-time link is needed
    # (tests/utopia/test_staff_two_factor.py).
    _enrolment, link = staff_enrolment_create(
        user=staff, by=None, channel=StaffEnrolment.Channel.COMMAND
    )
    client.force_login(staff)
    assert client.get(urlsplit(link).path).status_code == 302
    page = client.get("/compte/double-authentification/")
    assert page.status_code == 200
    assert "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=staff)
    assert not device.confirmed

    wrong = client.post("/compte/double-authentification/", {"token": "000000"})
    assert wrong.status_code == 200
    device.refresh_from_db()
    assert not device.confirmed
    # django-otp makes a device wait after a failure (throttling); the test does not wait.
    device.throttle_reset()

    response = client.post("/compte/double-authentification/", {"token": current_token(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/admin/").status_code == 200


def test_back_office_login_with_password_and_code(client, staff, two_factor):
    device = TOTPDevice.objects.create(user=staff, name="Téléphone", confirmed=True)
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": staff.email, "password": PASSWORD, "otp_token": current_token(device)},
    )
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_members_have_no_second_factor_page(client, member):
    client.force_login(member)
    assert client.get("/compte/double-authentification/").status_code == 404


def _stored_session(client):
    from django.contrib.sessions.models import Session

    return Session.objects.get(session_key=client.session.session_key)


def test_sessions_expire_after_inactivity(client, member):
    import datetime

    from django.utils import timezone

    from utopia.sessions import LAST_REFRESH_KEY

    assert settings.SESSION_COOKIE_AGE <= 4 * 3600
    client.force_login(member)
    assert client.get("/mon-espace/").status_code == 200
    refreshed = _stored_session(client).expire_date

    # Activity: once the last save is older than the refresh interval, the expiry moves on.
    session = client.session
    session[LAST_REFRESH_KEY] -= settings.UTOPIA_SESSION_REFRESH_SECONDS + 1
    session.save()
    Session = type(_stored_session(client))
    Session.objects.filter(session_key=session.session_key).update(
        expire_date=refreshed - datetime.timedelta(minutes=30)
    )
    assert client.get("/mon-espace/").status_code == 200
    assert _stored_session(client).expire_date > refreshed - datetime.timedelta(minutes=1)

    # Inactivity: past SESSION_COOKIE_AGE since the last save, the member is logged out.
    Session.objects.filter(session_key=session.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )
    response = client.get("/mon-espace/")
    assert response.status_code == 302
    assert "/compte/connexion/" in response["Location"]


def test_session_is_not_written_on_every_request(client, member, django_assert_num_queries):
    client.force_login(member)
    client.get("/compte/preferences/")  # first page: the session is saved with its refresh time
    # session, user, preferences: no UPDATE of the session within the refresh interval
    with django_assert_num_queries(3):
        assert client.get("/compte/preferences/").status_code == 200


def test_common_passwords_are_refused():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="trop courant"):
        validate_password("azertyuiop")


def test_programmatic_login_without_a_request_still_works(client, member):
    # Client.login() authenticates without a request: no web attempt for axes to count.
    assert client.login(username=member.email, password=PASSWORD)


# --- Nothing personal is kept by a browser's or a proxy's cache --------------------------------


def never_stored(response) -> bool:
    directives = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    return {"no-store", "private"} <= directives


def test_a_members_page_is_never_stored(client, member):
    client.force_login(member)
    response = client.get("/mon-espace/")
    assert response.status_code == 200
    assert never_stored(response)


def test_a_members_form_page_is_never_stored_while_the_page_cache_is_on(client, member, settings):
    settings.UTOPIA_PAGE_CACHE_SECONDS = 300
    client.force_login(member)
    first = client.get("/mon-espace/actions/nouvelle/")
    again = client.get("/mon-espace/actions/nouvelle/")
    assert never_stored(first) and never_stored(again)


def test_a_staff_page_of_the_portal_is_never_stored(client, staff):
    client.force_login(staff)
    response = client.get(f"/rapport-annuel/{timezone.localdate().year}/")
    assert response.status_code == 200
    assert never_stored(response)


def test_a_back_office_page_is_never_stored(client, staff):
    client.force_login(staff)
    response = client.get("/admin/partners/partner/")
    assert response.status_code == 200
    assert never_stored(response)


def test_a_public_page_seen_by_a_member_is_never_stored(client, member):
    """It shows who is logged in."""
    client.force_login(member)
    assert never_stored(client.get("/partenaires/"))


def test_an_anonymous_public_page_keeps_its_caching(client, settings):
    settings.UTOPIA_PAGE_CACHE_SECONDS = 300
    first = client.get("/partenaires/")
    again = client.get("/partenaires/")
    assert not again.templates  # still served from the anonymous page cache
    for response in (first, again):
        assert "no-store" not in response.get("Cache-Control", "")
        assert "private" not in response.get("Cache-Control", "")


# --- A session ends some hours after the login, however active --------------------------------


def _move_the_clock(client, seconds):
    """Every time the session holds (utopia.sessions keeps them as `_utopia_*` timestamps) is
    now `seconds` older, as if that much time had passed; the stored expiry is not touched."""
    session = client.session
    for key, value in list(session.items()):
        if key.startswith("_utopia_") and isinstance(value, int):
            session[key] = value - seconds
    session.save()


def test_absolute_lifetime_is_twelve_hours_by_default():
    assert settings.SESSION_ABSOLUTE_SECONDS == 12 * 3600


def test_an_active_session_ends_twelve_hours_after_login(client, member):
    import datetime

    client.force_login(member)
    assert client.get("/mon-espace/").status_code == 200
    expiry = _stored_session(client).expire_date

    # A member active all day long: one minute before the limit, still in, and the inactivity
    # expiry keeps sliding with the activity.
    _move_the_clock(client, settings.SESSION_ABSOLUTE_SECONDS - 60)
    Session = type(_stored_session(client))
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=expiry - datetime.timedelta(minutes=30)
    )
    assert client.get("/mon-espace/").status_code == 200
    assert _stored_session(client).expire_date > expiry - datetime.timedelta(minutes=1)

    # Past the limit since the login, the session ends even though it was used a minute ago.
    _move_the_clock(client, 61)
    response = client.get("/mon-espace/")
    assert response.status_code == 302
    assert response["Location"] == "/compte/connexion/?next=/mon-espace/"
    page = client.get(response["Location"]).content.decode()
    assert "reconnectez-vous" in page
    assert "_auth_user_id" not in client.session
    assert client.get("/mon-espace/").status_code == 302


def test_a_back_office_session_ends_at_the_back_office_login(client, staff):
    client.force_login(staff)
    assert client.get("/admin/").status_code == 200
    _move_the_clock(client, settings.SESSION_ABSOLUTE_SECONDS + 1)
    response = client.get("/admin/partners/partner/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/admin/partners/partner/"


def test_a_session_without_a_login_time_is_ended(client, member):
    """Sessions opened before the limit existed cannot say when they started."""
    from utopia.sessions import LOGIN_AT_KEY

    client.force_login(member)
    session = client.session
    del session[LOGIN_AT_KEY]
    session.save()
    assert client.get("/mon-espace/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_fresh_login_starts_a_new_lifetime(client, member):
    client.force_login(member)
    _move_the_clock(client, settings.SESSION_ABSOLUTE_SECONDS + 1)
    assert client.get("/mon-espace/").status_code == 302  # ended
    response = client.post("/compte/connexion/", {"username": member.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/mon-espace/").status_code == 200
