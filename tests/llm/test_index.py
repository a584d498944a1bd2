"""The scope index: terse, but every changed file, symbol and listed finding is in it, once."""

from __future__ import annotations

import re

from reviewer.llm.index import MAX_SYMBOL_CHARS, build_index, file_line, symbol_list
from reviewer.models import (
    BlastRadius,
    FileDiff,
    FileReview,
    FileScope,
    Finding,
    Review,
    Symbol,
)
from reviewer.record import replace

from . import samples

GRADLE = "deps/build.gradle"
DEPS = (
    "io.opencensus:opencensus-api",
    "io.opencensus:opencensus-impl",
    "io.opencensus:opencensus-exporter-trace-jaeger",
)


def _expand(listing: str) -> set[str]:
    """Names a symbol listing holds: ``stem{a, b}`` is ``stema`` and ``stemb``."""
    names: set[str] = set()
    for group in listing.split("; "):
        _, _, rest = group.partition(" ")
        for m in re.finditer(r"([^,{}]*)\{([^{}]*)\}|([^,{}]+)", rest):
            if m.group(3) is not None:
                names.add(m.group(3).strip())
            else:
                stem = m.group(1).strip()
                names.update(stem + leaf.strip() for leaf in m.group(2).split(","))
    return names


def _shown(name: str) -> str:
    return name if len(name) <= MAX_SYMBOL_CHARS else name[:MAX_SYMBOL_CHARS] + "…"


def _gradle_review() -> tuple[list[tuple[FileDiff, FileReview | None]], Review]:
    symbols = (
        Symbol("dependency", "javax.annotation:javax.annotation-api", "added"),
        *(Symbol("dependency", d, "deleted") for d in DEPS),
        Symbol("dependency", "opencensusVersion", "deleted"),
    )
    scope = FileScope(
        path=GRADLE,
        old_path=None,
        status="modified",
        language="groovy",
        role="dependency",
        symbols=symbols,
        additions=3,
        deletions=14,
    )
    findings = (
        Finding(
            "RV101-1", "RV101", "low", f"Dependency manifest `{GRADLE}` is unexplained", GRADLE
        ),
        *(
            Finding(f"RV212-{i}", "RV212", "low", f"Removes runtime dependency `{d}`", GRADLE)
            for i, d in enumerate(DEPS)
        ),
        Finding(
            "RV212-9",
            "RV212",
            "low",
            "Adds runtime dependency `javax.annotation:javax.annotation-api` (`1.3.2`)",
            GRADLE,
        ),
        Finding("RV502-1", "RV502", "info", "The blast radius is high: a plan is needed", None),
    )
    fd = FileDiff(path=GRADLE, old_path=None, status="modified")
    review = replace(
        samples.review(),
        files=(FileReview(scope=scope, explained=False),),
        findings=findings,
        blast_radius=BlastRadius("medium", ("removes runtime dependencies",)),
    )
    return [(fd, FileReview(scope=scope, explained=False))], review


def test_findings_alike_but_for_one_name_share_a_line_and_are_not_listed_twice() -> None:
    files, review = _gradle_review()
    index = build_index(files, review)
    line, *findings = index.entries[0].split("\n")
    assert line.startswith(f"{GRADLE} +3-14 dependency drift F1 ")
    assert findings[0] == (
        "  low: Removes runtime dependency …: F2 io.opencensus:opencensus-api; "
        "F3 io.opencensus:opencensus-impl; F4 io.opencensus:opencensus-exporter-trace-jaeger"
    )
    assert findings[1].startswith("  F5 low: Adds runtime dependency `javax.annotation")
    # the handles are numbered in reading order and name the right findings
    assert index.handles == {
        "F1": "RV101-1",
        "F2": "RV212-0",
        "F3": "RV212-1",
        "F4": "RV212-2",
        "F5": "RV212-9",
    }
    # a symbol a finding quotes is said there; the rest stay in the symbol list
    assert "dependency- opencensusVersion" in line and "opencensus-api" not in line
    assert "javax" not in line and "RV502" not in index.entries[0]
    assert index.head == "blast radius: removes runtime dependencies"


