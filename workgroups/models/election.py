"""Pilots and their election.

Ballot secrecy: `Participation` says which partner voted (and who cast its ballot), `Ballot`
says what was chosen. Nothing links them: a ballot has no voter, no partner, no timestamp, and a
random primary key, so neither its fields nor its order can be matched to a participation
(which has no timestamp and a random key either) by anything the portal shows. What remains is
below the application: the transaction id and physical order of the rows in the database,
visible to anyone who can query it directly (see services.ballot_cast for what that means).
"""

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partners.validators import validate_single_line

from .group import WorkingGroup

# How long a pilot serves, chosen when the election is opened (or the designation recorded).
DEFAULT_TERM_YEARS = 2
TERM_YEARS_CHOICES = [(1, _("1 an")), (2, _("2 ans")), (3, _("3 ans"))]
# The pilot and the CCAS are told this many days before a mandate ends.
TERM_END_NOTICE_DAYS = 60


def term_end(started_on: datetime.date, years: int) -> datetime.date:
    """The day a mandate of `years` years begun on `started_on` ends (29 February: the 28th)."""
    try:
        return started_on.replace(year=started_on.year + years)
    except ValueError:
        return started_on.replace(year=started_on.year + years, day=28)


class PilotTermQuerySet(models.QuerySet):
    def current(self, on=None):
        on = on or timezone.localdate()
        return self.filter(Q(ended_on__isnull=True) | Q(ended_on__gt=on), started_on__lte=on)

    def ending_soon(self, on=None):
        """Current mandates that end within TERM_END_NOTICE_DAYS days."""
        on = on or timezone.localdate()
        return self.current(on).filter(
            ended_on__lte=on + datetime.timedelta(days=TERM_END_NOTICE_DAYS)
        )

    def without_successor(self):
        """Mandates after which no other pilot is recorded yet (elected ahead, designated)."""
        successors = PilotTerm.objects.filter(
            group=OuterRef("group"), started_on__gte=OuterRef("ended_on")
        ).exclude(pk=OuterRef("pk"))
        return self.exclude(Exists(successors))


# Choices live outside their model (which names them as an attribute) so that its Meta's
# constraints can use their members: Meta's body does not see the model's own names.
class PilotTermSource(models.TextChoices):
    ELECTION = "election", _("élu dans le portail")
    MEETING = "meeting", _("désigné en réunion")


