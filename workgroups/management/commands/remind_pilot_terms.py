from partners.history import CommandWithoutUser
from workgroups.services import pilot_term_end_reminders


class Command(CommandWithoutUser):
    help = (
        "Prévient chaque pilote dont le mandat prend fin dans les 60 jours (une fois par "
        "mandat), pour que le groupe réélise ou désigne son pilote à temps. À lancer chaque "
        "jour par cron."
    )

    def handle(self, *args, **options):
        told = pilot_term_end_reminders()
        self.stdout.write(f"{told} pilote(s) prévenu(s) de la fin prochaine de leur mandat.")
