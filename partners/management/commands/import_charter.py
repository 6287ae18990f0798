from django.db import transaction
from django.utils.text import slugify

from partners.data import charter_2009
from partners.history import CommandWithoutUser
from partners.models import Charter, Partner, Signature


class Command(CommandWithoutUser):
    help = "Charge la charte UTOPIA du 26 mai 2009 et ses signataires (sans doublon, sans écraser les corrections faites dans l'administration)."

    @transaction.atomic
    def handle(self, *args, **options):
        charter, created = Charter.objects.get_or_create(
            version=charter_2009.VERSION,
            defaults={
                "title": charter_2009.TITLE,
                "text": charter_2009.TEXT,
                "adopted_on": charter_2009.SIGNED_ON,
                "place": charter_2009.PLACE,
            },
        )
        new_partners = new_signatures = 0
        order = 0
        for name, acronym, kind, signatories, note in charter_2009.SIGNATORIES:
            # The slug is the stable key: staff may correct a name without creating a twin.
            partner, partner_created = Partner.objects.get_or_create(
                slug=slugify(name),
                defaults={
                    "name": name,
                    "acronym": acronym,
                    "kind": kind,
                    "city": "Thionville",
                },
            )
            new_partners += partner_created
            for civility, signatory_name, role in signatories:
                order += 1
                _signature, signature_created = Signature.objects.get_or_create(
                    charter=charter,
                    partner=partner,
                    order=order,
                    defaults={
                        "civility": civility,
                        "signatory_name": signatory_name,
                        "signatory_role": role,
                        "signed_on": charter_2009.SIGNED_ON,
                        "needs_review": bool(note),
                        "transcription_note": note,
                    },
                )
                new_signatures += signature_created
        self.stdout.write(
            self.style.SUCCESS(
                f"Charte {charter.version} {'créée' if created else 'déjà présente'} ; "
                f"{new_partners} partenaire(s) et {new_signatures} signature(s) ajouté(s)."
            )
        )
