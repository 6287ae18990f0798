"""Property-based test: arbitrary text — control characters, very long strings, hostile
HTML — thrown at every public and member form never causes a server error, and never comes
back as live HTML."""

import importlib
import io
import re

import pytest
from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import models
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from partners.validators import validate_single_line
from tests.crawl import crawl, route_key
from tests.factories import ActionFactory
from tests.forms_finder import fill, post_forms

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert("utopia")</script><img src=x onerror="alert(1)"><a href="javascript:alert(2)">x</a>'
LIVE_HTML = re.compile(r'<script>alert\("utopia"\)|<img src=x onerror|href="javascript:alert\(2\)"')
# Forms whose submission ends the session or locks the account under test.
SKIPPED_ACTIONS = ("/deconnexion/", "/compte/connexion/", "/admin/")

texts = st.one_of(
    st.text(max_size=200),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=50).map(
        lambda t: t + HOSTILE
    ),
    st.text(alphabet=st.characters(max_codepoint=0x1F), max_size=30),
    st.integers(min_value=1_000, max_value=20_000).map(lambda n: "é" * n),
    st.sampled_from(["", " ", HOSTILE, "-1", "2026-13-45", "0" * 400, "\u202e\u0000\ufeff"]),
)


@pytest.fixture
def demo_site(settings):
    settings.UTOPIA_DEMO_ALLOWED = True
    call_command("import_charter", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())


def form_pages(client, start):
    found = []
    for path, response in crawl(client, start=start, key=route_key, limit=200):
        if response.status_code != 200 or not response.get("Content-Type", "").startswith(
            "text/html"
        ):
            continue
        for form in post_forms(response.content.decode()):
            action = form["action"] or path
            if not any(part in action for part in SKIPPED_ACTIONS):
                found.append((path, action, form))
    return found


