"""Fixtures shared by every test. Roles used by the permission matrices:
anonymous, member (of `partner`), other_member (of `other_partner`), staff (a superuser), agent
(staff without any permission)."""

import pytest
from django.conf import settings

from tests.factories import MembershipFactory, PartnerFactory, StaffFactory, UserFactory
from tests.mail_backends import RefusingBackend


def pytest_configure(config):
    # Hashing passwords properly is slow and proves nothing here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _isolated_media_and_cache(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def partner(db):
    return PartnerFactory(name="Emergence", slug="emergence")


@pytest.fixture
def other_partner(db):
    return PartnerFactory(name="Croix-Rouge française", slug="croix-rouge-francaise")


@pytest.fixture
def member(partner):
    return MembershipFactory(partner=partner, user=UserFactory(email="membre@exemple.fr")).user


@pytest.fixture
def manager(partner):
    return MembershipFactory(
        partner=partner, user=UserFactory(email="responsable@exemple.fr"), role="manager"
    ).user


@pytest.fixture
def other_member(other_partner):
    return MembershipFactory(partner=other_partner, user=UserFactory(email="autre@exemple.fr")).user


@pytest.fixture
def staff(db):
    return StaffFactory(email="agent@ccas-thionville.fr")


@pytest.fixture
def agent(db):
    """A CCAS agent given no permission: a staff account, not a superuser. Each staff power, on
    the portal as in the back-office, needs its named permission (partners.rules.staff_with):
    this account has the portal of someone outside the network."""
    return StaffFactory(email="agent-sans-droit@ccas-thionville.fr", is_superuser=False)


@pytest.fixture
def agent_with(db):
    """`agent_with("app_label.codename", ...)`: a CCAS agent given exactly these permissions."""

    def make(*permissions: str):
        return StaffFactory(is_superuser=False, permissions=list(permissions))

    return make


@pytest.fixture
def role_client(client, request):
    """A client logged in as the role named by the fixture (None for anonymous)."""

    def login_as(user):
        if user is not None:
            client.force_login(user)
        return client

    return login_as


@pytest.fixture
def refusing_mail_server(settings):
    """The mail server refuses the addresses put in the returned set (empty at first)."""
    settings.MAILERS = {"default": {"BACKEND": "tests.mail_backends.RefusingBackend"}}
    RefusingBackend.refused = set()
    yield RefusingBackend.refused
    RefusingBackend.refused = set()
