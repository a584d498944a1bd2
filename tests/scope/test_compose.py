from __future__ import annotations

from pathlib import Path

from reviewer.models import FileScope
from tests.helpers import scope_both

GOLDEN = Path(__file__).parent / "golden" / "compose"


def _codes(scope: FileScope) -> set[str]:
    return {s.code for s in scope.signals}


BASE = 'services:\n  db:\n    image: postgres:16\n    ports:\n      - "127.0.0.1:5432:5432"\n  web:\n    image: web:1\n'


def test_loopback_datastore_port_is_fine_but_all_interfaces_is_not() -> None:
    full, hunks = scope_both("compose.yaml", BASE, BASE.replace("web:1", "web:2"))
    assert _codes(full) == _codes(hunks) == set()
    full, hunks = scope_both(
        "compose.yaml", BASE, BASE.replace('"127.0.0.1:5432:5432"', '"5432:5432"')
    )
    assert _codes(full) == _codes(hunks) == {"compose.db_port_exposed"}


def test_docker_socket_mount() -> None:
    new = BASE.replace(
        "    image: web:1\n",
        "    image: web:1\n    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock\n",
    )
    full, hunks = scope_both("docker-compose.yml", BASE, new)
    assert _codes(full) == _codes(hunks) == {"compose.docker_socket"}
