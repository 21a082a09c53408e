"""Plansign served by gunicorn for benchmarks, and a signed-in HTTP client to talk to it.

    from server import login, running_gunicorn

    with running_gunicorn(workers=2) as server:       # DEBUG off, DATABASE_URL of this process
        alice = login(server.url, "alice", "secret")   # a Session: cookies and CSRF token
        page = alice.get("/plans/1/")                  # Response: .status, .text, .headers
        alice.post("/plans/1/archive/", {})            # form-encoded, CSRF token included
        print(server.worker_rss_kib())                 # {pid: resident KiB} of each worker
        print(alice.cookie_header)                     # "csrftoken=…; sessionid=…" for wrk -H

The server runs the production settings (DEBUG=false, static files collected and served by
WhiteNoise) except SECURE_SSL_REDIRECT=false, since the loopback speaks plain HTTP. Its session
and CSRF cookies are still marked Secure, which a browser would not send over http://; the Session
here sends them anyway (one host, every cookie on "/"). Only the standard library is used.
"""

from __future__ import annotations

import http.client
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent  # the venv's bin: gunicorn is installed next to python
START_TIMEOUT = 60.0
STOP_TIMEOUT = 30.0  # gunicorn's default graceful timeout


# --- The server ---------------------------------------------------------------------------


@dataclass
class Server:
    """A running gunicorn: its base URL (no trailing slash), master pid and log file."""

    url: str
    pid: int
    log: Path

    def worker_pids(self) -> list[int]:
        """The pids of the worker processes (children of the master), sorted."""
        return sorted(_children(self.pid))

    def worker_rss_kib(self) -> dict[int, int]:
        """Resident memory of each worker in KiB (VmRSS from /proc), by pid."""
        return {pid: rss_kib(pid) for pid in self.worker_pids()}

    def log_text(self) -> str:
        """What gunicorn and Django wrote so far (stdout and stderr): tracebacks show up here."""
        return self.log.read_text(errors="replace")


def rss_kib(pid: int) -> int:
    """Resident memory of a process in KiB; 0 if it is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _children(pid: int) -> set[int]:
    try:
        return {int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()}
    except OSError:  # kernels without CONFIG_PROC_CHILDREN: scan every process's parent
        children = set()
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                # "pid (comm) state ppid …": comm may hold spaces, so split after the last ")".
                ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            if ppid == pid:
                children.add(int(stat.parent.name))
        return children


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_env(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """This process's environment with production settings for a loopback server, then `env`."""
    if not os.environ.get("DATABASE_URL", "").strip() and not (env or {}).get("DATABASE_URL"):
        raise RuntimeError("Set DATABASE_URL: the server must use the benchmark's database.")
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),  # 67 characters: settings want at least 50
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": "http://127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",  # plain HTTP on the loopback; no proxy redirects for us
        **(env or {}),
    }


@contextmanager
def running_gunicorn(
    *,
    workers: int = 2,
    port: int = 0,
    env: Mapping[str, str] | None = None,
    collectstatic: bool = True,
    extra_args: Sequence[str] = (),
) -> Iterator[Server]:
    """Run `gunicorn config.wsgi` on 127.0.0.1 until the block ends; yields the Server.

    `port` 0 picks a free port. `env` adds to or overrides the variables of `server_env`
    (DEBUG=false, a random SECRET_KEY, ALLOWED_HOSTS=127.0.0.1, SECURE_SSL_REDIRECT=false and
    this process's DATABASE_URL). `collectstatic` first runs `manage.py collectstatic`, as
    `make serve` does: with DEBUG off, pages need the manifest of hashed static file names.
    Ready means GET /healthz answered 200 and all workers are forked. On exit gunicorn gets
    SIGTERM (graceful: requests in flight finish) and SIGKILL if it is not gone after 30 s.
    """
    variables = server_env(env)
    if collectstatic:
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--no-input", "--verbosity", "0"],
            cwd=ROOT,
            env=variables,
            check=True,
        )
    port = port or free_port()
    with tempfile.NamedTemporaryFile(prefix="plansign-gunicorn-", suffix=".log") as log:
        process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "config.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--no-control-socket",
                *extra_args,
            ],
            cwd=ROOT,
            env=variables,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C reaches us only; we stop gunicorn in order
        )
        server = Server(url=f"http://127.0.0.1:{port}", pid=process.pid, log=Path(log.name))
        try:
            _wait_until_ready(server, process, workers)
            yield server
        finally:
            _stop(process)


