from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partners.emails import normalize_email
from partners.validators import validate_single_line


class UserManager(BaseUserManager):
    """Accounts are made with their address in its one written form (partners/emails.py), so
    that logging in, inviting and resetting a password find them by exact comparison.

    get_by_natural_key (the login and loaddata's lookup) stays BaseUserManager's exact one: the
    login form has already put the typed address in its written form."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        user = self.model(email=normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    create_user.alters_data = True

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        if extra_fields["is_staff"] is not True or extra_fields["is_superuser"] is not True:
            raise ValueError("A superuser has is_staff=True and is_superuser=True.")
        return self._create_user(email, password, **extra_fields)

    create_superuser.alters_data = True


class User(AbstractBaseUser, PermissionsMixin):
    """An account: a person who logs in with their email address (a member of partners, a
    group pilot, a CCAS agent)."""

    # unique=True is what Django's auth check (auth.E003) asks of the USERNAME_FIELD (and it
    # names an exact duplicate on the field in full_clean()). The constraint on Lower("email")
    # is the guarantee: two spellings of one address differing only by case are one account,
    # whatever wrote them (a bulk_create, a raw query, an old form).
    email = models.EmailField(
        _("adresse électronique"),
        unique=True,
        validators=[validate_single_line],
        error_messages={"unique": _("Un compte existe déjà avec cette adresse électronique.")},
    )
    first_name = models.CharField(
        _("prénom"), max_length=150, blank=True, validators=[validate_single_line]
    )
    last_name = models.CharField(
        _("nom"), max_length=150, blank=True, validators=[validate_single_line]
    )
    is_staff = models.BooleanField(
        _("équipe du CCAS"),
        default=False,
        help_text=_("Peut se connecter au back-office."),
    )
    is_active = models.BooleanField(
        _("actif"),
        default=True,
        help_text=_(
            "Décochez plutôt que de supprimer le compte : la personne ne peut plus se connecter."
        ),
    )
    date_joined = models.DateTimeField(_("date d'inscription"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("compte")
        verbose_name_plural = _("comptes")
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="user_email_unique_case_insensitive",
                violation_error_message=_("Un compte existe déjà avec cette adresse électronique."),
            ),
        ]
        # A person's data requests under the RGPD act on their account and on everything tied
        # to it across the apps (utopia/rgpd.py).
        permissions = [
            ("rgpd_export", _("Peut exporter les données personnelles d'une personne (RGPD)")),
            ("rgpd_erase", _("Peut effacer les données personnelles d'une personne (RGPD)")),
        ]

    def clean(self):
        # In place of AbstractBaseUser.clean()'s Unicode NFKC, which IDNA's nameprep includes.
        if not self.email:
            return
        try:
            email = normalize_email(self.email)
            if email != self.email:
                # The field validated the address as typed; its written form must pass too
                # (IDNA turns "⒈" into "1.").
                self._meta.get_field("email").run_validators(email)
        except ValidationError as error:
            raise ValidationError({"email": error}) from None
        self.email = email

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name
