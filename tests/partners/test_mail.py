"""Templated emails are plain text: what people typed arrives as typed, in the raw message."""

import datetime
import email
import email.policy
from pathlib import Path

import pytest
from django.conf import settings

from partners.mail import render_email, send_templated_email

TITLE = 'L\'épicerie "solidaire" & <co>'
EMAIL_TEMPLATES = Path(settings.BASE_DIR) / "templates" / "emails"
TEMPLATES = sorted(
    path.name.removesuffix("_subject.txt") for path in EMAIL_TEMPLATES.glob("*_subject.txt")
)
# Subjects that only name a date, a count or a fixed text: no typed text to carry.
NO_TYPED_TEXT = {
    "access_request_refused",
    "digest",
    "health_alert",
    # To the person who reported a need: no internal names, the group's or the partner's.
    "need_report_closed_reporter",
    "need_report_routed_reporter",
    "plenary_cadence_staff",
    "plenary_cancellation",
    "plenary_invitation",
    "plenary_update",
    "staff_enrolment",
}
# Bodies that carry nothing typed: the reporter of a need is told that it was passed on, with
# no internal name.
NO_TYPED_BODY = {"need_report_routed_reporter"}


class Typed:
    """Whatever a template asks of it, it answers with the hostile title (dates and times
    aside, for the date filters), so every template shows what a person could have typed."""

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        if name == "date" or name.endswith(("_on", "_at", "_start", "_end")):
            return datetime.datetime(2026, 3, 12, 14, 30)
        if name.endswith("_time"):
            return datetime.time(14, 30)
        if name.endswith("_count"):
            return 3
        return self

    def __iter__(self):
        return iter([self])

    def __len__(self):
        return 1

    def __str__(self):
        return TITLE


class Everything(dict):
    """A template context where every name is defined, as `Typed`, so that no variable of any
    template renders empty."""

    def __contains__(self, name):
        return name not in {"True", "False", "None"}

    def __getitem__(self, name):
        # The same answers as an attribute: a top-level `starts_at` is a date too.
        return getattr(Typed(), name)


def context():
    return Everything()


def raw(mail):
    return email.message_from_bytes(mail.message().as_bytes(), policy=email.policy.default)


def test_every_email_template_is_checked():
    assert len(TEMPLATES) >= 20
    for name in TEMPLATES:
        assert (EMAIL_TEMPLATES / f"{name}_body.txt").exists()


@pytest.mark.parametrize("template", TEMPLATES)
def test_subject_and_body_arrive_as_typed_in_the_raw_message(template, mailoutbox):
    send_templated_email(template=template, context=context(), to=["membre@exemple.fr"])

    message = raw(mailoutbox[0])
    subject = str(message["Subject"])
    body = message.get_body(("plain",)).get_content()
    for escaped in ("&#x27;", "&#39;", "&amp;", "&quot;", "&lt;", "&gt;"):
        assert escaped not in subject
        assert escaped not in body
    if template not in NO_TYPED_TEXT:
        # In lower case: after "de", a leading article is contracted ("de l'épicerie").
        assert TITLE.lower() in subject.lower()
    if template not in NO_TYPED_BODY:
        # A plenary may be named in lower case mid-sentence.
        assert TITLE.lower() in body.lower()
    assert "\n" not in subject


def test_an_apostrophe_in_a_real_title_arrives_as_typed(partner):
    subject, body = render_email(
        "workgroup_join_request",
        {"partner": partner, "group": {"name": "Aide d'urgence & logement"}, "url": "x"},
    )
    assert subject == ("Emergence demande à rejoindre le groupe « Aide d'urgence & logement »")
    assert "Aide d'urgence & logement" in body