def _wait_until_ready(server: Server, process: subprocess.Popen[bytes], workers: int) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"gunicorn exited with status {process.returncode}:\n{server.log_text()[-3000:]}"
            )
        try:
            healthy = Session(server.url, timeout=5).get("/healthz").status == 200
        except OSError:
            healthy = False
        if healthy and len(server.worker_pids()) >= workers:
            return
        time.sleep(0.1)
    raise RuntimeError(
        f"gunicorn did not answer /healthz within {START_TIMEOUT:.0f} s:\n"
        f"{server.log_text()[-3000:]}"
    )


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(STOP_TIMEOUT + 5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# --- The client ---------------------------------------------------------------------------


@dataclass
class Response:
    status: int
    text: str
    headers: Mapping[str, str] = field(default_factory=dict)

    @property
    def location(self) -> str:
        """Where a redirect points ("" if it is not one)."""
        return self.headers.get("Location", "")


class Session:
    """A browser of one server: keeps its cookies and sends the CSRF token with every POST.

    One new connection per request, as gunicorn's sync workers close each connection anyway.
    Redirects are returned, not followed. Errors (4xx, 5xx) are returned as Responses too;
    only a failed connection raises (OSError).
    """

    def __init__(self, base_url: str, *, timeout: float = 60.0) -> None:
        parts = urlsplit(base_url)
        if parts.scheme != "http" or not parts.hostname:
            raise ValueError(f"Expected http://host:port, not {base_url!r}.")
        self.base_url = base_url.rstrip("/")
        self.host, self.port = parts.hostname, parts.port or 80
        self.timeout = timeout
        self.cookies: dict[str, str] = {}

    @property
    def csrf_token(self) -> str:
        return self.cookies.get("csrftoken", "")

    @property
    def cookie_header(self) -> str:
        """The Cookie header this session sends, e.g. for `wrk -H "Cookie: …"`."""
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def get(self, path: str, headers: Mapping[str, str] | None = None) -> Response:
        return self.request("GET", path, headers=headers)

    def post(
        self,
        path: str,
        data: Mapping[str, str] | Sequence[tuple[str, str]],
        headers: Mapping[str, str] | None = None,
    ) -> Response:
        """POST a form, as a browser submits it: urlencoded, with CSRF token and Origin."""
        return self.request(
            "POST",
            path,
            body=urlencode(data).encode(),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "X-CSRFToken": self.csrf_token,
                "Origin": self.base_url,
                **(headers or {}),
            },
        )

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Response:
        sent = dict(headers or {})
        if self.cookies:
            sent["Cookie"] = self.cookie_header
        connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            connection.request(method, path, body=body, headers=sent)
            answer = connection.getresponse()
            text = answer.read().decode("utf-8", errors="replace")
            for header in answer.headers.get_all("Set-Cookie") or []:
                self._remember(header)
            return Response(answer.status, text, dict(answer.headers.items()))
        finally:
            connection.close()

    def _remember(self, header: str) -> None:
        cookie: SimpleCookie = SimpleCookie()
        cookie.load(header)
        for name, morsel in cookie.items():
            # Django deletes a cookie with Max-Age=0 and an expiry in 1970.
            if morsel["max-age"] == "0" or "1970" in morsel["expires"]:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = morsel.value


class LoginError(Exception):
    pass


def login(base_url: str, username: str, password: str) -> Session:
    """A Session signed in through the login form (GET for the CSRF cookie, then POST)."""
    session = Session(base_url)
    page = session.get("/accounts/login/")
    if page.status != 200 or not session.csrf_token:
        raise LoginError(f"GET /accounts/login/ answered {page.status} without a CSRF cookie.")
    answer = session.post("/accounts/login/", {"username": username, "password": password})
    if answer.status != 302 or "sessionid" not in session.cookies:
        raise LoginError(f"Signing in as {username!r} failed: HTTP {answer.status}.")
    return session
