"""partners/rules.py: a staff power on the portal is staff powers (a staff account, verified by
its second factor when STAFF_2FA is on) and the back-office's named permission for the same
power. The permission matrices of each app test the rules built on it."""

from pathlib import Path

import pytest
import rules
from django.contrib.auth.models import Permission

from partners.rules import STAFF_PERMISSIONS, has_portal_perm, has_staff_permission
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def test_an_agent_has_a_staff_power_only_with_its_permission(agent, agent_with):
    assert not has_staff_permission(agent, "partners.moderate_action")
    assert has_staff_permission(agent_with("partners.moderate_action"), "partners.moderate_action")
    assert not has_staff_permission(
        agent_with("partners.change_action"), "partners.moderate_action"
    )


def test_superusers_keep_every_staff_power(staff):
    assert has_staff_permission(staff, "partners.moderate_action")
    assert has_portal_perm(staff, "workgroups.designate_pilot")


def test_a_permission_is_no_staff_power_without_a_staff_account(member):
    member.user_permissions.add(
        Permission.objects.get(content_type__app_label="partners", codename="moderate_action")
    )
    assert not has_staff_permission(member, "partners.moderate_action")


def test_an_agent_not_verified_by_a_second_factor_has_no_staff_power(settings):
    settings.UTOPIA_STAFF_2FA = True
    superuser = StaffFactory()  # not through django-otp's middleware: not verified
    assert not has_staff_permission(superuser, "partners.moderate_action")
    assert not has_portal_perm(superuser, "workgroups.designate_pilot")


def test_an_agent_whose_account_is_closed_has_no_staff_power(agent_with):
    closed = agent_with("partners.moderate_action")
    closed.is_active = False
    assert not has_staff_permission(closed, "partners.moderate_action")


def test_every_permission_a_portal_rule_asks_of_staff_exists():
    # A misspelt name would refuse every agent but the superusers, without a word.
    assert "partners.moderate_bulletin_post" in STAFF_PERMISSIONS
    for name in sorted(STAFF_PERMISSIONS):
        app_label, codename = name.split(".")
        assert Permission.objects.filter(
            content_type__app_label=app_label, codename=codename
        ).exists(), name
        assert not rules.perm_exists(name), f"a rule bears the name of {name}"


def test_portal_code_asks_for_a_named_permission_not_for_staff_powers_alone():
    """`has_staff_powers` alone would hand every staff power to any staff account: code asks
    has_staff_permission, or a rule (has_portal_perm, its template tag) built with staff_with.
    The one place left is the "Pour le CCAS" block of "Mon espace", which links to the
    back-office (which asks each permission itself)."""
    offenders = []
    for app in ["partners", "plenaries", "workgroups", "utopia"]:
        for path in (ROOT / app).rglob("*.py"):
            relative = path.relative_to(ROOT)
            if relative in {
                Path("partners/rules.py"),
                Path("partners/templatetags/partners_tags.py"),
            }:
                continue
            if "has_staff_powers(" in path.read_text():
                offenders.append(str(relative))
    for path in (ROOT / "templates").rglob("*.html"):
        relative = path.relative_to(ROOT)
        if relative != Path("templates/utopia/member_space.html") and (
            "has_staff_powers" in path.read_text()
        ):
            offenders.append(str(relative))
    assert offenders == []
