"""docker-compose files: services, named volumes and networks, and containers given host powers."""

from __future__ import annotations

from ..models import DESTRUCTIVE_DATA, PERMISSION_WIDENING, RESOURCE_DELETION, Severity, Signal
from ..rx import lazy
from .engine import Definition, FileContext, Partial
from .lex.yaml_outline import flow_items
from .workflows import scan_scripts
from .yaml_view import (
    Change,
    SideView,
    changes,
    cosmetic,
    dedupe,
    file_symbol,
    fresh,
    section_headers,
    symbol_changes,
)

_SECTIONS = {
    "services": "service",
    "volumes": "volume",
    "networks": "network",
    "secrets": "secret",
    "configs": "config",
}
#: container ports of datastores that should not listen on every host interface
_DB_PORTS = frozenset(
    [
        "5432",
        "3306",
        "33060",
        "27017",
        "27018",
        "6379",
        "6380",
        "9200",
        "9300",
        "9042",
        "11211",
        "5672",
        "15672",
        "5984",
        "7474",
        "7687",
        "8086",
        "2379",
        "2181",
        "9092",
        "1433",
        "1521",
        "26257",
        "8123",
        "9000",
        "28015",
        "50000",
        "5433",
        "4222",
        "6650",
        "8529",
    ]
)
_LOOPBACK = ("127.", "localhost", "[::1]", "::1")
_PORT_RE = lazy(
    r"^(?:(?P<ip>\[[^\]]+\]|[\d.]+|localhost):)?(?:(?P<host>[\d-]+):)?(?P<ctr>\d+)(?:-\d+)?(?:/\w+)?$"
)
_SCRIPT_KEYS = frozenset({"command", "entrypoint"})
_SOCKET_RE = lazy(r"/var/run/docker\.sock|/run/docker\.sock")


def _definitions(view: SideView) -> list[Definition]:
    out: list[Definition] = []
    for _ol, _i, n in view.nodes():
        if n.key == "-" or not n.exact:
            continue
        end = max(n.end, n.line)
        if n.path == () and n.key not in _SECTIONS:
            out.append(Definition("key", n.key, n.start, end, n.line, virtual=n.virtual))
        elif len(n.path) == 1 and n.path[0] in _SECTIONS:
            out.append(
                Definition(_SECTIONS[n.path[0]], n.key, n.start, end, n.line, virtual=n.virtual)
            )
    return out


def analyze_views(ctx: FileContext, old: SideView, new: SideView) -> Partial:
    part = Partial(language="docker-compose")
    results, old_out, new_out = symbol_changes(ctx, _definitions(old), _definitions(new))
    symbols = [sym for sym, _o, _n in results]
    part.symbols.extend(symbols)
    old_heads = section_headers(old, tuple(_SECTIONS))
    new_heads = section_headers(new, tuple(_SECTIONS))
    stray = file_symbol(
        ctx,
        [*(n for n in new_out if n not in new_heads), *(n for n in old_out if n not in old_heads)],
    )
    if stray is not None:
        part.symbols.append(stray)
    part.cosmetic = cosmetic(ctx)
    for sym in symbols:
        if sym.change != "deleted":
            continue
        if sym.kind == "service":
            part.signals.append(
                Signal(
                    kind=RESOURCE_DELETION,
                    code="compose.service_removed",
                    detail=f"removes compose service `{sym.name}`",
                    line=sym.line,
                    side="old",
                    symbol=sym.name,
                    severity="medium",
                )
            )
        elif sym.kind == "volume":
            part.signals.append(
                Signal(
                    kind=DESTRUCTIVE_DATA,
                    code="compose.volume_removed",
                    detail=f"removes named volume `{sym.name}` (its data is dropped with it)",
                    line=sym.line,
                    side="old",
                    symbol=sym.name,
                    severity="high",
                )
            )
    added = fresh(changes(ctx, new), changes(ctx, old))
    part.signals.extend(_widening(added))
    part.signals.extend(scan_scripts(added, _SCRIPT_KEYS))
    part.signals = dedupe(part.signals)
    return part


def _service(ch: Change) -> str | None:
    full = ch.path
    return full[1] if len(full) >= 2 and full[0] == "services" and full[1] != "-" else None


def _widening(added: list[Change]) -> list[Signal]:
    out: list[Signal] = []

    def sig(code: str, detail: str, ch: Change, sev: Severity) -> None:
        svc = _service(ch)
        where = f" in service `{svc}`" if svc else ""
        out.append(
            Signal(
                kind=PERMISSION_WIDENING,
                code=code,
                detail=detail + where,
                line=ch.line,
                side="new",
                symbol=svc,
                severity=sev,
            )
        )

    for ch in added:
        node = ch.node
        if ch.is_text or node is None:
            continue
        key, value = node.key, node.scalar.lower()
        parent = node.path[-1] if node.path else ""
        if key == "privileged" and value == "true":
            sig("compose.privileged", "runs a container privileged", ch, "high")
        elif key in ("pid", "ipc", "network_mode", "userns_mode", "uts") and value == "host":
            sev: Severity = "high" if key == "pid" else "medium"
            sig("compose.host_namespace", f"shares the host's namespace (`{key}: host`)", ch, sev)
        elif key == "cap_add" or (key == "-" and parent == "cap_add"):
            caps = flow_items(node.value) if key == "cap_add" else [node.scalar]
            if caps:
                sig(
                    "compose.capabilities_added",
                    f"adds capabilities {', '.join(caps)}",
                    ch,
                    "medium",
                )
        elif _SOCKET_RE.search(node.value):
            sig("compose.docker_socket", "mounts the Docker socket", ch, "high")
        elif (key == "-" and parent == "ports") or key in ("published", "ports"):
            for port in flow_items(node.value) if key == "ports" else [node.scalar]:
                if _exposed_db_port(port):
                    # spelled out as 0.0.0.0: the datastore is meant to be reachable from anywhere
                    world = port.strip().strip("\"'").startswith(("0.0.0.0:", "[::]:", "::"))
                    sig(
                        "compose.db_port_exposed",
                        f"publishes datastore port `{port}` on every interface",
                        ch,
                        "high" if world else "medium",
                    )
    return out


def _exposed_db_port(spec: str) -> bool:
    m = _PORT_RE.match(spec.strip())
    if m is None or m.group("ctr") not in _DB_PORTS:
        return False
    # "5432" alone publishes on a random host port, on every interface
    return not (m.group("ip") or "").startswith(_LOOPBACK)
