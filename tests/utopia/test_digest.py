"""The monthly digest: what it gathers, who receives it, and unsubscribing."""

import datetime
import email.policy
import html
import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from partners.models import Action
from partners.tasks import UnfoldedHeader
from plenaries.models import Plenary
from tests.factories import (
    ActionFactory,
    BulletinPostFactory,
    GroupMembershipFactory,
    MeetingFactory,
    MembershipFactory,
    PartnerFactory,
    PlenaryFactory,
    UserFactory,
    WorkingGroupFactory,
)
from utopia import digest
from utopia.models import DigestDelivery, DigestIssue, EmailPreferences
from workgroups.models import GroupMembership, WorkingGroup

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def ago(days):
    return NOW - datetime.timedelta(days=days)


def send(django_capture_on_commit_callbacks, now=None):
    with django_capture_on_commit_callbacks(execute=True):
        return digest.digest_send(now=now)


def unsubscribe_path(mail):
    return re.search(r"https?://[^/\s]+(/compte/lettre/desabonnement/\S+/)", mail.body).group(1)


@pytest.fixture
def news(partner):
    published = ActionFactory(partner=partner, title="Bourse aux vêtements", published_at=ago(3))
    ActionFactory(partner=partner, title="Action trop ancienne", published_at=ago(60))
    ActionFactory(
        partner=partner, title="Brouillon caché", status=Action.Status.DRAFT, published_at=None
    )
    post = BulletinPostFactory(partner=partner, title="Cherche bénévoles pour samedi")
    plenary = PlenaryFactory(
        date=timezone.localdate() + datetime.timedelta(days=20), status=Plenary.Status.CONVENED
    )
    return published, post, plenary


def test_digest_gathers_the_months_news_and_whats_coming(
    news, member, mailoutbox, django_capture_on_commit_callbacks
):
    issue = send(django_capture_on_commit_callbacks)

    assert issue.items == 3
    assert issue.recipients == 1
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [member.email]
    assert mail.subject.startswith("UTOPIA : la lettre du réseau")
    assert "Bourse aux vêtements" in mail.body
    assert "Cherche bénévoles pour samedi" in mail.body
    assert str(news[2]) in mail.body
    assert "Action trop ancienne" not in mail.body
    assert "Brouillon caché" not in mail.body
    assert news[0].get_absolute_url() in mail.body
    assert mail.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe_path(mail) in mail.extra_headers["List-Unsubscribe"]


def test_next_digest_covers_only_what_is_new(
    news, member, mailoutbox, django_capture_on_commit_callbacks
):
    first = send(django_capture_on_commit_callbacks, now=ago(1))
    BulletinPostFactory(title="Nouveau message")
    second = send(django_capture_on_commit_callbacks, now=soon(31))  # next month
    assert second.period_start == first.period_end
    # Last month's addresses are forgotten once this month's digest starts.
    assert set(DigestDelivery.objects.values_list("issue", flat=True)) == {second.pk}
    assert "Bourse aux vêtements" not in mailoutbox[-1].body
    assert "Nouveau message" in mailoutbox[-1].body


def test_nothing_new_sends_nothing(member, mailoutbox, django_capture_on_commit_callbacks):
    output = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_digest", stdout=output)
    assert output.getvalue().startswith("Rien de nouveau")
    assert not mailoutbox
    assert not DigestIssue.objects.exists()


def test_recipients_are_active_members_who_did_not_opt_out(news, member, other_member, staff):
    EmailPreferences.objects.create(user=other_member, receives_digest=False)
    inactive = MembershipFactory(user=UserFactory(is_active=False)).user
    of_inactive_partner = MembershipFactory(partner=PartnerFactory(is_active=False)).user
    UserFactory()  # an account attached to no partner

    people = set(digest.recipients())

    assert member in people
    assert not people & {other_member, inactive, of_inactive_partner, staff}


def test_one_click_unsubscribe_works_for_its_recipient_only(
    client, news, member, other_member, mailoutbox, django_capture_on_commit_callbacks
):
    send(django_capture_on_commit_callbacks)
    mine = next(m for m in mailoutbox if m.to == [member.email])
    path = unsubscribe_path(mine)

    # Opening the link changes nothing; confirming (or the mail provider's POST) does.
    assert client.get(path).status_code == 200
    assert digest.recipients().filter(pk=member.pk).exists()
    response = client.post(path)
    assert response.status_code == 200
    assert "vous ne recevrez plus la lettre" in html.unescape(response.content.decode())
    assert not digest.recipients().filter(pk=member.pk).exists()
    assert digest.recipients().filter(pk=other_member.pk).exists()


