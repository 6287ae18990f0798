"""Performance benchmark of the portal: `make bench` (python -m tests.perf.bench [--quick]).

It builds what production runs, on this machine's loopback only: a fresh PostgreSQL database
(`utopia_bench` on 127.0.0.1:5432), migrated, with collected static files, the 2009 charter and
a large network (large_network.py, made with the test factories); gunicorn with production
settings (DEBUG=0, HTTPS behind a proxy, Redis page cache); then wrk measures every page of
pages.PAGES against the bare health endpoint `/sante/` in the same run: public pages at 8
concurrent connections, served again from the anonymous page cache; member pages at 4, each
request rendered by its view, since no page of a logged-in person is ever cached
(utopia/cache.py). A page that no longer resolves stops the run. The query count of each page
comes from the server itself (querycount.py, in this run's settings only: settings.py), on a
cache miss.

Targets (issues 7 and 12): anonymous public pages ≥ 0.5 × the throughput of /sante/ with p95
≤ 50 ms; member pages ≥ 0.05 × (about 15 ms of work per page on two cores) with p95 ≤ 60 ms;
≤ 10 SQL queries per page; a worker's memory flat over 20,000 requests.
The table is printed and written to bench-results/latest.md; the exit status is 1 when a target
is missed. gunicorn, a Redis started for the run and the database are cleaned up on every exit,
Ctrl-C included.

The database, Redis, gunicorn and the HTTP client come from harness.py, shared with the load
test (loadtest.py).
"""

import argparse
import contextlib
import datetime
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from tests.perf.harness import (
    BASE_DIR,
    MEMBER,
    PUBLIC,
    BenchError,
    Client,
    Redis,
    Server,
    as_root,
    build_large_network,
    create_database,
    database_exists,
    database_url,
    drop_database,
    free_port,
    manage,
    production_env,
    require_postgres,
    say,
    use_env,
)

BENCH_DB = "utopia_bench"


def require_wrk() -> str:
    path = shutil.which("wrk")
    if path:
        return path
    say("wrk manque : installation du paquet Debian « wrk »…")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "wrk"]):
        result = subprocess.run(as_root(command), env=env, capture_output=True, text=True)
        if result.returncode != 0:
            raise BenchError(f"Impossible d'installer wrk : {result.stderr.strip()}")
    path = shutil.which("wrk")
    if not path:
        raise BenchError("wrk reste introuvable après son installation.")
    return path


# --- the pages measured: the table is pages.PAGES ---------------------------------------------

BASELINE = "référence"


@dataclass
class Page:
    label: str
    kind: str
    path: str
    status: int = 0
    queries: int | None = None
    # Public pages only: the queries of the page served again from the anonymous page cache.
    cached_queries: int | None = None
    # Median latency of a lone request that the page caches cannot serve (version bumped).
    uncached_ms: float = 0.0
    size: int = 0
    rps: float = 0.0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    errors: int = 0
    requests: int = 0


# --- wrk -------------------------------------------------------------------------------------

# Prints one JSON line with the counts and latency percentiles (microseconds) of the run.
WRK_REPORT = r"""
done = function(summary, latency, requests)
  io.write(string.format(
    'UTOPIA-WRK {"requests": %d, "duration_us": %d, "p50": %d, "p95": %d, "p99": %d, '
    .. '"max": %d, "status_errors": %d, "connect_errors": %d, "read_errors": %d, '
    .. '"write_errors": %d, "timeouts": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, summary.errors.status, summary.errors.connect,
    summary.errors.read, summary.errors.write, summary.errors.timeout))
end
"""

# A mix of pages, anonymous and member, each thread stopping after its share of a total.
WRK_MIX = r"""
local paths, members, limit, cookie, count, index = {}, {}, 0, "", 0, 0
function init(args)
  limit = tonumber(args[1])
  cookie = args[2]
  for i = 3, #args do
    local kind, path = args[i]:match("^(%a):(.*)$")
    paths[#paths + 1] = path
    members[#members + 1] = (kind == "M")
  end
  index = math.random(#paths) - 1
end
request = function()
  index = index % #paths + 1
  local headers = {["X-Forwarded-Proto"] = "https"}
  if members[index] then headers["Cookie"] = cookie end
  return wrk.format("GET", paths[index], headers)
end
response = function(status, headers, body)
  count = count + 1
  if count >= limit then wrk.thread:stop() end
end
"""


