"""Load and fault test of the portal: `make loadtest` (python -m tests.perf.loadtest).

Loopback only, bounded in time (about six minutes with the defaults). Five phases:

1. Load, on PostgreSQL: 50 concurrent clients for 60 s against gunicorn with production
   settings. Most read public pages; some are logged-in members who write (each write is an
   invitation to a new address, a row of its own). Target: no 5xx and no failed connection, and
   every write the server acknowledged (302 after the POST) is in the database afterwards.
2. Fault, on PostgreSQL: the same mix while PostgreSQL is restarted in the middle. Target: the
   site answers pages that need the database again within a few seconds of the restart, without
   restarting gunicorn (CONN_HEALTH_CHECKS drops the dead connections), requests that arrive while
   it is away get 503 with Retry-After (never another 5xx), and every acknowledged
   write is still there.
3. Redis restarted, on PostgreSQL: the same mix while the run's own Redis is stopped for a few
   seconds and started again, empty. 4. Without Redis: the same mix while it stays stopped.
   Target for both (utopia/redis_cache.py): no 5xx and no failed connection, every acknowledged
   write stored, no member logged out (sent to the login page), no exception in gunicorn's log,
   the cache used again after the restart, and the outage logged at most once per worker and
   minute.
5. SQLite, the default of `make run`: 8 members write concurrently. Target: never "database is
   locked" (WAL and IMMEDIATE transactions, see utopia/settings.py), no 5xx, every acknowledged
   write stored.

It restarts the machine's PostgreSQL (--skip-fault leaves it alone): run it on a development
machine, not beside other work that uses that server. Redis is a redis-server of the run's own,
never the machine's. The exit status is 1 when a target is missed.
"""

import argparse
import contextlib
import math
import os
import random
import re
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import psycopg2

from tests.perf.harness import (
    BASE_DIR,
    CSRF_FIELD,
    BenchError,
    Client,
    Redis,
    Server,
    build_large_network,
    create_database,
    database_url,
    drop_database,
    free_port,
    manage,
    postgres_cluster_command,
    postgres_ready,
    production_env,
    require_postgres,
    say,
    use_env,
)

LOAD_DB = "utopia_loadtest"
WRITE_DOMAIN = "charge.utopia.test"
# Pages that always query the database, even for an anonymous visitor with a warm cache.
UNCACHED_PROBE = "/partenaires/?q=sonde-{n}"
LOGIN_PATH = "/compte/connexion/"
# Every writer comes from 127.0.0.1: the invitation limit per client (EMAIL_LIMIT_PER_CLIENT,
# 10 an hour) would stop them all after ten writes in the whole run. This test counts writes
# under load; the limit itself is tested in tests/partners.
WRITE_LIMITS = {"EMAIL_LIMIT_PER_CLIENT": 1_000_000}
# How long the Redis restart phase leaves Redis stopped, as a service restart or a short
# maintenance would.
REDIS_RESTART_SECONDS = 3
# What utopia/redis_cache.py logs when Redis does not answer, and Django for an exception.
REDIS_WARNING = "ne répond pas"
TRACEBACK = "Traceback (most recent call last)"


@dataclass
class Tally:
    """What the clients of one phase saw, shared between their threads."""

    statuses: Counter = field(default_factory=Counter)
    errors: Counter = field(default_factory=Counter)
    acknowledged: list[str] = field(default_factory=list)
    server_errors: list[str] = field(default_factory=list)
    # Members sent to the login page although they had logged in: their session was lost.
    logouts: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, path: str, status: int) -> None:
        with self.lock:
            self.statuses[status] += 1
            if status >= 500:
                self.server_errors.append(f"{status} {path}")

    def error(self, path: str, error: Exception) -> None:
        with self.lock:
            self.errors[f"{type(error).__name__} ({path.split('?')[0]})"] += 1

    def logged_out(self) -> None:
        with self.lock:
            self.logouts += 1

    def acknowledge(self, email: str) -> None:
        with self.lock:
            self.acknowledged.append(email)

    @property
    def requests(self) -> int:
        return sum(self.statuses.values())


