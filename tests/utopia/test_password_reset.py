"""Password reset emails ("Mot de passe oublié") are limited per recipient address and per client
address; past the limit the page is the same "sent" page as always, and nothing is sent, so that
it tells no one whether an address has an account."""

import pytest

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/compte/mot-de-passe/oubli/"
DONE = "/compte/mot-de-passe/oubli/envoye/"


def ask(client, email, address="203.0.113.7"):
    return client.post(URL, {"email": email}, REMOTE_ADDR=address)


def test_resets_to_one_address_are_limited_whichever_client_asks(client, member, mailoutbox):
    # Issue 11: sixteen resets to one address went out.
    responses = [ask(client, member.email, address=f"203.0.113.{n}") for n in range(16)]
    assert {(r.status_code, r["Location"]) for r in responses} == {(302, DONE)}
    assert len(mailoutbox) == 3
    assert {tuple(mail.to) for mail in mailoutbox} == {(member.email,)}


def test_resets_from_one_client_are_limited_whichever_address_they_name(client, mailoutbox):
    users = UserFactory.create_batch(12)
    responses = [ask(client, user.email) for user in users]
    assert {(r.status_code, r["Location"]) for r in responses} == {(302, DONE)}
    assert len(mailoutbox) == 10
    assert ask(client, users[-1].email, address="198.51.100.9").status_code == 302
    assert len(mailoutbox) == 11  # another client is not held back by the first


def test_a_limited_reset_looks_like_one_to_an_unknown_address(client, member, mailoutbox, settings):
    settings.UTOPIA_EMAIL_LIMIT_PER_ADDRESS = 1
    ask(client, member.email)
    limited = ask(client, member.email)
    unknown = ask(client, "personne@exemple.fr")
    assert (limited.status_code, limited["Location"]) == (unknown.status_code, unknown["Location"])
    assert client.get(limited["Location"]).content == client.get(unknown["Location"]).content
    assert len(mailoutbox) == 1


def test_the_limits_are_settings(settings, client, member, mailoutbox):
    settings.UTOPIA_EMAIL_LIMIT_PER_ADDRESS = 5
    for n in range(7):
        ask(client, member.email, address=f"203.0.113.{n}")
    assert len(mailoutbox) == 5