@dataclass
class WrkRun:
    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    errors: int

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def run_wrk(
    wrk: str,
    url: str,
    *,
    seconds: float,
    connections: int,
    threads: int,
    script: Path,
    headers: list[str] = (),
    args: list[str] = (),
) -> WrkRun:
    command = [wrk, "-t", str(threads), "-c", str(connections), "-d", f"{seconds:g}s"]
    command += ["--timeout", "10s", "-s", str(script)]
    for header in headers:
        command += ["-H", header]
    command.append(url)
    if args:
        command += ["--", *args]
    result = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 120)
    line = next((x for x in result.stdout.splitlines() if x.startswith("UTOPIA-WRK ")), None)
    if result.returncode != 0 or line is None:
        raise BenchError(f"wrk a échoué : {result.stdout}{result.stderr}")
    data = json.loads(line.removeprefix("UTOPIA-WRK "))
    errors = sum(
        data[k]
        for k in ("status_errors", "connect_errors", "read_errors", "write_errors", "timeouts")
    )
    return WrkRun(
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        p50_ms=data["p50"] / 1000,
        p95_ms=data["p95"] / 1000,
        errors=errors,
    )


# --- the benchmark ---------------------------------------------------------------------------


@dataclass
class Targets:
    public_ratio: float = 0.5
    public_p95_ms: float = 50.0
    # Member pages, rendered on every request: 0.05 × /sante/ is about 15 ms of work per page.
    member_ratio: float = 0.05
    member_p95_ms: float = 60.0
    queries: int = 10
    # "Flat": what a worker may gain over the 20,000 requests, once warm.
    rss_growth_kib: int = 5 * 1024


@dataclass
class Verdict:
    target: str
    met: bool
    detail: str


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m tests.perf.bench",
        description="Banc de performance : PostgreSQL, gunicorn et réglages de production.",
    )
    parser.add_argument(
        "--quick", action="store_true", help="mesures courtes (3 s par page) : un ordre d'idée"
    )
    parser.add_argument("--duration", type=float, help="secondes de mesure par page (10)")
    parser.add_argument("--warmup", type=float, help="secondes de chauffe par page (2)")
    parser.add_argument(
        "--connections", type=int, default=8, help="clients simultanés, pages publiques (8)"
    )
    parser.add_argument(
        "--member-connections",
        type=int,
        default=4,
        help="clients simultanés, pages des membres (4)",
    )
    parser.add_argument("--wrk-threads", type=int, default=1, help="fils de wrk (1)")
    parser.add_argument("--workers", type=int, help="workers gunicorn (nombre de cœurs + 1)")
    parser.add_argument("--threads", type=int, default=1, help="fils par worker gunicorn (1)")
    parser.add_argument("--memory-requests", type=int, default=20_000)
    parser.add_argument("--partners", type=int, default=1000)
    parser.add_argument("--actions", type=int, default=10_000)
    parser.add_argument("--groups", type=int, default=100)
    parser.add_argument(
        "--reuse-db",
        action="store_true",
        help="garder la base d'une exécution précédente (--keep-db) si elle existe",
    )
    parser.add_argument("--keep-db", action="store_true", help="ne pas supprimer la base à la fin")
    parser.add_argument(
        "--database", default=BENCH_DB, help=f"base PostgreSQL du banc ({BENCH_DB})"
    )
    parser.add_argument(
        "--port", type=int, help="port de gunicorn (le premier libre de 8090 à 8099)"
    )
    parser.add_argument("--output", default=str(BASE_DIR / "bench-results" / "latest.md"))
    options = parser.parse_args(argv)
    if options.duration is None:
        options.duration = 3.0 if options.quick else 10.0
    if options.warmup is None:
        options.warmup = 1.0 if options.quick else 2.0
    if options.workers is None:
        options.workers = (os.cpu_count() or 2) + 1
    return options