class Database:
    """Plain DB-API access to the database under test, PostgreSQL or the SQLite file, so that
    this process can check both phases whatever Django's own settings point at."""

    def __init__(self, *, postgres: str | None = None, sqlite: Path | None = None):
        self.postgres, self.sqlite = postgres, sqlite

    def rows(self, sql: str, params=()) -> list[tuple]:
        if self.sqlite is not None:
            connection = sqlite3.connect(self.sqlite)
            sql = sql.replace("%s", "?")
        else:
            connection = psycopg2.connect(self.postgres)
        try:
            cursor = connection.cursor()
            cursor.execute(sql, params)
            return cursor.fetchall()
        finally:
            connection.close()

    def writers(self, count: int) -> list[tuple[str, str]]:
        """(email, partner slug) of `count` managers of distinct active partners."""
        rows = self.rows(
            "SELECT u.email, p.slug FROM partners_membership m "
            "JOIN partners_user u ON u.id = m.user_id JOIN partners_partner p ON p.id = m.partner_id "
            "WHERE m.role = %s AND p.is_active ORDER BY p.id, m.id",
            ["manager"],
        )
        found, partners = [], set()
        for email, slug in rows:
            if slug not in partners:
                partners.add(slug)
                found.append((email, slug))
            if len(found) == count:
                return found
        raise BenchError(f"Seulement {len(found)} responsables trouvés, {count} demandés.")

    def stored(self, addresses: list[str]) -> int:
        """How many of these invited addresses the database holds."""
        found = set()
        for start in range(0, len(addresses), 500):
            chunk = addresses[start : start + 500]
            marks = ", ".join(["%s"] * len(chunk))
            found |= {
                email
                for (email,) in self.rows(
                    f"SELECT email FROM partners_invitation WHERE email IN ({marks})", chunk
                )
            }
        return len(found)


def reader_loop(port: int, paths: list[str], tally: Tally, stop: threading.Event, seed: int):
    rng = random.Random(seed)
    client = Client(port, timeout=10)
    while not stop.is_set():
        path = rng.choice(paths)
        try:
            tally.record(path, client.get(path).status)
        except Exception as error:  # every failure is counted, none may stop us
            tally.error(path, error)
            client.close()
            time.sleep(0.05)
    client.close()


def writer_loop(
    client: Client,
    email: str,
    slug: str,
    password: str,
    tally: Tally,
    stop: threading.Event,
    label: str,
):
    """A member who invites colleagues, one new address per write, and reads "Mon espace".

    Members arrive logged in (run_clients logs them in before the clock starts): a login is a
    deliberately slow password hash, not the weekly work this test loads the site with. A
    member whose session cookie stops working (sent to the login page) counts as logged out,
    and logs in again."""
    invite = f"/partenaires/{slug}/inviter/"
    number = 0
    logged_in = True
    while not stop.is_set():
        try:
            if not logged_in:
                client.cookies.clear()
                client.login(email, password)
                logged_in = True
            page = client.get(invite)
            tally.record(invite, page.status)
            if sent_to_login(page):
                tally.logged_out()
                logged_in = False
                continue
            token = CSRF_FIELD.search(page.text)
            if page.status != 200 or token is None:
                time.sleep(0.1)
                continue
            number += 1
            address = f"{label}-{slug}-{number}@{WRITE_DOMAIN}"
            answer = client.post(
                invite,
                {"email": address, "role": "member", "csrfmiddlewaretoken": token.group(1)},
            )
            tally.record(invite, answer.status)
            if sent_to_login(answer):
                tally.logged_out()
                logged_in = False
                continue
            if answer.status == 302:
                tally.acknowledge(address)
            space = client.get("/mon-espace/")
            tally.record("/mon-espace/", space.status)
            if sent_to_login(space):
                tally.logged_out()
                logged_in = False
        except Exception as error:
            tally.error(invite, error)
            client.close()
            logged_in = False
            time.sleep(0.1)
    client.close()