class PilotTerm(models.Model):
    """A pilot of a group from a date: elected in the portal or designated at a meeting. Kept
    after it ends: the history of the group's pilots."""

    Source = PilotTermSource

    group = models.ForeignKey(
        WorkingGroup, verbose_name=_("groupe"), on_delete=models.CASCADE, related_name="pilot_terms"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pilote"),
        on_delete=models.PROTECT,
        related_name="pilot_terms",
    )
    partner = models.ForeignKey(
        "partners.Partner",
        verbose_name=_("pour le partenaire"),
        on_delete=models.PROTECT,
        related_name="pilot_terms",
    )
    started_on = models.DateField(_("pilote depuis le"))
    # The end of the mandate (set from the duration when elected or designated), or the day it
    # stopped early: a successor, the partner leaving the group. On that day the pilot lapses.
    ended_on = models.DateField(_("fin du mandat le"), null=True, blank=True)
    source = models.CharField(_("désignation"), max_length=10, choices=Source)
    election = models.OneToOneField(
        "Election",
        verbose_name=_("élection"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pilot_term",
    )
    minutes_reference = models.CharField(
        _("référence du compte rendu"),
        max_length=300,
        blank=True,
        help_text=_("Pour un pilote désigné en réunion : le compte rendu qui en fait foi."),
        validators=[validate_single_line],
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("enregistré par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("enregistré le"), default=timezone.now)
    end_reminder_sent_on = models.DateField(
        _("fin du mandat rappelée le"), null=True, blank=True, editable=False
    )

    objects = PilotTermQuerySet.as_manager()

    class Meta:
        ordering = ["group", "-started_on", "-pk"]
        verbose_name = _("mandat de pilote")
        verbose_name_plural = _("mandats de pilote")
        constraints = [
            models.UniqueConstraint(
                fields=["group"],
                condition=Q(ended_on__isnull=True),
                name="pilotterm_one_open_term_per_group",
                violation_error_message=_("Le groupe a déjà un pilote dont le mandat court."),
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="pilotterm_ends_after_start",
                violation_error_message=_("Un mandat ne peut pas finir avant d'avoir commencé."),
            ),
            models.CheckConstraint(
                condition=Q(source=PilotTermSource.ELECTION, election__isnull=False)
                | Q(source=PilotTermSource.MEETING, election__isnull=True)
                & ~Q(minutes_reference=""),
                name="pilotterm_source_is_documented",
                violation_error_message=_(
                    "Un pilote désigné en réunion est enregistré avec la référence du compte rendu."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.user.get_full_name() or self.user.email} — {self.group}"

    @property
    def pilot_name(self) -> str:
        return self.user.get_full_name() or self.user.email


class ElectionQuerySet(models.QuerySet):
    def running(self):
        return self.filter(closed_at__isnull=True)

    def open_now(self):
        now = timezone.now()
        return self.running().filter(opens_at__lte=now, closes_at__gt=now)


class ElectionTieRule(models.TextChoices):
    SENIORITY = "seniority", _("ancienneté du partenaire dans le groupe, puis tirage au sort")
    LOT = "lot", _("tirage au sort")


class Election(models.Model):
    """The election of a group's pilot: one ballot per member partner, during a window, under
    a tie rule stated at opening. Once closed it is frozen."""

    TieRule = ElectionTieRule

    group = models.ForeignKey(
        WorkingGroup, verbose_name=_("groupe"), on_delete=models.CASCADE, related_name="elections"
    )
    opens_at = models.DateTimeField(_("ouverture du vote"))
    closes_at = models.DateTimeField(_("fermeture du vote"))
    term_starts_on = models.DateField(
        _("prise de fonctions"), help_text=_("La personne élue devient pilote à cette date.")
    )
    tie_rule = models.CharField(
        _("en cas d'égalité"), max_length=10, choices=TieRule, default=TieRule.SENIORITY
    )
    term_years = models.PositiveSmallIntegerField(
        _("durée du mandat"),
        choices=TERM_YEARS_CHOICES,
        default=DEFAULT_TERM_YEARS,
        help_text=_("Le mandat de la personne élue prend fin au bout de cette durée."),
    )
    # Commit and reveal: the digest is shown from the opening, the seed only with the results,
    # so anyone can check that the draw was not chosen after the count.
    tie_seed = models.CharField(max_length=64, editable=False, validators=[validate_single_line])
    tie_seed_digest = models.CharField(
        max_length=64, editable=False, validators=[validate_single_line]
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ouverte par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    opened_at = models.DateTimeField(_("ouverte le"), default=timezone.now)
    closed_at = models.DateTimeField(_("close le"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("close par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    winner = models.ForeignKey(
        "Candidate",
        verbose_name=_("élu(e)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    tie_broken = models.BooleanField(_("égalité départagée"), default=False)
    blank_count = models.PositiveIntegerField(_("votes blancs"), null=True, blank=True)
    participation_count = models.PositiveIntegerField(
        _("partenaires votants"), null=True, blank=True
    )

    objects = ElectionQuerySet.as_manager()

    class Meta:
        ordering = ["group", "-opens_at"]
        verbose_name = _("élection du pilote")
        verbose_name_plural = _("élections des pilotes")
        permissions = [
            ("close_election", _("Peut clôturer une élection et publier ses résultats")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")),
                name="election_window_valid",
                violation_error_message=_("Le vote doit fermer après son ouverture."),
            ),
            models.UniqueConstraint(
                fields=["group"],
                condition=Q(closed_at__isnull=True),
                name="election_one_running_per_group",
                violation_error_message=_("Une élection est déjà en cours dans ce groupe."),
            ),
            models.CheckConstraint(
                condition=Q(tie_rule__in=ElectionTieRule.values), name="election_tie_rule_valid"
            ),
            models.CheckConstraint(
                condition=Q(term_years__gte=1, term_years__lte=3),
                name="election_term_years_valid",
            ),
        ]

    def __str__(self):
        return f"{self.group} — {timezone.localtime(self.opens_at):%d/%m/%Y}"

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    @property
    def is_open(self) -> bool:
        return not self.is_closed and self.opens_at <= timezone.now() < self.closes_at

    @property
    def not_yet_open(self) -> bool:
        return not self.is_closed and timezone.now() < self.opens_at


class Candidate(models.Model):
    """A representative of a member partner standing for pilot."""

    election = models.ForeignKey(
        Election, verbose_name=_("élection"), on_delete=models.CASCADE, related_name="candidates"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("candidat"),
        on_delete=models.PROTECT,
        related_name="candidacies",
    )
    partner = models.ForeignKey(
        "partners.Partner",
        verbose_name=_("pour le partenaire"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    statement = models.TextField(_("profession de foi"), blank=True, max_length=2000)
    # Filled when the election closes, never before: counts are published at the close.
    vote_count = models.PositiveIntegerField(_("voix"), null=True, blank=True)

    class Meta:
        ordering = ["election", "pk"]
        verbose_name = _("candidat")
        verbose_name_plural = _("candidats")
        constraints = [
            models.UniqueConstraint(
                fields=["election", "user"],
                name="candidate_once_per_election",
                violation_error_message=_("Cette personne est déjà candidate."),
            ),
        ]

    def __str__(self):
        name = self.user.get_full_name() or self.user.email
        return f"{name} ({self.partner.name})"


class Participation(models.Model):
    """That a partner voted, and who cast its ballot: never what it chose. No timestamp and a
    random key, like the ballot, so the order of participations cannot be matched either."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    election = models.ForeignKey(
        Election,
        verbose_name=_("élection"),
        on_delete=models.CASCADE,
        related_name="participations",
    )
    partner = models.ForeignKey(
        "partners.Partner",
        verbose_name=_("partenaire"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    cast_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("bulletin déposé par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["election", "partner__name"]
        verbose_name = _("participation au vote")
        verbose_name_plural = _("participations au vote")
        constraints = [
            models.UniqueConstraint(
                fields=["election", "partner"],
                name="participation_one_ballot_per_partner",
                violation_error_message=_("Ce partenaire a déjà voté à cette élection."),
            ),
        ]

    def __str__(self):
        return f"{self.partner} — {self.election}"


class Ballot(models.Model):
    """What was chosen, and nothing else (see the module docstring). An empty candidate is a
    blank vote."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    election = models.ForeignKey(
        Election, verbose_name=_("élection"), on_delete=models.CASCADE, related_name="ballots"
    )
    candidate = models.ForeignKey(
        Candidate,
        verbose_name=_("choix"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ballots",
    )

    class Meta:
        ordering = ["id"]  # random: says nothing of the order of voting
        verbose_name = _("bulletin")
        verbose_name_plural = _("bulletins")

    def __str__(self):
        return str(_("Bulletin"))