class Benchmark:
    def __init__(self, options, stack: contextlib.ExitStack):
        self.options = options
        self.stack = stack
        self.targets = Targets()
        self.started = time.monotonic()
        self.var_dir = BASE_DIR / "var" / "bench"
        self.dataset: dict[str, int] = {}

    def step(self, message: str) -> None:
        say(f"[{time.monotonic() - self.started:6.1f} s] {message}")

    def run(self) -> int:
        options = self.options
        self.wrk = require_wrk()
        require_postgres()
        redis = Redis()
        self.stack.callback(redis.stop)
        redis.start()
        self.redis = redis
        self.var_dir.mkdir(parents=True, exist_ok=True)
        self.env = production_env(
            database=database_url(options.database),
            redis_url=redis.url,
            var_dir=self.var_dir,
            settings="tests.perf.settings",
        )
        reuse = options.reuse_db and database_exists(options.database)
        if not reuse:
            self.step(f"Base PostgreSQL {options.database} neuve")
            create_database(options.database)
        if not options.keep_db:
            self.stack.callback(drop_database, options.database)
        use_env(self.env)
        self.step("Migrations")
        manage("migrate", "--noinput", env=self.env, quiet=True)
        self.step("Fichiers statiques (collectstatic)")
        manage("collectstatic", "--noinput", "--clear", env=self.env, quiet=True)
        if not reuse:
            manage("import_charter", env=self.env)
            self.step("Grand réseau (tests/perf/large_network.py)")
            build_large_network(
                partners=options.partners,
                actions=options.actions,
                groups=options.groups,
                env=self.env,
            )
        # The portal's modules read Django's settings when they are imported: only now that
        # use_env() has set Django up for this run.
        from tests.perf.large_network import BENCH_PASSWORD
        from tests.perf.pages import bench_member, dataset_counts, resolve_pages
        from utopia.cache import bump_version

        self.bump_version = bump_version
        self.dataset = dataset_counts()
        redis.flush()

        port = options.port or free_port()
        server = Server(
            env=self.env,
            port=port,
            workers=options.workers,
            threads=options.threads,
            log_path=self.var_dir / "gunicorn.log",
        )
        self.step(f"Démarrage de {server.description} sur 127.0.0.1:{port}")
        self.stack.callback(server.stop)
        server.start()
        self.server = server

        member = bench_member()
        pages = [Page(page.label, page.kind, page.path) for page in resolve_pages(member)]
        member_client = Client(port)
        member_client.login(member.email, BENCH_PASSWORD)
        self.cookie = f"sessionid={member_client.cookies['sessionid']}"
        member_client.close()
        baseline = Page("Santé (/sante/, référence)", BASELINE, "/sante/")
        self.check_pages([baseline, *pages])

        script = Path(self.stack.enter_context(tempfile.TemporaryDirectory())) / "report.lua"
        script.write_text(WRK_REPORT)
        self.script = script
        self.step(
            f"Mesures : {options.duration:g} s par page après {options.warmup:g} s de chauffe, "
            f"{options.connections} connexions (pages des membres : "
            f"{options.member_connections})"
        )
        self.measure(baseline)
        for page in pages:
            self.measure(page)
        baseline_again = Page(baseline.label, BASELINE, "/sante/")
        self.measure(baseline_again)
        memory = self.measure_memory(pages)
        return self.report(baseline, baseline_again, pages, memory)

    def check_pages(self, pages: list[Page]) -> None:
        """Each page answers 200 as it should; its query count and latency on a cache miss, and
        for a public page its query count when served again from the anonymous page cache."""
        bump_version = self.bump_version
        for page in pages:
            client = Client(self.server.port)
            if page.kind == MEMBER:
                client.cookies["sessionid"] = self.cookie.split("=", 1)[1]
            bump_version()  # whatever another page cached, this request is a miss
            first = client.get(page.path)
            second = client.get(page.path)
            page.status, page.size = first.status, len(first.body)
            if page.kind == PUBLIC:
                page.cached_queries = _int_or_none(second.headers.get("X-Query-Count"))
            if first.status != 200:
                raise BenchError(
                    f"{page.label} ({page.path}) répond {first.status} {first.location} : "
                    f"voir {self.server.log_path}"
                )
            # A worker's first request reads what it then keeps for its lifetime (two more
            # queries on the home page): misses are counted once every worker has seen the page.
            for _ in range(2 * self.options.workers):
                bump_version()
                client.get(page.path)
            page.queries, page.uncached_ms = self.uncached(client, page.path)
            client.close()

    def uncached(self, client, path: str, samples: int = 5) -> tuple[int | None, float]:
        """What a first view costs: the most queries and the median latency of a few requests,
        each after a write that invalidates the caches."""
        counts, times = [], []
        for _ in range(samples):
            self.bump_version()
            started = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - started) * 1000)
            counts.append(_int_or_none(response.headers.get("X-Query-Count")))
        known = [count for count in counts if count is not None]
        return (max(known) if known else None), statistics.median(times)

    def measure(self, page: Page) -> None:
        options = self.options
        headers = ["X-Forwarded-Proto: https"]
        connections = options.connections
        if page.kind == MEMBER:
            headers.append(f"Cookie: {self.cookie}")
            connections = options.member_connections
        url = self.server.base_url + page.path
        common = {
            "connections": connections,
            "threads": options.wrk_threads,
            "script": self.script,
            "headers": headers,
        }
        run_wrk(self.wrk, url, seconds=options.warmup, **common)
        result = run_wrk(self.wrk, url, seconds=options.duration, **common)
        page.rps, page.p50_ms, page.p95_ms = result.rps, result.p50_ms, result.p95_ms
        page.errors, page.requests = result.errors, result.requests
        self.step(
            f"{page.label:<42} {page.rps:8.0f} req/s  p50 {page.p50_ms:6.1f} ms  "
            f"p95 {page.p95_ms:6.1f} ms  SQL {_show(page.queries)}"
        )

    def measure_memory(self, pages: list[Page]) -> dict:
        """RSS of every worker before and after N requests over all the pages."""
        options = self.options
        script = self.script.parent / "mix.lua"
        script.write_text(WRK_MIX + WRK_REPORT)
        paths = [f"{'M' if p.kind == MEMBER else 'A'}:{p.path}" for p in pages]
        per_thread = max(1, options.memory_requests // options.wrk_threads)
        before_pids = self.server.worker_pids()
        before = {pid: Server.rss_kib(pid) for pid in before_pids}
        self.step(
            f"Mémoire : {options.memory_requests} requêtes sur les {len(pages)} pages, "
            f"RSS des workers avant et après"
        )
        # wrk runs for its whole duration even once the script stops its threads, and the
        # connections it leaves open would hold gunicorn's sync workers until their timeout:
        # short runs, each closing its connections, until the count is reached.
        requests = errors = 0
        deadline = time.monotonic() + 600
        while requests < options.memory_requests and time.monotonic() < deadline:
            result = run_wrk(
                self.wrk,
                self.server.base_url + "/",
                seconds=5,
                connections=options.connections,
                threads=options.wrk_threads,
                script=script,
                args=[str(per_thread), self.cookie, *paths],
            )
            requests += result.requests
            errors += result.errors
        after_pids = self.server.worker_pids()
        after = {pid: Server.rss_kib(pid) for pid in after_pids}
        return {
            "requests": requests,
            "errors": errors,
            "before": before,
            "after": after,
            "same_workers": before_pids == after_pids,
        }

    def report(self, baseline, baseline_again, pages, memory) -> int:
        targets = self.targets
        reference = max(baseline.rps, baseline_again.rps)
        verdicts: list[Verdict] = []
        rows = []
        for page in [baseline, *pages, baseline_again]:
            ratio = page.rps / reference if reference else 0.0
            wanted = {PUBLIC: targets.public_ratio, MEMBER: targets.member_ratio}.get(page.kind)
            p95_ms = targets.member_p95_ms if page.kind == MEMBER else targets.public_p95_ms
            missed = []
            if wanted is not None and ratio < wanted:
                missed.append(f"débit < {wanted:g} ×")
            if page.p95_ms > p95_ms:
                missed.append(f"p95 > {p95_ms:g} ms")
            if page.queries is not None and page.queries > targets.queries:
                missed.append(f"SQL > {targets.queries}")
            if page.errors:
                missed.append(f"{page.errors} erreurs")
            if page.kind != BASELINE:
                verdicts.append(Verdict(page.label, not missed, ", ".join(missed)))
            rows.append(
                [
                    page.label,
                    f"`{page.path}`",
                    page.kind,
                    f"{page.rps:.0f}",
                    f"{ratio:.2f}",
                    f"{page.p50_ms:.1f}",
                    f"{page.p95_ms:.1f}",
                    f"{page.uncached_ms:.1f}" if page.kind != BASELINE else "",
                    _show(page.queries)
                    + (f" ({_show(page.cached_queries)})" if page.kind == PUBLIC else ""),
                    "atteint" if not missed else "manqué : " + ", ".join(missed),
                ]
            )
        growth = {pid: memory["after"].get(pid, 0) - rss for pid, rss in memory["before"].items()}
        worst = max(growth.values(), default=0)
        memory_met = (
            memory["same_workers"]
            and memory["errors"] == 0
            and memory["requests"] >= self.options.memory_requests
            and worst <= targets.rss_growth_kib
        )
        memory_lines = [
            f"- worker {pid} : {memory['before'][pid] / 1024:.1f} Mio avant, "
            f"{memory['after'].get(pid, 0) / 1024:.1f} Mio après ({growth[pid] / 1024:+.1f} Mio)"
            for pid in memory["before"]
        ]
        verdicts.append(
            Verdict(
                f"Mémoire plate sur {memory['requests']} requêtes",
                memory_met,
                f"croissance maximale {worst / 1024:+.1f} Mio (seuil "
                f"{targets.rss_growth_kib / 1024:g} Mio), {memory['errors']} erreurs"
                + ("" if memory["same_workers"] else ", workers remplacés pendant la mesure"),
            )
        )

        header = [
            "Page",
            "Adresse",
            "Type",
            "req/s",
            "× /sante/",
            "p50 (ms)",
            "p95 (ms)",
            "sans cache (ms)",
            "SQL (public en cache)",
            "Objectifs",
        ]
        table = [
            "| " + " | ".join(header) + " |",
            "|" + "|".join(["---"] * len(header)) + "|",
            *("| " + " | ".join(row) + " |" for row in rows),
        ]
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=BASE_DIR, capture_output=True, text=True
        ).stdout.strip()
        missed = [v for v in verdicts if not v.met]
        lines = [
            f"## Banc de performance du {datetime.date.today():%d/%m/%Y} (commit {commit or '?'})",
            "",
            f"Machine : {os.cpu_count()} cœurs ({_cpu_model()}), Python {platform.python_version()}, "
            f"PostgreSQL sur 127.0.0.1, Redis pour les caches de pages et les sessions. "
            f"Serveur : {self.server.description}, réglages de production (DEBUG=0, HTTPS "
            f"derrière le proxy). Charge : wrk, {self.options.connections} connexions pour les "
            f"pages publiques, {self.options.member_connections} pour celles des membres, "
            f"{self.options.duration:g} s par page après {self.options.warmup:g} s de chauffe. "
            "Données : " + ", ".join(f"{n} {label}" for label, n in self.dataset.items()) + ".",
            "",
            "Débit et latences : une page publique est servie à nouveau depuis le cache des "
            "visiteurs anonymes (`utopia/cache.py`) ; une page de membre est rendue par sa vue à "
            "chaque requête, aucune page d'une personne connectée n'étant gardée. Sans cache : "
            "médiane de 5 requêtes isolées, chacune après une écriture qui invalide le cache (le "
            "coût d'une première vue). SQL : requêtes de la page hors cache (entre parenthèses, "
            "pour une page publique : servie depuis le cache). Référence du débit : la meilleure "
            f"des deux mesures de `/sante/` ({reference:.0f} req/s).",
            "",
            *table,
            "",
            f"Mémoire des workers sur {memory['requests']} requêtes mêlant toutes les pages :",
            *memory_lines,
            "",
        ]
        lines += [
            f"Objectifs : {len(verdicts) - len(missed)} atteints sur {len(verdicts)}."
            + (
                ""
                if not missed
                else " Manqués : " + "; ".join(f"{v.target} ({v.detail})" for v in missed) + "."
            ),
            "",
            "Reproduire : `make bench` (ou `python -m tests.perf.bench --quick` pour un ordre d'idée).",
        ]
        markdown = "\n".join(lines) + "\n"
        say()
        say(markdown)
        output = Path(self.options.output)
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(markdown)
        say(f"Tableau écrit dans {output}.")
        for verdict in verdicts:
            say(f"{'ATTEINT' if verdict.met else 'MANQUÉ '}  {verdict.target}  {verdict.detail}")
        return 1 if missed else 0


def _int_or_none(value):
    return int(value) if value and value.isdigit() else None


def _show(value) -> str:
    return "?" if value is None else str(value)


def _cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "processeur inconnu"


def interrupt_on_sigterm() -> None:
    """SIGTERM cleans up like Ctrl-C does."""

    def handler(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, handler)


def main(argv=None) -> int:
    options = parse_args(argv)
    interrupt_on_sigterm()
    with contextlib.ExitStack() as stack:
        try:
            return Benchmark(options, stack).run()
        except BenchError as error:
            say(f"ERREUR : {error}")
            return 2
        except KeyboardInterrupt:
            say("Interrompu : arrêt du serveur et nettoyage.")
            return 130
        finally:
            say("Nettoyage…")


if __name__ == "__main__":
    sys.exit(main())