def sent_to_login(response) -> bool:
    return response.status == 302 and LOGIN_PATH in response.location


def run_clients(
    *,
    port: int,
    readers: int,
    writer_accounts: list[tuple[str, str]],
    password: str,
    duration: float,
    label: str,
    paths: list[str] = (),
    during=None,
) -> Tally:
    tally = Tally()
    stop = threading.Event()
    threads = [
        threading.Thread(target=reader_loop, args=(port, paths, tally, stop, index), daemon=True)
        for index in range(readers)
    ]
    writers = []
    for email, slug in writer_accounts:
        client = Client(port, timeout=60)
        client.login(email, password)
        client.timeout = 10
        client.close()  # the next connection takes the shorter timeout
        writers.append((client, email, slug))
    threads += [
        threading.Thread(
            target=writer_loop,
            args=(client, email, slug, password, tally, stop, label),
            daemon=True,
        )
        for client, email, slug in writers
    ]
    for thread in threads:
        thread.start()
    started = time.monotonic()
    if during is not None:
        during(started)
    remaining = duration - (time.monotonic() - started)
    if remaining > 0:
        time.sleep(remaining)
    stop.set()
    for thread in threads:
        thread.join(20)
    return tally


class Verdicts:
    def __init__(self):
        self.lines: list[tuple[bool, str]] = []

    def check(self, met: bool, text: str) -> None:
        self.lines.append((met, text))
        say(f"{'ATTEINT ' if met else 'MANQUÉ  '} {text}")

    @property
    def all_met(self) -> bool:
        return all(met for met, _ in self.lines)


def describe(tally: Tally, duration: float) -> str:
    statuses = ", ".join(f"{code}: {n}" for code, n in sorted(tally.statuses.items()))
    errors = ", ".join(f"{name}: {n}" for name, n in tally.errors.most_common(5)) or "aucune"
    return (
        f"{tally.requests} requêtes en {duration:g} s ({tally.requests / duration:.0f}/s) ; "
        f"statuts {statuses} ; erreurs de connexion : {errors} ; "
        f"membres déconnectés : {tally.logouts}"
    )


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m tests.perf.loadtest",
        description="Test de charge et de pannes (boucle locale seulement, durée bornée).",
    )
    parser.add_argument("--clients", type=int, default=50, help="clients simultanés (50)")
    parser.add_argument("--writers", type=int, default=10, help="dont membres qui écrivent (10)")
    parser.add_argument("--duration", type=float, default=60, help="durée de la charge (60 s)")
    parser.add_argument("--fault-duration", type=float, default=40, help="phase de panne (40 s)")
    parser.add_argument(
        "--recovery-limit", type=float, default=10, help="délai de reprise admis (10 s)"
    )
    parser.add_argument("--sqlite-writers", type=int, default=8)
    parser.add_argument("--sqlite-duration", type=float, default=20)
    parser.add_argument("--partners", type=int, default=300)
    parser.add_argument("--actions", type=int, default=2000)
    parser.add_argument("--groups", type=int, default=30)
    parser.add_argument("--workers", type=int, help="workers gunicorn (2 × cœurs + 1)")
    parser.add_argument("--threads", type=int, default=4, help="fils par worker (4)")
    parser.add_argument(
        "--database", default=LOAD_DB, help=f"base PostgreSQL de la charge ({LOAD_DB})"
    )
    parser.add_argument(
        "--skip-fault", action="store_true", help="ne pas redémarrer PostgreSQL (machine partagée)"
    )
    parser.add_argument(
        "--skip-redis",
        action="store_true",
        help="sauter les phases où Redis redémarre puis reste arrêté (un Redis à ce test)",
    )
    options = parser.parse_args(argv)
    if options.workers is None:
        options.workers = 2 * (os.cpu_count() or 2) + 1
    if not 0 < options.writers < options.clients:
        parser.error("--writers doit être entre 1 et --clients - 1")
    return options


