"""What the benchmark (bench.py) and the load test (loadtest.py) share: a fresh PostgreSQL
database, Redis, gunicorn with production settings, and an HTTP client that behaves like a
browser behind the CCAS's HTTPS proxy. Loopback only."""

import contextlib
import http.client
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path

import django
import psycopg2
import redis
from django.apps import apps
from django.db import connections

BASE_DIR = Path(__file__).resolve().parents[2]
# Who sees a page: anyone, or the member of the large network whose session the run holds.
PUBLIC, MEMBER = "public", "membre"
PG_HOST, PG_PORT, PG_USER = "127.0.0.1", 5432, "postgres"
REDIS_HOST, REDIS_PORT, REDIS_DB = "127.0.0.1", 6379, 5
PORTS = range(8090, 8100)

# Our configuration variables: a run sets them all, never inherits them from the caller's
# shell (a DATABASE_URL exported for another purpose must not be benchmarked, or dropped).
CONFIG_VARIABLES = {
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "DATABASE_URL",
    "REDIS_URL",
    "URL_PREFIX",
    "SITE_URL",
    "STATIC_ROOT",
    "MEDIA_ROOT",
    "VAR_DIR",
    "SERVE_MEDIA",
    "PAGE_CACHE_SECONDS",
    "CONN_MAX_AGE",
    "SECURE_SSL_REDIRECT",
    "BEHIND_HTTPS_PROXY",
    "TASKS_BACKEND",
    "EMAIL_HOST",
    "STAFF_2FA",
    "LOG_LEVEL",
    "DJANGO_SETTINGS_MODULE",
}


def say(message: str = "") -> None:
    print(message, flush=True)


class BenchError(Exception):
    """Something the run needs is missing or broken: stop, clean up, explain."""


def as_root(command: list[str]) -> list[str]:
    return command if os.geteuid() == 0 else ["sudo", *command]


def postgres_cluster_command(action: str) -> list[str]:
    versions = sorted(os.listdir("/etc/postgresql")) if os.path.isdir("/etc/postgresql") else []
    if not versions:
        raise BenchError("Aucun cluster PostgreSQL Debian (/etc/postgresql) sur cette machine.")
    return as_root(["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1], "main", action])


def postgres_ready() -> bool:
    try:
        with socket.create_connection((PG_HOST, PG_PORT), timeout=1):
            pass
    except OSError:
        return False
    if shutil.which("pg_isready"):
        command = ["pg_isready", "-q", "-h", PG_HOST, "-p", str(PG_PORT)]
        return subprocess.run(command).returncode == 0
    return True


def require_postgres() -> None:
    if postgres_ready():
        return
    say("PostgreSQL ne répond pas sur 127.0.0.1:5432 : démarrage du cluster…")
    subprocess.run(postgres_cluster_command("start"), capture_output=True)
    for _ in range(30):
        if postgres_ready():
            return
        time.sleep(1)
    raise BenchError("PostgreSQL ne répond pas sur 127.0.0.1:5432.")


def postgres_admin(*statements: str) -> None:
    connection = psycopg2.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, dbname="postgres")
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
    finally:
        connection.close()


def database_exists(name: str) -> bool:
    connection = psycopg2.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, dbname="postgres")
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            return cursor.fetchone() is not None
    finally:
        connection.close()


def create_database(name: str) -> None:
    postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')


def drop_database(name: str) -> None:
    if apps.ready:
        connections.close_all()
    postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def database_url(name: str) -> str:
    return f"postgres://{PG_USER}@{PG_HOST}:{PG_PORT}/{name}"


