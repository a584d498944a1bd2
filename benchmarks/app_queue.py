"""The App under a burst, and its shutdown with a full queue (issue 14, items 6 and 7).

    python benchmarks/app_queue.py [--deliveries 200] [--prs 20] [--delay 0.05]

Starts ``reviewer serve`` (embedded SQLite queue, 2 workers) against the tests' fake GitHub,
whose every request takes ``--delay`` seconds, and sends a burst of deliveries for ``--prs``
pull requests from 16 threads. Prints the answers, then sends SIGTERM while the queue is full
and prints how long the server took to exit; then starts it again on the same file, waits until
the queue is empty and prints reviews completed, deliveries coalesced, failed and lost. Numbers,
not a test; needs the test extra (the fake GitHub lives in tests/).
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SECRET = b"bench-secret"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(env: dict[str, str], port: int, data: Path) -> subprocess.Popen[bytes]:
    import httpx

    proc = subprocess.Popen(
        [sys.executable, "-m", "reviewer", "serve", "--port", str(port), "--data-dir", str(data)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(data / "serve.log").open("ab"),
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return proc
        except httpx.TransportError:
            time.sleep(0.05)
    raise SystemExit("the server did not start")


def main() -> None:
    import httpx
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    from tests.github.conftest import pr_event, risky_pr
    from tests.github.fakegithub import FakeGitHub

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--deliveries", type=int, default=200)
    ap.add_argument("--prs", type=int, default=20)
    ap.add_argument("--delay", type=float, default=0.05)
    args = ap.parse_args()

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    fake = FakeGitHub().start()
    fake.bot_login = "intent-reviewer[bot]"
    numbers = list(range(2, 2 + args.prs))
    for n in numbers:
        risky_pr(fake, number=n)
    fake.before = lambda method, path: time.sleep(args.delay)
    bodies = {n: json.dumps(pr_event(fake, number=n)).encode() for n in numbers}
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "OPENAI_"))}
    env.update(
        GITHUB_WEBHOOK_SECRET=SECRET.decode(),
        GITHUB_APP_ID=fake.app_id,
        GITHUB_APP_PRIVATE_KEY=pem,
        GITHUB_API_URL=fake.url,
    )
    port = free_port()
    url = f"http://127.0.0.1:{port}/webhook"
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        proc = start(env, port, data)

        def send(i: int) -> int:
            body = bodies[numbers[i % len(numbers)]]
            sig = "sha256=" + hmac.new(SECRET, body, hashlib.sha256).hexdigest()
            headers = {
                "X-GitHub-Event": "pull_request",
                "X-GitHub-Delivery": f"burst-{i}",
                "X-Hub-Signature-256": sig,
                "Content-Type": "application/json",
            }
            return httpx.post(url, content=body, headers=headers, timeout=30).status_code

        started = time.perf_counter()
        with ThreadPoolExecutor(16) as pool:
            codes = Counter(pool.map(send, range(args.deliveries)))
        burst = time.perf_counter() - started
        print(
            f"burst: {args.deliveries} deliveries for {args.prs} PRs in {burst:.2f} s: "
            + ", ".join(f"{n} x {c}" for c, n in sorted(codes.items()))
        )
        health = httpx.get(f"http://127.0.0.1:{port}/healthz").json()
        print(f"queue at SIGTERM: {health['queued']} queued, {health['running']} running")
        stopping = time.perf_counter()
        proc.send_signal(signal.SIGTERM)
        proc.wait(60)
        print(f"shutdown with a full queue: exited in {time.perf_counter() - stopping:.2f} s")

        proc = start(env, port, data)
        draining = time.perf_counter()
        while True:
            health = httpx.get(f"http://127.0.0.1:{port}/healthz").json()
            if not health["queued"] and not health["running"]:
                break
            time.sleep(0.1)
        drained = time.perf_counter() - draining
        proc.send_signal(signal.SIGTERM)
        proc.wait(60)
        with sqlite3.connect(data / "deliveries.sqlite3") as db:
            states = Counter(s for (s,) in db.execute("SELECT state FROM jobs"))
            notes = Counter(n for (n,) in db.execute("SELECT note FROM jobs"))
        db.close()
        lost = args.deliveries - sum(states.values())
        print(
            f"after a restart, drained in {drained:.1f} s: {dict(states)}; "
            f"reviews completed {notes['reviewed']} ({len(fake.check_runs)} check runs), "
            f"coalesced {notes['coalesced into a later review']}, lost {lost}"
        )
    fake.stop()


if __name__ == "__main__":
    main()