class LoadTest:
    def __init__(self, options, stack: contextlib.ExitStack):
        self.options = options
        self.stack = stack
        self.verdicts = Verdicts()
        self.var_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="utopia-lt-")))

    def prepare(self, env: dict) -> None:
        options = self.options
        manage("migrate", "--noinput", env=env, quiet=True)
        manage("collectstatic", "--noinput", "--clear", env=env, quiet=True)
        manage("import_charter", env=env, quiet=True)
        build_large_network(
            partners=options.partners,
            actions=options.actions,
            groups=options.groups,
            env=env,
            quiet=True,
        )

    def start_server(self, env: dict, name: str) -> Server:
        server = Server(
            env=env,
            port=free_port(),
            workers=self.options.workers,
            threads=self.options.threads,
            log_path=self.var_dir / f"gunicorn-{name}.log",
        )
        say(f"Démarrage de {server.description} sur le port {server.port}")
        self.stack.callback(server.stop)
        server.start()
        return server

    def run(self) -> int:
        options = self.options
        require_postgres()
        # A Redis of this run's own: the Redis phases stop it, and the machine's serves others.
        redis = Redis(private=True)
        self.stack.callback(redis.stop)
        redis.start()
        self.redis = redis
        env = production_env(
            database=database_url(options.database),
            redis_url=redis.url,
            var_dir=self.var_dir / "pg",
            **WRITE_LIMITS,
        )
        say(f"Base PostgreSQL {options.database} neuve, remplie")
        create_database(options.database)
        self.stack.callback(drop_database, options.database)
        use_env(env)
        # The portal's modules read Django's settings when they are imported: only now that
        # use_env() has set Django up for this run.
        from tests.perf.large_network import BENCH_PASSWORD
        from tests.perf.pages import public_paths

        self.prepare(env)
        self.paths = public_paths()
        server = self.start_server(env, "postgresql")
        self.database = Database(postgres=database_url(options.database))
        accounts = self.database.writers(options.writers)
        readers = options.clients - options.writers

        say(
            f"Charge : {options.clients} clients dont {options.writers} qui écrivent, "
            f"{options.duration:g} s"
        )
        tally = run_clients(
            port=server.port,
            readers=readers,
            paths=self.paths,
            writer_accounts=accounts,
            password=BENCH_PASSWORD,
            duration=options.duration,
            label="charge",
        )
        say(describe(tally, options.duration))
        self.verdicts.check(
            not tally.server_errors and not tally.errors,
            f"charge : aucune erreur 5xx ni connexion perdue "
            f"({len(tally.server_errors)} 5xx, {sum(tally.errors.values())} erreurs"
            + (f" ; ex. {tally.server_errors[:3]}" if tally.server_errors else "")
            + ")",
        )
        kept = self.database.stored(tally.acknowledged)
        self.verdicts.check(
            len(tally.acknowledged) > 0 and kept == len(tally.acknowledged),
            f"charge : écritures acquittées présentes en base : {kept} / {len(tally.acknowledged)}",
        )

        if options.skip_fault:
            say("Phase de panne sautée (--skip-fault).")
        else:
            self.fault_phase(server, accounts, readers, BENCH_PASSWORD)
        if options.skip_redis:
            say("Phases Redis sautées (--skip-redis).")
        else:
            self.redis_restart_phase(server, accounts, readers, BENCH_PASSWORD)
            self.redis_stopped_phase(server, accounts, readers, BENCH_PASSWORD)
        server.stop()

        self.sqlite_phase(BENCH_PASSWORD)
        met = sum(1 for ok, _ in self.verdicts.lines if ok)
        say(f"Objectifs : {met} atteints sur {len(self.verdicts.lines)}.")
        return 0 if self.verdicts.all_met else 1

    def fault_phase(self, server: Server, accounts, readers: int, password: str) -> None:
        options = self.options
        recovery: dict[str, float | None] = {"seconds": None}

        def restart_postgres(started: float) -> None:
            time.sleep(max(0.0, options.fault_duration / 3))
            say("Redémarrage de PostgreSQL…")
            result = subprocess.run(
                postgres_cluster_command("restart"), capture_output=True, text=True
            )
            if result.returncode != 0:
                raise BenchError(f"pg_ctlcluster restart a échoué : {result.stderr.strip()}")
            while not postgres_ready():
                time.sleep(0.1)
            back = time.monotonic()
            probe = Client(server.port, timeout=5)
            number = 0
            while time.monotonic() - back < 60:
                number += 1
                with contextlib.suppress(Exception):
                    if probe.get(UNCACHED_PROBE.format(n=number)).status == 200:
                        recovery["seconds"] = time.monotonic() - back
                        break
                probe.close()
                time.sleep(0.1)
            probe.close()

        say(f"Panne : mêmes clients, {options.fault_duration:g} s, PostgreSQL redémarré au tiers")
        tally = run_clients(
            port=server.port,
            readers=readers,
            paths=self.paths,
            writer_accounts=accounts,
            password=password,
            duration=options.fault_duration,
            label="panne",
            during=restart_postgres,
        )
        say(describe(tally, options.fault_duration))
        seconds = recovery["seconds"]
        self.verdicts.check(
            seconds is not None and seconds <= options.recovery_limit,
            "panne : le site répond de nouveau après le redémarrage de PostgreSQL en "
            + (f"{seconds:.1f} s" if seconds is not None else "plus de 60 s")
            + f" (seuil {options.recovery_limit:g} s), sans redémarrer gunicorn",
        )
        kept = self.database.stored(tally.acknowledged)
        self.verdicts.check(
            kept == len(tally.acknowledged),
            f"panne : écritures acquittées présentes en base : {kept} / {len(tally.acknowledged)}",
        )
        # While the database is away, pages say so (503 and Retry-After), not "an error".
        failed = sum(n for status, n in tally.statuses.items() if status >= 500 and status != 503)
        self.verdicts.check(
            failed == 0,
            f"panne : pendant la coupure, 503 et jamais d'autre erreur 5xx "
            f"({tally.statuses.get(503, 0)} × 503, {failed} autres 5xx)",
        )
        still_up = Client(server.port).get("/sante/").status == 200
        self.verdicts.check(still_up, "panne : gunicorn n'a pas été redémarré et répond")

    def redis_restart_phase(self, server: Server, accounts, readers: int, password: str) -> None:
        options = self.options

        def restart_redis(started: float) -> None:
            time.sleep(max(0.0, options.fault_duration / 3))
            say(f"Redis arrêté pour {REDIS_RESTART_SECONDS} s, puis redémarré (vide)…")
            self.redis.halt()
            time.sleep(REDIS_RESTART_SECONDS)
            self.redis.resume()

        say(
            f"Redis redémarré : mêmes clients, {options.fault_duration:g} s, Redis redémarré au tiers"
        )
        log_before = server.log_text()
        self.redis_phases_began = (time.monotonic(), len(log_before))
        tally = run_clients(
            port=server.port,
            readers=readers,
            paths=self.paths,
            writer_accounts=accounts,
            password=password,
            duration=options.fault_duration,
            label="redis-redemarre",
            during=restart_redis,
        )
        say(describe(tally, options.fault_duration))
        self.check_without_redis("Redis redémarré", tally, server, log_before)
        keys = self.redis.keys()
        self.verdicts.check(
            keys > 0,
            f"Redis redémarré : le cache sert de nouveau, sans redémarrer gunicorn "
            f"({keys} clés dans Redis à la fin)",
        )

    def redis_stopped_phase(self, server: Server, accounts, readers: int, password: str) -> None:
        options = self.options
        say(f"Sans Redis : mêmes clients, {options.fault_duration:g} s, Redis arrêté")
        log_before = server.log_text()
        self.redis.halt()
        try:
            tally = run_clients(
                port=server.port,
                readers=readers,
                paths=self.paths,
                writer_accounts=accounts,
                password=password,
                duration=options.fault_duration,
                label="sans-redis",
            )
        finally:
            self.redis.resume()
        say(describe(tally, options.fault_duration))
        self.check_without_redis("sans Redis", tally, server, log_before)
        # Both Redis phases: at most one warning per worker and minute (utopia/redis_cache.py),
        # never one per request, and at least one.
        began, log_offset = self.redis_phases_began
        warnings = server.log_text()[log_offset:].count(REDIS_WARNING)
        allowed = options.workers * (math.floor((time.monotonic() - began) / 60) + 1)
        self.verdicts.check(
            0 < warnings <= allowed,
            f"phases Redis : {warnings} avertissements « Redis ne répond pas » au journal "
            f"(au moins 1, au plus un par worker et par minute : {allowed})",
        )

    def check_without_redis(self, phase: str, tally: Tally, server: Server, log_before: str):
        """The same verdicts for both Redis phases: Redis away slows the portal, nothing more."""
        self.verdicts.check(
            not tally.server_errors and not tally.errors,
            f"{phase} : aucune erreur 5xx ni connexion perdue "
            f"({len(tally.server_errors)} 5xx, {sum(tally.errors.values())} erreurs"
            + (f" ; ex. {tally.server_errors[:3]}" if tally.server_errors else "")
            + ")",
        )
        kept = self.database.stored(tally.acknowledged)
        self.verdicts.check(
            len(tally.acknowledged) > 0 and kept == len(tally.acknowledged),
            f"{phase} : écritures acquittées présentes en base : {kept} / {len(tally.acknowledged)}",
        )
        self.verdicts.check(
            tally.logouts == 0,
            f"{phase} : aucun membre déconnecté ({tally.logouts} renvoyés vers la connexion)",
        )
        tracebacks = server.log_text()[len(log_before) :].count(TRACEBACK)
        self.verdicts.check(
            tracebacks == 0, f"{phase} : aucune exception au journal de gunicorn ({tracebacks})"
        )

    def sqlite_phase(self, password: str) -> None:
        options = self.options
        directory = self.var_dir / "sqlite"
        directory.mkdir()
        env = production_env(database="", redis_url=None, var_dir=directory, **WRITE_LIMITS)
        env.pop("DATABASE_URL")
        say(
            f"SQLite : {options.sqlite_writers} membres écrivent en même temps, "
            f"{options.sqlite_duration:g} s"
        )
        self.prepare(env)
        self.database = Database(sqlite=directory / "utopia.sqlite3")
        server = self.start_server(env, "sqlite")
        tally = run_clients(
            port=server.port,
            readers=0,
            writer_accounts=self.database.writers(options.sqlite_writers),
            password=password,
            duration=options.sqlite_duration,
            label="sqlite",
        )
        server.stop()
        say(describe(tally, options.sqlite_duration))
        locked = len(re.findall(r"database is locked", server.log_text()))
        self.verdicts.check(
            locked == 0 and not tally.server_errors and not tally.errors,
            f"SQLite : jamais « database is locked » ({locked} dans le journal), "
            f"{len(tally.server_errors)} 5xx, {sum(tally.errors.values())} erreurs",
        )
        kept = self.database.stored(tally.acknowledged)
        self.verdicts.check(
            len(tally.acknowledged) > 0 and kept == len(tally.acknowledged),
            f"SQLite : écritures acquittées présentes en base : {kept} / {len(tally.acknowledged)}",
        )


def main(argv=None) -> int:
    options = parse_args(argv)
    os.chdir(BASE_DIR)
    with contextlib.ExitStack() as stack:
        try:
            return LoadTest(options, stack).run()
        except BenchError as error:
            say(f"Erreur : {error}")
            return 2
        finally:
            say("Nettoyage…")


if __name__ == "__main__":
    sys.exit(main())
