from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.utils import timezone

from partners.emails import normalize_email
from partners.history import CommandWithoutUser
from utopia import two_factor
from utopia.models import StaffEnrolment


class Command(CommandWithoutUser):
    help = (
        "Affiche un lien de configuration de la double authentification (à usage unique) pour "
        "le compte d'agent donné : pour le premier administrateur, que personne ne peut encore "
        "inviter depuis le back-office. L'accès au serveur tient lieu de preuve."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="adresse du compte d'agent du CCAS")

    def handle(self, *args, email, **options):
        # Exact, in the addresses' one written form: a case-insensitive match in PostgreSQL
        # would also find a look-alike address (partners/emails.py).
        try:
            email = normalize_email(email)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        accounts = list(get_user_model().objects.filter(email=email)[:2])
        if len(accounts) != 1:
            raise CommandError(
                f"Aucun compte n'a l'adresse {email}."
                if not accounts
                else f"Plusieurs comptes ont l'adresse {email} : corrigez-les d'abord."
            )
        user = accounts[0]
        try:
            enrolment, link = two_factor.staff_enrolment_create(
                user=user, by=None, channel=StaffEnrolment.Channel.COMMAND
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(
            f"Lien de configuration pour {user.email}, valable jusqu'au "
            f"{timezone.localtime(enrolment.expires_at):%d/%m/%Y %H:%M}, utilisable une seule fois ; "
            f"connectez-vous d'abord avec le mot de passe du compte :"
        )
        self.stdout.write(link)
