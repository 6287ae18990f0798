from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partners.markup import render_markdown, validate_markup
from partners.models.partner import PartnerKind
from partners.validators import validate_single_line


class WorkingGroupQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=WorkingGroup.Status.ACTIVE)


# Choices live outside their model (which names them as an attribute) so that its Meta's
# constraints can use their members: Meta's body does not see the model's own names.
class WorkingGroupStatus(models.TextChoices):
    ACTIVE = "active", _("Actif")
    CLOSED = "closed", _("Clos")


class WorkingGroup(models.Model):
    """A thematic working group: partners gathered around a priority theme adopted in plenary.
    The group writes its own organisation and designates its pilot among its members."""

    Status = WorkingGroupStatus

    theme = models.ForeignKey(
        "plenaries.Theme",
        verbose_name=_("thème prioritaire"),
        on_delete=models.PROTECT,
        related_name="working_groups",
    )
    name = models.CharField(
        _("nom"), max_length=200, unique=True, validators=[validate_single_line]
    )
    slug = models.SlugField(
        _("identifiant d'URL"), max_length=120, unique=True, validators=[validate_single_line]
    )
    mission = models.TextField(
        _("mission"), help_text=_("Texte en Markdown."), validators=[validate_markup]
    )
    mission_html = models.TextField(editable=False, blank=True)
    meeting_rhythm = models.TextField(_("rythme des réunions"), blank=True, max_length=2000)
    decision_making = models.TextField(_("manière de décider"), blank=True, max_length=2000)
    roles = models.TextField(_("rôles"), blank=True, max_length=2000)
    status = models.CharField(_("statut"), max_length=10, choices=Status, default=Status.ACTIVE)
    closed_on = models.DateField(_("clos le"), null=True, blank=True)
    created_at_plenary = models.ForeignKey(
        "plenaries.Plenary",
        verbose_name=_("créé lors de la plénière"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="working_groups",
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    objects = WorkingGroupQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("groupe de travail")
        verbose_name_plural = _("groupes de travail")
        permissions = [
            ("close_group", _("Peut clore un groupe de travail")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=WorkingGroupStatus.values), name="workinggroup_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status=WorkingGroupStatus.ACTIVE, closed_on__isnull=True)
                | Q(status=WorkingGroupStatus.CLOSED, closed_on__isnull=False),
                name="workinggroup_closed_has_date",
                violation_error_message=_(
                    "Un groupe clos a une date de clôture, et seulement lui."
                ),
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.mission_html = render_markdown(self.mission)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "mission_html"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("workgroups:detail", kwargs={"slug": self.slug})

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def has_organisation(self) -> bool:
        return bool(self.meeting_rhythm or self.decision_making or self.roles)


class GroupMembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=GroupMembership.Status.ACTIVE)

    def pending(self):
        return self.filter(status=GroupMembership.Status.PENDING)

    def voting(self):
        """Seats that vote and may stand for pilot: members, never an institutional partner,
        whatever its seat says (a partner whose type changed after it joined, say)."""
        return self.filter(role=GroupMembership.Role.MEMBER).exclude(
            partner__kind=PartnerKind.INSTITUTIONAL
        )


class GroupMembershipRole(models.TextChoices):
    MEMBER = "member", _("Membre")
    EXPERT = "expert", _("Expert")


class GroupMembershipStatus(models.TextChoices):
    PENDING = "pending", _("Demande en attente")
    ACTIVE = "active", _("Dans le groupe")
    REFUSED = "refused", _("Demande refusée")
    LEFT = "left", _("A quitté le groupe")


class GroupMembership(models.Model):
    """A partner's seat in a group: associative partners are members (they vote for the
    pilot), institutional partners sit as experts with their specialty. Leaving keeps the row,
    with its date, so the group's history stays whole."""

    Role = GroupMembershipRole
    Status = GroupMembershipStatus

    group = models.ForeignKey(
        WorkingGroup,
        verbose_name=_("groupe"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    partner = models.ForeignKey(
        "partners.Partner",
        verbose_name=_("partenaire"),
        on_delete=models.CASCADE,
        related_name="group_memberships",
    )
    role = models.CharField(_("rôle"), max_length=10, choices=Role, default=Role.MEMBER)
    specialty = models.CharField(
        _("spécialité"),
        max_length=200,
        blank=True,
        help_text=_("Pour un expert institutionnel : le domaine où il apporte son expertise."),
        validators=[validate_single_line],
    )
    status = models.CharField(_("statut"), max_length=10, choices=Status, default=Status.PENDING)
    motivation = models.TextField(_("motivation"), blank=True, max_length=2000)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("demandée par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("demandée le"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("décidée par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("décidée le"), null=True, blank=True)
    joined_on = models.DateField(_("entré le"), null=True, blank=True)
    left_on = models.DateField(_("parti le"), null=True, blank=True)
    leave_reason = models.CharField(
        _("motif du départ"), max_length=300, blank=True, validators=[validate_single_line]
    )

    objects = GroupMembershipQuerySet.as_manager()

    class Meta:
        ordering = ["group", "partner__name"]
        verbose_name = _("partenaire d'un groupe")
        verbose_name_plural = _("partenaires des groupes")
        permissions = [
            (
                "decide_join_request",
                _("Peut accepter ou refuser les demandes pour rejoindre un groupe"),
            ),
            ("export_group_members", _("Peut exporter les membres des groupes de travail (CSV)")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "partner"],
                condition=Q(
                    status__in=[GroupMembershipStatus.PENDING, GroupMembershipStatus.ACTIVE]
                ),
                name="groupmembership_one_current_seat",
                violation_error_message=_(
                    "Ce partenaire est déjà dans ce groupe ou y a une demande en attente."
                ),
            ),
            models.CheckConstraint(
                condition=Q(role__in=GroupMembershipRole.values), name="groupmembership_role_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=GroupMembershipStatus.values),
                name="groupmembership_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(role=GroupMembershipRole.MEMBER) | ~Q(specialty=""),
                name="groupmembership_expert_has_specialty",
                violation_error_message=_("Un expert siège avec sa spécialité : indiquez-la."),
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[GroupMembershipStatus.ACTIVE, GroupMembershipStatus.LEFT])
                | Q(joined_on__isnull=False),
                name="groupmembership_joined_has_date",
            ),
            models.CheckConstraint(
                condition=Q(status=GroupMembershipStatus.LEFT, left_on__isnull=False)
                | (~Q(status=GroupMembershipStatus.LEFT) & Q(left_on__isnull=True)),
                name="groupmembership_left_has_date",
                violation_error_message=_("Un départ est enregistré avec sa date."),
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=F("joined_on")),
                name="groupmembership_left_after_joined",
                violation_error_message=_(
                    "La date de départ ne peut pas précéder la date d'entrée."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.partner} — {self.group}"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    def clean(self):
        # Not a database constraint: it spans two tables. Every screen saves through a form or
        # a service, both of which run this; voting also checks the partner (voting()).
        if (
            self.partner_id
            and self.role == GroupMembershipRole.MEMBER
            and self.partner.kind == PartnerKind.INSTITUTIONAL
        ):
            raise ValidationError(
                {
                    "role": _(
                        "Un partenaire institutionnel siège comme expert, jamais comme membre "
                        "votant : choisissez le rôle « Expert » et indiquez sa spécialité."
                    )
                }
            )


class Representative(models.Model):
    """A user of a member partner who sits in the group for it: votes its ballot and may stand
    for pilot. Tied to the user's seat in the partner, so leaving the partner ends it."""

    seat = models.ForeignKey(
        GroupMembership,
        verbose_name=_("siège"),
        on_delete=models.CASCADE,
        related_name="representatives",
    )
    membership = models.ForeignKey(
        "partners.Membership",
        verbose_name=_("membre du partenaire"),
        on_delete=models.CASCADE,
        related_name="group_representations",
    )
    named_at = models.DateTimeField(_("nommé le"), default=timezone.now)

    class Meta:
        ordering = ["seat", "membership__user__last_name", "membership__user__first_name"]
        verbose_name = _("représentant")
        verbose_name_plural = _("représentants")
        constraints = [
            models.UniqueConstraint(
                fields=["seat", "membership"],
                name="representative_unique",
                violation_error_message=_("Cette personne représente déjà ce partenaire."),
            ),
        ]

    def __str__(self):
        user = self.membership.user
        return user.get_full_name() or user.email

    def clean(self):
        if (
            self.seat_id
            and self.membership_id
            and self.membership.partner_id != self.seat.partner_id
        ):
            raise ValidationError(
                _("Un représentant est choisi parmi les membres du partenaire qu'il représente.")
            )
