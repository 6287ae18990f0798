from django.contrib.postgres.search import SearchQuery, SearchVector, TrigramWordSimilarity
from django.core.exceptions import ValidationError
from django.db import connections, models
from django.db.models import Case, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partners import search
from partners.collation import COLLATION
from partners.emails import normalize_email
from partners.markup import render_markdown, validate_markup
from partners.uploads import random_upload_path
from partners.validators import phone_validator, validate_single_line, validate_siren

from .taxonomy import FieldOfAction, Neighbourhood


class PartnerQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def to_reach(self):
        """The partners the network's mail goes to: every active one but the CCAS, which
        sends it."""
        return self.active().exclude(kind=PartnerKind.COORDINATOR)

    def search(self, query: str):
        """Accent- and case-insensitive search on the name, acronym, presentation, public served
        and fields of action: every word must appear (on PostgreSQL, also its French stem:
        "associations" finds "association"). Partners whose name holds the words come first."""
        words = search.terms(query)
        if not words:
            return self
        condition = Q()
        for word in words:
            condition &= Q(search_text__contains=word)
        queryset = self
        if connections[self.db].vendor == "postgresql":
            text_query = SearchQuery(" ".join(words), config="french", search_type="plain")
            queryset = queryset.annotate(
                search_document=SearchVector("search_text", config="french")
            )
            condition |= Q(search_document=text_query)
        name_matches = [
            Case(When(search_names__contains=word, then=Value(1)), default=Value(0))
            for word in words
        ]
        return (
            queryset.filter(condition)
            .annotate(search_rank=sum(name_matches[1:], start=name_matches[0]))
            .order_by("-search_rank", *self.model._meta.ordering)
        )

    def similar(self, query: str, *, suggestion: bool = False):
        """Partners whose name or acronym is close to a misspelt query ("emergnce"), the closest
        first: trigram similarity on PostgreSQL (pg_trgm), difflib on the normalised names of
        the queryset's rows elsewhere. `suggestion` lowers the bar, for "did you mean"."""
        text = search.normalize(query)[:100]
        if not text:
            return self.none()
        if connections[self.db].vendor == "postgresql":
            threshold = (
                search.TRIGRAM_SUGGESTION_SIMILARITY if suggestion else search.TRIGRAM_SIMILARITY
            )
            return (
                self.annotate(similarity=TrigramWordSimilarity(text, "search_names"))
                .filter(similarity__gte=threshold)
                .order_by("-similarity", *self.model._meta.ordering)
            )
        threshold = search.SUGGESTION_SIMILARITY if suggestion else search.MATCH_SIMILARITY
        scores = {
            pk: search.similarity(text, names)
            for pk, names in self.values_list("pk", "search_names")
        }
        close = sorted(
            (pk for pk, score in scores.items() if score >= threshold), key=lambda pk: -scores[pk]
        )
        if not close:
            return self.none()
        closeness = Case(*[When(pk=pk, then=Value(rank)) for rank, pk in enumerate(close)])
        return self.filter(pk__in=close).annotate(closeness=closeness).order_by("closeness")

    def refresh_search_text(self) -> None:
        """Rewrite the search documents of these partners from their current fields of action
        (after the fields of action of a partner change, or one of them is renamed)."""
        partners = list(self.prefetch_related("fields_of_action"))
        for partner in partners:
            partner.set_search_text(
                [field_of_action.name for field_of_action in partner.fields_of_action.all()]
            )
        self.model.objects.bulk_update(partners, ["search_names", "search_text"], batch_size=500)

    def confirmation_overdue(self, *, days: int = 365):
        limit = timezone.now() - timezone.timedelta(days=days)
        return self.filter(Q(last_confirmed_at__isnull=True) | Q(last_confirmed_at__lt=limit))

    def confirmation_due(self, *, now=None):
        """Active partners to ask, once a year, whether their page is still accurate: not
        confirmed for eleven months (the question comes before the page is a year old), and
        not already asked in that time."""
        now = now or timezone.now()
        limit = now - timezone.timedelta(days=335)
        return self.filter(
            Q(last_confirmed_at__isnull=True) | Q(last_confirmed_at__lt=limit),
            Q(confirmation_requested_at__isnull=True) | Q(confirmation_requested_at__lt=limit),
            is_active=True,
        )