def test_raw_message_carries_a_plain_one_click_unsubscribe_url(
    settings, client, news, member, mailoutbox, django_capture_on_commit_callbacks
):
    settings.UTOPIA_SITE_URL = "https://utopia.ccas-thionville.fr"
    send(django_capture_on_commit_callbacks)

    for policy in (email.policy.default, email.policy.SMTP):
        raw = mailoutbox[0].message(policy=policy).as_bytes().decode("ascii")
        headers = raw.split(policy.linesep * 2, 1)[0].split(policy.linesep)
        link = next(line for line in headers if line.startswith("List-Unsubscribe: "))
        url = re.fullmatch(r"List-Unsubscribe: <(https://utopia\.ccas-thionville\.fr/\S+)>", link)
        assert url, link
        assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in headers
    path = url.group(1).removeprefix("https://utopia.ccas-thionville.fr")
    assert path == unsubscribe_path(mailoutbox[0])

    # What a mail provider sends (RFC 8058): a POST without cookie nor CSRF token.
    provider = Client(enforce_csrf_checks=True)
    response = provider.post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert EmailPreferences.objects.get(user=member).receives_digest is False


def test_a_header_value_on_two_lines_is_refused():
    with pytest.raises(ValueError):
        UnfoldedHeader("List-Unsubscribe", "<https://exemple.fr/>\r\nBcc: x@exemple.fr")


@pytest.mark.parametrize("token", ["faux", "eyJ1c2VyIjoxfQ:forged"])
def test_forged_unsubscribe_link_is_refused_and_changes_nothing(client, member, token):
    response = client.post(f"/compte/lettre/desabonnement/{token}/")
    assert response.status_code == 400
    assert "Ce lien de désabonnement n'est pas valide." in html.unescape(response.content.decode())
    assert not EmailPreferences.objects.exists()


def test_member_chooses_in_their_preferences(client, member):
    client.force_login(member)
    page = client.get("/compte/preferences/")
    assert page.status_code == 200
    assert "checked" in page.content.decode()
    client.post("/compte/preferences/", {})  # box unticked
    assert EmailPreferences.objects.get(user=member).receives_digest is False
    client.post("/compte/preferences/", {"receives_digest": "on"})
    assert EmailPreferences.objects.get(user=member).receives_digest is True


def test_preferences_need_login(client):
    response = client.get("/compte/preferences/")
    assert response.status_code == 302
    assert response["Location"].startswith("/compte/connexion/")


@pytest.mark.parametrize("size", [1, 30])
def test_digest_content_queries_do_not_grow(size, django_assert_num_queries):
    for _ in range(size):
        ActionFactory(published_at=ago(2))
        BulletinPostFactory()
    # Actions, posts, plenaries and meetings; minutes, themes adopted and closed, groups
    # created and elections closed.
    with django_assert_num_queries(9):
        news = digest.content(start=ago(30), end=NOW)
    assert len(news.actions) == size


def soon(days):
    return NOW + datetime.timedelta(days=days)


def mail_to(mailoutbox, user):
    return next(mail for mail in mailoutbox if mail.to == [user.email])