def test_every_symbol_is_named_in_its_file_entry() -> None:
    files, review = _gradle_review()
    more = [Symbol("output", f"output.vpc_{n}", "added") for n in ("id", "arn", "cidr_block")] + [
        Symbol("import", "import io.opencensus.trace.Span;", "deleted"),
        Symbol("import", "import io.opencensus.trace.Tracer;", "deleted"),
        Symbol("section", "You need a Kubernetes cluster where you will deploy it", "modified"),
        Symbol("function", "handler", "renamed", old_name="old_handler"),
        Symbol("function", "run", "signature"),
    ]
    fd, fr = files[0]
    assert fr is not None
    scope = replace(fr.scope, symbols=(*fr.scope.symbols, *more))
    files = [(fd, FileReview(scope=scope, explained=False))]
    entry = build_index(files, replace(review, files=(files[0][1],))).entries[0]
    line, *finding_lines = entry.split("\n")
    listing = line.split(" drift F1 ", 1)[1]
    named = _expand(listing)
    for s in scope.symbols:
        name = f"{s.old_name}>{s.name}" if s.old_name else s.name
        assert _shown(name) in named or s.name in "\n".join(finding_lines), name
    assert "output+ output.{vpc_id, vpc_arn, vpc_cidr_block}" in listing
    assert "import- import io.opencensus.trace.{Span;, Tracer;}" in listing
    assert "function> old_handler>handler; function! run" in listing


def test_a_file_line_marks_only_what_is_not_the_default() -> None:
    scope = FileScope(path="a.py", old_path=None, status="modified", language="python")
    fd = FileDiff(path="a.py", old_path=None, status="modified")
    assert file_line(fd, FileReview(scope=scope, explained=True)) == "a.py +0-0"
    renamed = replace(scope, path="b.py", old_path="a.py", status="renamed", role="test")
    fd2 = FileDiff(path="b.py", old_path="a.py", status="renamed")
    assert file_line(fd2, FileReview(scope=renamed, explained=False)) == (
        "b.py (from a.py) R +0-0 test UNEXPLAINED"
    )
    assert file_line(fd, None) == "a.py +0-0 UNANALYSED"
    assert symbol_list([Symbol("file", "a.py", "modified")]) == "file~ a.py"
    # a symbol that is the file itself says nothing the path does not
    assert file_line(
        fd,
        FileReview(
            scope=replace(scope, symbols=(Symbol("file", "a.py", "modified"),)), explained=True
        ),
    ) == ("a.py +0-0")


def test_the_blast_reason_is_given_only_when_no_finding_says_it() -> None:
    files, review = _gradle_review()
    quiet = replace(review, blast_radius=BlastRadius("low", ("no risky change kinds found",)))
    assert build_index(files, quiet).head == ""
    said = replace(
        review,
        blast_radius=BlastRadius(
            "high",
            (
                "Removes runtime dependency `io.opencensus:opencensus-api` — and the intent does not say so",
            ),
        ),
    )
    assert build_index(files, said).head == ""


def test_the_sample_index() -> None:
    d = samples.diff()
    reviews = {fr.scope.path: fr for fr in samples.review().files}
    index = build_index([(fd, reviews[fd.path]) for fd in d.files], samples.review())
    assert index.entries == (
        "src/billing/invoice.py +1-1 function~ total",
        "infra/main.tf +0-8 infra UNEXPLAINED F1 high [resource_deletion] "
        "resource- aws_s3_bucket.exports\n  F2 critical: Deletes `aws_db_instance.main`",
        "tests/test_invoice.py +1-1 test function~ test_total",
        "docs/notes.md +1-1 docs drift F3",
    )