@pytest.mark.parametrize(
    "email",
    [None, "emergence@demo.utopia.test", "ccas@demo.utopia.test"],
    ids=["anonymous", "member", "staff"],
)
def test_arbitrary_text_in_every_form_never_breaks_or_injects(demo_site, email):
    from django.contrib.auth import get_user_model

    client = Client()
    if email:
        client.force_login(get_user_model().objects.get(email=email))
    pages = form_pages(client, ["/", "/mon-espace/"] if email else ["/"])
    assert pages, "no form found"

    @settings(
        max_examples=12,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(text=texts)
    def throw(text):
        for _path, action, form in pages:
            response = client.post(action, fill(form, text))
            assert response.status_code < 500, (action, text[:80])
            shown = client.get(response["Location"]) if response.status_code == 302 else response
            if shown.status_code == 200 and shown.get("Content-Type", "").startswith("text/html"):
                assert not LIVE_HTML.search(shown.content.decode()), (action, text[:80])

    throw()


# --- Single-line fields refuse line breaks and control characters ------------------------------
#
# A title or a name goes into places that are one line by nature: the Atom feed's <title>, an
# email's subject, a CSV cell, a page's <title>. A CR/LF there splits or forges what follows.

SINGLE_LINE_MESSAGE = (
    "Ce champ ne peut pas contenir de retour à la ligne ni de caractère de contrôle."
)
FORBIDDEN = [chr(code) for code in range(0x20)] + ["\x7f", "\x85", "\u2028", "\u2029"]
NETWORK_APPS = ("partners", "plenaries", "workgroups", "utopia")


@pytest.mark.parametrize("char", FORBIDDEN, ids=[f"U+{ord(c):04X}" for c in FORBIDDEN])
def test_single_line_validator_refuses_line_breaks_and_control_characters(char):
    with pytest.raises(ValidationError) as refused:
        validate_single_line(f"Repair{char}café")
    assert refused.value.messages == [SINGLE_LINE_MESSAGE]


def test_single_line_validator_accepts_ordinary_text():
    validate_single_line("Accès au droit — « Maison de la solidarité », 2ᵉ étage 🙂")
    validate_single_line("")


def _model_text_fields():
    for label in NETWORK_APPS:
        for model in apps.get_app_config(label).get_models():
            if hasattr(model, "instance_type"):
                continue  # an audit-history copy: written from the model it copies
            for field in model._meta.concrete_fields:
                # A field that is not editable is written by code (a digest, a key), never typed.
                if isinstance(field, models.CharField) and not field.choices and field.editable:
                    yield f"{model._meta.label}.{field.name}", field


# An account's password is a hash that set_password() writes; the back-office shows it
# read-only.
PASSWORD_HASH = "partners.User.password"


def test_every_single_line_model_field_refuses_control_characters():
    """A new CharField cannot forget it: the portal's forms, the back-office and the
    services' full_clean() all run a model field's validators."""
    fields = dict(_model_text_fields())
    assert {"partners.Action.title", "partners.User.email", "partners.User.last_name"} <= set(
        fields
    )
    missing = [
        name
        for name, field in fields.items()
        if validate_single_line not in field.validators and name != PASSWORD_HASH
    ]
    assert not missing


def _declared_form_fields():
    # Every form of the apps is defined once their modules are imported.
    for label in NETWORK_APPS:
        for module in ("forms", "admin"):
            importlib.import_module(f"{label}.{module}")
    importlib.import_module("utopia.admin_site")
    pending = list(forms.BaseForm.__subclasses__())
    while pending:
        form = pending.pop()
        pending.extend(form.__subclasses__())
        if form.__module__.split(".")[0] not in NETWORK_APPS:
            continue
        for name, field in getattr(form, "declared_fields", {}).items():
            yield f"{form.__module__}.{form.__name__}.{name}", field


# Typed to be checked, never stored nor shown: credentials; and the robots' honeypots, which
# must accept anything silently so that a robot learns nothing.
NOT_STORED = {
    "utopia.admin_site.StaffOTPAuthenticationForm.username",
    "utopia.admin_site.StaffOTPAuthenticationForm.otp_token",
    "utopia.admin_site.StaffOTPAuthenticationForm.otp_challenge",
    "utopia.forms.EmailAuthenticationForm.username",
    "utopia.forms.QueuedPasswordResetForm.email",
    "utopia.forms.TwoFactorConfirmForm.token",
    "partners.forms.AccessRequestForm.website",
    "utopia.forms.NeedReportForm.website",
}
MULTI_LINE_OR_HIDDEN = (forms.Textarea, forms.PasswordInput, forms.HiddenInput)


def test_every_single_line_field_of_a_form_refuses_control_characters():
    """Fields declared on a form (a plain form, or one added to a model form) are not model
    fields: they carry the validator themselves."""
    fields = {
        name: field
        for name, field in _declared_form_fields()
        if isinstance(field, forms.CharField)
        and not isinstance(field.widget, MULTI_LINE_OR_HIDDEN)
        and name not in NOT_STORED
    }
    assert "workgroups.forms.TopicForm.title" in fields
    missing = [
        name for name, field in fields.items() if validate_single_line not in field.validators
    ]
    assert not missing


def test_a_services_full_clean_refuses_a_line_break_in_a_title(partner):
    action = ActionFactory.build(partner=partner, title="Repair café\r\nAutre chose")
    with pytest.raises(ValidationError) as refused:
        action.full_clean()
    assert refused.value.message_dict["title"] == [SINGLE_LINE_MESSAGE]


def test_the_back_office_refuses_a_line_break_in_an_accounts_name(client, staff, member):
    client.force_login(staff)
    url = f"/admin/partners/user/{member.pk}/change/"
    page = client.get(url)
    data = {
        "email": member.email,
        "first_name": "Camille\r\nX-Injected: oui",
        "last_name": member.last_name,
        "is_active": "on",
        "date_joined_0": page.context["adminform"].form.initial["date_joined"].strftime("%d/%m/%Y"),
        "date_joined_1": "10:00:00",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert SINGLE_LINE_MESSAGE in response.content.decode()
    member.refresh_from_db()
    assert "Injected" not in member.first_name