def test_each_recipient_reads_the_coming_meetings_of_their_own_groups(
    news,
    partner,
    other_partner,
    member,
    other_member,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    housing = WorkingGroupFactory(name="Accès au logement")
    GroupMembershipFactory(group=housing, partner=partner)
    MeetingFactory(group=housing, starts_at=soon(10), place="Salle Jean Burger")
    MeetingFactory(group=housing, starts_at=ago(2), place="Réunion déjà passée")
    MeetingFactory(group=housing, starts_at=soon(90), place="Réunion trop lointaine")
    youth = WorkingGroupFactory(name="Jeunesse et emploi")
    GroupMembershipFactory(group=youth, partner=other_partner)
    MeetingFactory(group=youth, starts_at=soon(5), place="Mission Locale")
    asked = WorkingGroupFactory(name="Groupe demandé")
    GroupMembershipFactory(
        group=asked, partner=partner, status=GroupMembership.Status.PENDING, joined_on=None
    )
    MeetingFactory(group=asked, starts_at=soon(5), place="Pas encore membre")
    closed = WorkingGroupFactory(
        name="Groupe clos", status=WorkingGroup.Status.CLOSED, closed_on=timezone.localdate()
    )
    GroupMembershipFactory(group=closed, partner=partner)
    MeetingFactory(group=closed, starts_at=soon(5), place="Groupe fermé")
    WorkingGroup.objects.update(created_at=ago(400))  # not this month's decisions

    issue = send(django_capture_on_commit_callbacks)

    mine = mail_to(mailoutbox, member).body
    assert "Prochaines réunions de vos groupes de travail" in mine
    assert "Accès au logement" in mine and "Salle Jean Burger" in mine
    for hidden in [
        "Réunion déjà passée",
        "Réunion trop lointaine",
        "Jeunesse et emploi",
        "Pas encore membre",
        "Groupe fermé",
    ]:
        assert hidden not in mine
    theirs = mail_to(mailoutbox, other_member).body
    assert "Jeunesse et emploi" in theirs and "Mission Locale" in theirs
    assert "Accès au logement" not in theirs
    # Three shared news; three meetings of active groups in the window, each sent to its own.
    assert issue.items == 3 + 3
    assert issue.recipients == 2


def test_a_meeting_alone_is_sent_only_to_the_members_of_its_group(
    partner, member, other_member, mailoutbox, django_capture_on_commit_callbacks
):
    group = WorkingGroupFactory(name="Accès au logement")
    GroupMembershipFactory(group=group, partner=partner)
    meeting = MeetingFactory(
        group=group, starts_at=soon(3), place="", video_url="https://visio.exemple.fr/x"
    )
    WorkingGroup.objects.update(created_at=ago(400))  # not this month's decisions

    issue = send(django_capture_on_commit_callbacks)

    assert [mail.to for mail in mailoutbox] == [[member.email]]
    assert issue.recipients == 1
    body = mailoutbox[0].body
    assert "en visioconférence" in body
    assert meeting.get_absolute_url() in body
    assert "visio.exemple.fr" not in body  # the link stays behind the group space's login


@pytest.mark.parametrize("size", [1, 30])
def test_sending_queries_grow_only_by_the_record_of_each_recipient(
    size, django_assert_num_queries, django_capture_on_commit_callbacks, mailoutbox
):
    for _ in range(size):
        seat = GroupMembershipFactory()
        MembershipFactory(partner=seat.partner)
        MeetingFactory(group=seat.group, starts_at=soon(7))
    ActionFactory(published_at=ago(2))

    # The month's issue (none yet), the previous one, the nine lists of content(), the issue's
    # checks and insert in their transaction, the earlier months' addresses forgotten, the
    # partners to reach and their members (partners/reach.py), the recipients' accounts, their
    # groups and the addresses already served, then the count and update of the issue; for
    # each recipient, its record inside a savepoint.
    with django_assert_num_queries(27 + 3 * size):
        issue = send(django_capture_on_commit_callbacks)

    assert issue.recipients == size
    assert all("Groupe de travail" in mail.body for mail in mailoutbox)


def test_running_twice_in_a_month_sends_nothing_the_second_time(
    news, member, other_member, mailoutbox
):
    first = io.StringIO()
    call_command("send_digest", stdout=first)
    assert sorted(mail.to[0] for mail in mailoutbox) == [other_member.email, member.email]
    BulletinPostFactory(title="Publié entre les deux passages")

    second = io.StringIO()
    call_command("send_digest", stdout=second)

    assert len(mailoutbox) == 2
    assert DigestIssue.objects.get().recipients == 2
    assert "2 adresse(s)" in second.getvalue()


def test_a_run_stopped_by_the_mail_server_resumes_where_it_stopped(
    news, refusing_mail_server, mailoutbox
):
    people = [MembershipFactory().user for _ in range(3)]
    refusing_mail_server.add(people[1].email)

    with pytest.raises(CommandError, match="Relancez send_digest"):
        call_command("send_digest", stdout=io.StringIO())
    assert [mail.to for mail in mailoutbox] == [[people[0].email]]
    assert list(DigestDelivery.objects.values_list("email", flat=True)) == [people[0].email]

    refusing_mail_server.clear()  # the mail server is back
    call_command("send_digest", stdout=io.StringIO())

    assert sorted(mail.to[0] for mail in mailoutbox) == sorted(p.email for p in people)
    assert DigestIssue.objects.get().recipients == 3
