"""Who receives the network's mail for a set of partners, and how each partner is reached.

The CCAS writes to partners, not to the people who happen to have an account: a partner's
recipients are its correspondent for the network (or, when it has none, the public address of
its page) and its members. One message goes to each address, whatever the number of partners
it receives for (a person who is the correspondent of two partners reads one message naming
both), and a partner that no address reaches is said so, to be written to by post: never
skipped in silence.

Convocations and the directory-freshness confirmation are the network's official mail and go
to everyone; the monthly digest is a newsletter, which members refuse in their preferences and
correspondents with the link of a digest: its caller passes who has refused
(`unsubscribed`), since this app knows nothing of the preferences kept above it.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Q

from partners.emails import normalize_email
from partners.models import Membership, Partner


class Channel:
    EMAIL = "email"
    LETTER = "letter"


@dataclass
class PartnerReach:
    """How one partner is reached: its addresses (empty: by letter)."""

    partner: Partner
    addresses: list[str] = field(default_factory=list)
    # The address of the correspondent (or of the page, when there is no correspondent), which
    # has no account behind it.
    correspondent: str = ""

    @property
    def channel(self) -> str:
        return Channel.EMAIL if self.addresses else Channel.LETTER


@dataclass
class Message:
    """One email: its address, the partners it is sent for, and whether it goes to someone
    without an account (a correspondent or a page's public address)."""

    address: str
    partners: list[Partner]
    user_id: int | None = None

    @property
    def is_correspondent(self) -> bool:
        return self.user_id is None

    @property
    def partner_names(self) -> str:
        return ", ".join(partner.name for partner in self.partners)


@dataclass
class Reach:
    partners: list[PartnerReach]
    # {address: account id} for the addresses that are a member's account. An address that is
    # both a member's and a correspondent's gets the member's mail: it has an account to manage
    # its preferences with.
    user_ids: dict[str, int] = field(default_factory=dict)

    @property
    def by_email(self) -> list[PartnerReach]:
        return [row for row in self.partners if row.channel == Channel.EMAIL]

    @property
    def by_letter(self) -> list[PartnerReach]:
        return [row for row in self.partners if row.channel == Channel.LETTER]

    def messages(self) -> list[Message]:
        """One message per address, naming every partner it is sent for, by address."""
        messages: dict[str, Message] = {}
        for row in self.partners:
            for address in row.addresses:
                message = messages.setdefault(address, Message(address=address, partners=[]))
                if row.partner not in message.partners:
                    message.partners.append(row.partner)
        for message in messages.values():
            message.user_id = self.user_ids.get(message.address)
        return [messages[address] for address in sorted(messages)]

    @property
    def addresses(self) -> list[str]:
        return sorted({address for row in self.partners for address in row.addresses})


def _clean(address: str) -> str:
    """The address in its one written form, or "" when it has none (an old public address
    typed before addresses were checked): such an address is not one to write to."""
    if not address:
        return ""
    try:
        return normalize_email(address)
    except ValidationError:
        return ""


def partner_contact(partner: Partner, *, newsletter: bool = False) -> str:
    """The address without an account that speaks for the partner: its correspondent's, or
    when it has none, its page's public address. A newsletter goes to a correspondent who has
    not refused it, never to a page's public address (nobody there chose to receive it)."""
    if newsletter:
        return _clean(partner.correspondent_email) if partner.correspondent_receives_digest else ""
    return _clean(partner.correspondent_email or partner.email)


def reach(partners: Iterable[Partner], *, unsubscribed: Q | None = None) -> Reach:
    """The recipients of a message to `partners` (in their order): each one's correspondent and
    active members, in two queries whatever their number.

    `unsubscribed`, for a newsletter: the memberships (a condition on Membership) whose person
    refused it; correspondents who refused it are left out too."""
    partners = list(partners)
    newsletter = unsubscribed is not None
    seats = (
        Membership.objects.filter(partner__in=partners, user__is_active=True)
        .exclude(user__email="")
        .values_list("partner_id", "user_id", "user__email")
        .order_by("user__email")
    )
    if newsletter:
        seats = seats.exclude(unsubscribed)
    members: dict[int, list[str]] = {}
    user_ids: dict[str, int] = {}
    for partner_id, user_id, email in seats:
        members.setdefault(partner_id, []).append(email)
        user_ids[email] = user_id
    rows = []
    for partner in partners:
        contact = partner_contact(partner, newsletter=newsletter)
        addresses = [contact] if contact else []
        addresses += [email for email in members.get(partner.pk, []) if email not in addresses]
        rows.append(PartnerReach(partner=partner, addresses=addresses, correspondent=contact))
    return Reach(partners=rows, user_ids=user_ids)


def network_reach(**kwargs) -> Reach:
    """Every partner to reach (the active ones but the CCAS), by name."""
    return reach(Partner.objects.to_reach().order_by("name"), **kwargs)