class Redis:
    """The shared cache of the run: the machine's Redis (a database of its own, flushed), or
    a private redis-server on a free port when none answers or when the run stops and starts it
    again (`private`: the machine's Redis serves others and is never stopped)."""

    def __init__(self, *, private: bool = False):
        self.private = private
        self.process = None
        self.directory = None
        self.port = REDIS_PORT

    @property
    def url(self) -> str:
        return f"redis://{REDIS_HOST}:{self.port}/{REDIS_DB}"

    def start(self) -> "Redis":
        if self.private or not self._answers(REDIS_PORT):
            self.port = free_port(range(16379, 16400))
            self.directory = tempfile.mkdtemp(prefix="utopia-redis-")
            self._spawn()
            say(f"Redis privé démarré sur 127.0.0.1:{self.port}.")
        self.flush()
        return self

    def _spawn(self) -> None:
        server = shutil.which("redis-server")
        if not server:
            why = (
                "Ce test arrête et redémarre un Redis à lui"
                if self.private
                else "Redis ne répond pas sur 127.0.0.1:6379"
            )
            raise BenchError(
                f"{why} et redis-server n'est pas installé (apt-get install redis-server)."
            )
        # Nothing kept on disk: a restarted Redis comes back empty, as after a reboot.
        self.process = subprocess.Popen(
            [
                server,
                "--port",
                str(self.port),
                "--bind",
                REDIS_HOST,
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                self.directory,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 10
        while not self._answers(self.port):
            if time.monotonic() > deadline:
                raise BenchError("Le serveur Redis de ce banc n'a pas démarré.")
            time.sleep(0.1)

    def resume(self) -> None:
        self._spawn()

    def keys(self) -> int:
        return redis.Redis(host=REDIS_HOST, port=self.port, db=REDIS_DB).dbsize()

    def flush(self) -> None:
        redis.Redis(host=REDIS_HOST, port=self.port, db=REDIS_DB).flushdb()

    def stop(self) -> None:
        self.halt()
        if self.directory:
            shutil.rmtree(self.directory, ignore_errors=True)
            self.directory = None

    def halt(self) -> None:
        """Stop the private server, keeping its port for resume(): the portal's REDIS_URL."""
        if self.process is not None:
            self.process.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(5)
            if self.process.poll() is None:
                self.process.kill()
            self.process = None

    @staticmethod
    def _answers(port: int) -> bool:
        try:
            with socket.create_connection((REDIS_HOST, port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False


def free_port(candidates=PORTS) -> int:
    for port in candidates:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_env(
    *,
    database: str,
    redis_url: str | None,
    var_dir: Path,
    settings: str = "utopia.settings",
    **extra,
) -> dict:
    """The environment of a production server, on loopback, for this run only."""
    env = {key: value for key, value in os.environ.items() if key not in CONFIG_VARIABLES}
    env.update(
        DJANGO_SETTINGS_MODULE=settings,
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=database,
        STATIC_ROOT=str(var_dir / "static"),
        MEDIA_ROOT=str(var_dir / "media"),
        VAR_DIR=str(var_dir),
        SITE_URL="https://127.0.0.1",
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
    env.update({key: str(value) for key, value in extra.items()})
    return env


def use_env(env: dict) -> None:
    """This process becomes a production process too (to migrate, fill and pick pages)."""
    for key in CONFIG_VARIABLES:
        os.environ.pop(key, None)
    os.environ.update(env)
    django.setup()


def manage(*args: str, env: dict, quiet: bool = False) -> None:
    """A management command in its own process, as an operator would run it."""
    run_python("manage.py", *args, env=env, quiet=quiet)


def build_large_network(*, partners: int, actions: int, groups: int, env: dict, quiet=False):
    """The large network (large_network.py) in its own process, with the run's settings."""
    sizes = [f"--partners={partners}", f"--actions={actions}", f"--groups={groups}"]
    run_python("-m", "tests.perf.large_network", *sizes, env=env, quiet=quiet)


def run_python(*args: str, env: dict, quiet: bool) -> None:
    result = subprocess.run(
        [sys.executable, *args], cwd=BASE_DIR, env=env, capture_output=quiet, text=True
    )
    if result.returncode != 0:
        detail = (result.stdout or "") + (result.stderr or "") if quiet else ""
        raise BenchError(f"python {' '.join(args)} a échoué. {detail.strip()}")


class Server:
    """gunicorn with the production settings of `env`, in its own process group."""

    def __init__(self, *, env: dict, port: int, workers: int, threads: int, log_path: Path):
        self.env, self.port, self.workers, self.threads = env, port, workers, threads
        self.log_path = log_path
        self.process = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def description(self) -> str:
        kind = f"gthread, {self.threads} fils" if self.threads > 1 else "sync"
        return f"gunicorn {self.workers} workers ({kind})"

    def start(self) -> "Server":
        command = [sys.executable, "-m", "gunicorn", "utopia.wsgi:application"]
        command += ["--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers)]
        if self.threads > 1:
            command += ["--worker-class", "gthread", "--threads", str(self.threads)]
        command += ["--keep-alive", "5", "--graceful-timeout", "5", "--timeout", "30"]
        if os.path.isdir("/dev/shm"):
            command += ["--worker-tmp-dir", "/dev/shm"]
        self.log = open(self.log_path, "ab")  # noqa: SIM115 (closed in stop())
        self.process = subprocess.Popen(
            command,
            cwd=BASE_DIR,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while True:
            if self.process.poll() is not None:
                raise BenchError(f"gunicorn s'est arrêté au démarrage : voir {self.log_path}")
            with contextlib.suppress(OSError, http.client.HTTPException):
                if Client(self.port).get("/sante/").status == 200:
                    break
            if time.monotonic() > deadline:
                raise BenchError(f"gunicorn ne répond pas : voir {self.log_path}")
            time.sleep(0.2)
        # Every worker booted (each imports Django on its own).
        deadline = time.monotonic() + 30
        while len(self.worker_pids()) < self.workers and time.monotonic() < deadline:
            time.sleep(0.2)
        return self

    def worker_pids(self) -> list[int]:
        if self.process is None:
            return []
        pids = []
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == self.process.pid:
                pids.append(int(entry))
        return sorted(pids)

    @staticmethod
    def rss_kib(pid: int) -> int:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        return 0

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def stop(self) -> None:
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(5)
        self.process = None
        self.log.close()


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")


CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Client:
    """A browser reduced to what the site needs: cookies, CSRF, and the HTTPS proxy header.

    The reverse proxy of the CCAS terminates TLS and says so with X-Forwarded-Proto; the
    cookies are `Secure`, so they are kept here by hand rather than by http.cookiejar.
    """

    def __init__(self, port: int, *, timeout: float = 15):
        self.port, self.timeout = port, timeout
        self.cookies: dict[str, str] = {}
        self.connection = None

    @property
    def origin(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    def _connection(self):
        if self.connection is None:
            self.connection = http.client.HTTPConnection(
                "127.0.0.1", self.port, timeout=self.timeout
            )
        return self.connection

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def request(self, method: str, path: str, data: dict | list | None = None) -> Response:
        headers = {"X-Forwarded-Proto": "https", "User-Agent": "utopia-bench"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if method == "POST":
            body = urllib.parse.urlencode(data or {}, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = self.origin
            headers["Referer"] = self.origin + path
        for attempt in (1, 2):
            connection = self._connection()
            try:
                connection.request(method, path, body=body, headers=headers)
                raw = connection.getresponse()
                payload = raw.read()
                break
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                # The server closed an idle keep-alive connection: once more on a new one.
                self.close()
                if attempt == 2 or method == "POST":
                    raise
            except Exception:
                self.close()
                raise
        if raw.getheader("Connection", "").lower() == "close":
            self.close()
        for header in raw.msg.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                if morsel["max-age"] == "0" or (morsel.value == "" and morsel["expires"]):
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return Response(raw.status, raw.msg, payload)

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post(self, path: str, data: dict | list) -> Response:
        return self.request("POST", path, data)

    def login(self, email: str, password: str, *, login_path: str = "/compte/connexion/") -> None:
        page = self.get(login_path)
        token = CSRF_FIELD.search(page.text)
        if page.status != 200 or token is None:
            raise BenchError(f"Page de connexion inattendue ({page.status}).")
        answer = self.post(
            login_path,
            {"username": email, "password": password, "csrfmiddlewaretoken": token.group(1)},
        )
        if answer.status != 302 or "sessionid" not in self.cookies:
            raise BenchError(f"Connexion refusée pour {email} ({answer.status}).")
