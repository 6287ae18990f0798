import time

from django.core.management.base import BaseCommand, CommandError

from utopia import bench_data


class Command(BaseCommand):
    help = (
        "Remplit la base avec un grand réseau réaliste (1 000 partenaires, 10 000 actions, "
        "les plénières depuis 2009, 100 groupes de travail) pour le banc de performance. "
        "Toujours le même pour une même graine ; refuse une base qui contient déjà des données."
    )

    def add_arguments(self, parser):
        defaults = bench_data.Sizes()
        parser.add_argument("--partners", type=int, default=defaults.partners)
        parser.add_argument("--actions", type=int, default=defaults.actions)
        parser.add_argument("--groups", type=int, default=defaults.groups)
        parser.add_argument(
            "--first-year",
            type=int,
            default=defaults.first_year,
            help="Année de la première plénière (deux par an jusqu'au semestre en cours).",
        )
        parser.add_argument("--seed", type=int, default=2009)
        parser.add_argument(
            "--force",
            action="store_true",
            help="Ajouter le réseau même si la base contient déjà des données.",
        )

    def handle(self, *args, partners, actions, groups, first_year, seed, force, **options):
        if min(partners, actions, groups) < 0:
            raise CommandError("Les tailles ne peuvent pas être négatives.")
        found = bench_data.existing_data()
        if found and not force:
            raise CommandError(
                "La base contient déjà des données ("
                + ", ".join(found)
                + ") : utilisez une base neuve (migrate puis import_charter), ou --force."
            )
        started = time.monotonic()
        sizes = bench_data.Sizes(
            partners=partners, actions=actions, groups=groups, first_year=first_year
        )
        bench_data.fill(sizes=sizes, seed=seed, stdout=self.stdout)
        self.stdout.write(
            self.style.SUCCESS(f"Réseau rempli en {time.monotonic() - started:.1f} s.")
        )