# Choices live outside their model (which names them as an attribute) so that its Meta's
# constraints can use their members: Meta's body does not see the model's own names.
class PartnerKind(models.TextChoices):
    ASSOCIATIVE = "associative", _("Partenaire associatif")
    INSTITUTIONAL = "institutional", _("Partenaire institutionnel")
    COORDINATOR = "coordinator", _("Coordinateur (CCAS)")


class Partner(models.Model):
    """A member of the UTOPIA network: an association, an institution, or the CCAS itself."""

    Kind = PartnerKind

    kind = models.CharField(_("type"), max_length=20, choices=Kind, default=Kind.ASSOCIATIVE)
    name = models.CharField(
        _("nom"),
        max_length=200,
        unique=True,
        validators=[validate_single_line],
        db_collation=COLLATION,
    )
    acronym = models.CharField(
        _("sigle"), max_length=30, blank=True, validators=[validate_single_line]
    )
    slug = models.SlugField(
        _("identifiant d'URL"), max_length=120, unique=True, validators=[validate_single_line]
    )
    logo = models.ImageField(
        _("logo"),
        upload_to=random_upload_path("partners/logos"),
        blank=True,
        width_field="logo_width",
        height_field="logo_height",
    )
    logo_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    logo_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    logo_alt = models.CharField(
        _("texte alternatif du logo"),
        max_length=200,
        blank=True,
        help_text=_("Ce que le logo montre ou dit, pour les personnes qui ne le voient pas."),
        validators=[validate_single_line],
    )
    summary = models.CharField(
        _("présentation courte"),
        max_length=300,
        blank=True,
        help_text=_("Une ou deux phrases, affichées dans l'annuaire."),
        validators=[validate_single_line],
    )
    description = models.TextField(
        _("description"),
        blank=True,
        help_text=_("Texte en Markdown : **gras**, *italique*, listes, liens."),
        validators=[validate_markup],
    )
    description_html = models.TextField(editable=False, blank=True)
    fields_of_action = models.ManyToManyField(
        FieldOfAction, verbose_name=_("domaines d'action"), blank=True, related_name="partners"
    )
    public_served = models.CharField(
        _("public accueilli"), max_length=300, blank=True, validators=[validate_single_line]
    )
    access_conditions = models.TextField(_("conditions d'accès"), blank=True)
    opening_hours = models.TextField(_("horaires d'ouverture"), blank=True)
    address = models.CharField(
        _("adresse"), max_length=200, blank=True, validators=[validate_single_line]
    )
    postal_code = models.CharField(
        _("code postal"), max_length=10, blank=True, validators=[validate_single_line]
    )
    city = models.CharField(
        _("commune"),
        max_length=100,
        blank=True,
        default="Thionville",
        validators=[validate_single_line],
    )
    neighbourhood = models.ForeignKey(
        Neighbourhood,
        verbose_name=_("quartier"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="partners",
    )
    phone = models.CharField(
        _("téléphone"),
        max_length=20,
        blank=True,
        validators=[phone_validator, validate_single_line],
    )
    email = models.EmailField(
        _("adresse électronique"), blank=True, validators=[validate_single_line]
    )
    website = models.URLField(_("site internet"), blank=True, validators=[validate_single_line])
    register_number = models.CharField(
        _("inscription au registre des associations"),
        max_length=100,
        blank=True,
        help_text=_(
            "En Moselle : tribunal judiciaire, volume et folio (droit local). "
            "Aucun numéro RNA n'est demandé."
        ),
        validators=[validate_single_line],
    )
    siren = models.CharField(
        _("SIREN"), max_length=9, blank=True, validators=[validate_siren, validate_single_line]
    )
    # The network's own contact, distinct from the public one above: who receives the
    # convocations and the network's mail for the partner, account or not. Its data is kept
    # only while that person is the correspondent: the audit history never copies it (see
    # partners/models/__init__.py) and a new address forgets the old one's digest refusal.
    correspondent_name = models.CharField(
        _("correspondant pour le réseau"),
        max_length=150,
        blank=True,
        help_text=_("Prénom et nom de la personne qui reçoit le courrier du réseau UTOPIA."),
        validators=[validate_single_line],
    )
    correspondent_email = models.EmailField(
        _("adresse électronique du correspondant"),
        blank=True,
        help_text=_(
            "Vide : les convocations vont à l'adresse publique de la fiche, ou par courrier."
        ),
        validators=[validate_single_line],
    )
    correspondent_address = models.TextField(
        _("adresse postale du correspondant"),
        blank=True,
        max_length=300,
        help_text=_("Pour les lettres de convocation. Vide : l'adresse de la fiche."),
    )
    # The correspondent's address when they unsubscribed from the monthly digest (with the
    # link of a digest: they have no account, hence no preferences page).
    correspondent_digest_refused = models.EmailField(blank=True, editable=False)
    is_active = models.BooleanField(_("actif"), default=True)
    is_trusted = models.BooleanField(
        _("partenaire de confiance"),
        default=False,
        help_text=_("Ses actions publiées restent publiées quand il les modifie."),
    )
    is_demo = models.BooleanField(_("donnée de démonstration"), default=False, editable=False)
    last_confirmed_at = models.DateTimeField(_("fiche confirmée le"), null=True, blank=True)
    confirmation_requested_at = models.DateTimeField(
        _("confirmation demandée le"), null=True, blank=True, editable=False
    )
    search_names = models.TextField(editable=False, blank=True)
    search_text = models.TextField(editable=False, blank=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    objects = PartnerQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("partenaire")
        verbose_name_plural = _("partenaires")
        permissions = [
            ("export_partners", _("Peut exporter l'annuaire des partenaires (CSV)")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["kind"],
                condition=Q(kind=PartnerKind.COORDINATOR),
                name="partner_single_coordinator",
                violation_error_message=_("Le réseau n'a qu'un coordinateur : le CCAS."),
            ),
            models.CheckConstraint(
                condition=Q(siren="") | Q(siren__regex=r"^[0-9]{9}$"),
                name="partner_siren_nine_digits",
                violation_error_message=_("Un numéro SIREN compte exactement 9 chiffres."),
            ),
            models.CheckConstraint(
                condition=Q(logo="") | ~Q(logo_alt=""),
                name="partner_logo_has_alt",
                violation_error_message=_("Un logo doit avoir un texte alternatif."),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=PartnerKind.values),
                name="partner_kind_valid",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.siren = self.siren.replace(" ", "")
        if self.correspondent_digest_refused != self.correspondent_email:
            # A new correspondent chooses for themselves; the former one's address goes.
            self.correspondent_digest_refused = ""
        self.description_html = render_markdown(self.description)
        # A new partner has no fields of action yet: they are added to its search text when
        # they are set (partners.receivers.refresh_partner_search_text).
        self.set_search_text(
            list(self.fields_of_action.values_list("name", flat=True)) if self.pk else []
        )
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {
                *update_fields,
                "description_html",
                "search_names",
                "search_text",
                "correspondent_digest_refused",
            }
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("partners:detail", kwargs={"slug": self.slug})

    def set_search_text(self, fields_of_action: list[str]) -> None:
        """The normalised text that the directory's search reads: the names alone (for ranking
        and misspellings) and the whole document."""
        self.search_names = search.normalize(f"{self.name} {self.acronym}")
        self.search_text = search.normalize(
            " ".join(
                [
                    self.name,
                    self.acronym,
                    self.summary,
                    self.public_served,
                    *fields_of_action,
                    self.description,
                ]
            )
        )

    def clean(self):
        super().clean()
        if self.correspondent_email:
            try:
                self.correspondent_email = normalize_email(self.correspondent_email)
            except ValidationError as error:
                raise ValidationError({"correspondent_email": error.messages}) from None

    @property
    def display_name(self):
        if self.acronym and self.acronym.lower() not in self.name.lower():
            return f"{self.name} ({self.acronym})"
        return self.name

    @property
    def is_confirmation_overdue(self) -> bool:
        if self.last_confirmed_at is None:
            return True
        return self.last_confirmed_at < timezone.now() - timezone.timedelta(days=365)

    @property
    def correspondent_receives_digest(self) -> bool:
        return bool(self.correspondent_email) and (
            self.correspondent_digest_refused != self.correspondent_email
        )

    @property
    def postal_lines(self) -> list[str]:
        """Where a letter to the partner goes: its correspondent's postal address, or the
        address of its page."""
        if self.correspondent_address.strip():
            lines = self.correspondent_address.splitlines()
        else:
            lines = [self.address, " ".join(p for p in (self.postal_code, self.city) if p)]
        return [line.strip() for line in lines if line.strip()]
