"""The diff parser: every file of a real diff comes out, with its status and lines; nothing raises."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from unidiff.patch import PatchSet

from reviewer.diff import decode, parse_diff, unquote_path
from reviewer.errors import DiffError
from tests.conftest import Repo


def _edge_repo(repo: Repo) -> str:
    repo.write("f.txt", "a\nb\nc\nd\ne\nf\ng\nh\n")
    repo.write("m.sh", "echo hi\n")
    repo.write("sp ace.txt", "hello\n")
    repo.write("b.bin", b"\x00\x01bin")
    repo.write("ünï cödé.txt", "é\n")
    (repo.path / "link").symlink_to("f.txt")
    repo.write("gone.txt", "bye\n")
    repo.commit("init")
    repo.git("mv", "f.txt", "f2.txt")
    repo.write("f2.txt", "a\nb\nc\nd\ne\nf\ng\nH\n")
    (repo.path / "m.sh").chmod(0o755)
    (repo.path / "link").unlink()
    (repo.path / "link").symlink_to("m.sh")
    repo.write("b.bin", b"\x00\x02bin")
    repo.write("copy.txt", "a\nb\nc\nd\ne\nf\ng\nH\n")
    repo.write("sp ace.txt", "hello\nmore\n")
    repo.write("ünï cödé.txt", "é\nè\n")
    repo.write("nn.txt", "no newline")
    repo.remove("gone.txt")
    repo.git("add", "-A")
    return repo.git("diff", "--cached", "-M", "-C", "--find-copies-harder")


def test_every_kind_of_file_in_a_real_git_diff(repo: Repo) -> None:
    diff = parse_diff(_edge_repo(repo))
    by_path = {f.path: f for f in diff.files}
    assert set(by_path) == {
        "b.bin",
        "copy.txt",
        "f2.txt",
        "link",
        "m.sh",
        "nn.txt",
        "sp ace.txt",
        "ünï cödé.txt",
        "gone.txt",
    }
    assert by_path["b.bin"].binary
    assert by_path["copy.txt"].status == "copied" and by_path["copy.txt"].old_path == "f.txt"
    assert by_path["f2.txt"].status == "renamed" and by_path["f2.txt"].similarity == 87
    assert by_path["link"].symlink
    assert by_path["m.sh"].mode_change and by_path["m.sh"].new_mode == "100755"
    assert by_path["nn.txt"].status == "added" and by_path["nn.txt"].additions == 1
    assert by_path["gone.txt"].status == "deleted" and by_path["gone.txt"].deletions == 1
    assert by_path["sp ace.txt"].additions == 1
    assert by_path["ünï cödé.txt"].additions == 1


def test_line_numbers_follow_the_hunk_header() -> None:
    diff = parse_diff(
        "diff --git a/x.py b/x.py\n--- a/x.py\n+++ b/x.py\n@@ -10,3 +10,4 @@ def f():\n a\n-b\n+B\n+C\n c\n"
    )
    (h,) = diff.files[0].hunks
    assert h.section == "def f():"
    assert list(h.numbered()) == [
        (" ", 10, 10, "a"),
        ("-", 11, None, "b"),
        ("+", None, 11, "B"),
        ("+", None, 12, "C"),
        (" ", 12, 13, "c"),
    ]


def test_submodule_pointer_change(repo: Repo, tmp_path: Path) -> None:
    sub = Repo(tmp_path / "sub")
    sub.write("x", "1\n")
    first = sub.commit("one")
    sub.write("x", "2\n")
    second = sub.commit("two")
    repo.write("a.txt", "a\n")
    repo.commit("init")
    repo.git(
        "-c", "protocol.file.allow=always", "submodule", "add", "-q", str(sub.path), "vendor/sub"
    )
    repo.git("-C", "vendor/sub", "checkout", "-q", first)
    repo.commit("add submodule")
    repo.git("-C", "vendor/sub", "checkout", "-q", second)
    repo.git("add", "vendor/sub")
    text = repo.git("diff", "--cached", "--submodule=short")
    (fd,) = parse_diff(text).files
    assert fd.path == "vendor/sub" and fd.submodule


def test_plain_diff_u_output_without_git_headers() -> None:
    text = (
        "--- old/a.txt\t2020-01-01 00:00:00\n+++ new/a.txt\t2020-01-02 00:00:00\n@@ -1 +1 @@\n-x\n+y\n"
        "--- old/b.txt\t2020-01-01 00:00:00\n+++ new/b.txt\t2020-01-02 00:00:00\n@@ -1 +1,2 @@\n x\n+z\n"
    )
    diff = parse_diff(text)
    assert [f.additions for f in diff.files] == [1, 1]


def test_crlf_and_no_newline_markers() -> None:
    text = "diff --git a/a b/a\r\n--- a/a\r\n+++ b/a\r\n@@ -1 +1 @@\r\n-x\r\n\\ No newline at end of file\r\n+y\r\n"
    (fd,) = parse_diff(text).files
    assert fd.hunks[0].lines == ("-x", "+y")


def test_non_utf8_bytes_are_kept_and_reported() -> None:
    raw = b"diff --git a/l.txt b/l.txt\n--- a/l.txt\n+++ b/l.txt\n@@ -1 +1 @@\n-caf\xe9\n+cafe\n"
    (fd,) = parse_diff(decode(raw)).files
    assert fd.hunks[0].lines[0] == "-caf\ufffd"
    assert any("UTF-8" in p for p in fd.problems)


def test_only_the_file_with_undecodable_bytes_is_reported() -> None:
    raw = (
        b"diff --git a/ok.txt b/ok.txt\n--- a/ok.txt\n+++ b/ok.txt\n@@ -1 +1 @@\n-a\n+b\n"
        b"diff --git a/l.txt b/l.txt\n--- a/l.txt\n+++ b/l.txt\n@@ -1 +1 @@\n-caf\xe9\n+cafe\n"
        b"diff --git a/ok2.txt b/ok2.txt\n--- a/ok2.txt\n+++ b/ok2.txt\n@@ -1 +1 @@\n-c\n+d\n"
    )
    ok, bad, ok2 = parse_diff(decode(raw)).files
    assert ok.problems == ok2.problems == ()
    assert any("UTF-8" in p for p in bad.problems)


def test_truncated_hunk_keeps_every_file_and_says_so() -> None:
    text = (
        "diff --git a/a b/a\n--- a/a\n+++ b/a\n@@ -1,5 +1,5 @@\n-x\n+y\n"
        "diff --git a/b b/b\n--- a/b\n+++ b/b\n@@ -1 +1 @@\n-p\n+q\n"
    )
    diff = parse_diff(text)
    assert [f.path for f in diff.files] == ["a", "b"]
    assert diff.files[0].problems and "truncated" in diff.files[0].problems[0]
    assert diff.files[1].additions == 1 and not diff.files[1].problems


def test_not_a_diff_is_one_clear_error() -> None:
    with pytest.raises(DiffError, match="not a unified diff"):
        parse_diff("hello\nthis is a letter, not a patch\n")


def test_empty_input_is_an_empty_diff() -> None:
    assert parse_diff("").files == ()
    assert parse_diff("\n\n").files == ()


def test_quoted_paths() -> None:
    assert unquote_path('"a/\\303\\274n\\303\\257.txt"') == "a/ünï.txt"
    assert unquote_path('"tab\\there"') == "tab\there"
    text = 'diff --git "a/x y\\t.txt" "b/x y\\t.txt"\nnew file mode 100644\n--- /dev/null\n+++ "b/x y\\t.txt"\n@@ -0,0 +1 @@\n+z\n'
    (fd,) = parse_diff(text).files
    assert fd.path == "x y\t.txt" and fd.status == "added"


def test_format_patch_preamble_and_trailer_are_ignored(repo: Repo) -> None:
    repo.write("a.txt", "1\n")
    repo.commit("one")
    repo.write("a.txt", "2\n")
    repo.commit("two: change a\n\nBody text --- with dashes\n")
    text = repo.git("format-patch", "-1", "--stdout")
    (fd,) = parse_diff(text).files
    assert fd.path == "a.txt" and (fd.additions, fd.deletions) == (1, 1)


def test_huge_single_line_and_many_files() -> None:
    big = "x" * 5_000_000
    text = f"diff --git a/m.js b/m.js\n--- a/m.js\n+++ b/m.js\n@@ -1 +1 @@\n-{big}\n+{big}y\n"
    (fd,) = parse_diff(text).files
    assert len(fd.hunks[0].lines[1]) == 5_000_002
    many = "".join(
        f"diff --git a/d/{i}.txt b/d/{i}.txt\n--- a/d/{i}.txt\n+++ b/d/{i}.txt\n@@ -1 +1 @@\n-a\n+b\n"
        for i in range(20_000)
    )
    assert len(parse_diff(many).files) == 20_000


# --- agreement with unidiff, the well-kept parser, as an oracle ------------------------------------

_line = st.text(
    alphabet=st.characters(
        exclude_categories=["Cs"],
        exclude_characters="\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029",
    ),
    max_size=30,
)


@st.composite
def _diffs(draw: st.DrawFn) -> str:
    out = []
    for i in range(draw(st.integers(1, 4))):
        path = f"dir{i}/file_{draw(st.integers(0, 99))}.py"
        out.append(
            f"diff --git a/{path} b/{path}\nindex 1111111..2222222 100644\n--- a/{path}\n+++ b/{path}\n"
        )
        start = 1
        for _ in range(draw(st.integers(1, 3))):
            body = draw(st.lists(st.tuples(st.sampled_from(" -+"), _line), min_size=1, max_size=8))
            old = sum(1 for p, _ in body if p != "+")
            new = sum(1 for p, _ in body if p != "-")
            out.append(f"@@ -{start},{old} +{start},{new} @@\n")
            out.extend(f"{p}{t}\n" for p, t in body)
            start += old + 5
    return "".join(out)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_diffs())
def test_agrees_with_unidiff(text: str) -> None:
    ours = parse_diff(text)
    theirs = PatchSet(text)
    assert [f.path for f in ours.files] == [f.path for f in theirs]
    for a, b in zip(ours.files, theirs, strict=False):
        assert (a.additions, a.deletions) == (b.added, b.removed)
        assert [(h.old_start, h.old_count, h.new_start, h.new_count) for h in a.hunks] == [
            (h.source_start, h.source_length, h.target_start, h.target_length) for h in b
        ]


@settings(max_examples=200, deadline=None)
@given(_diffs(), st.integers(0, 10_000))
def test_truncated_diffs_never_raise(text: str, cut: int) -> None:
    cut_text = text[: cut % (len(text) + 1)]
    try:
        diff = parse_diff(cut_text)
    except DiffError:
        assert "diff --git a" not in cut_text
        return
    # a cut inside the first header may leave nothing to review; any complete header is a file
    assert diff.files or cut_text.strip() == "" or "\n" not in cut_text.split("diff --git", 1)[-1]


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_arbitrary_bytes_are_a_diff_or_one_clear_error(data: bytes) -> None:
    try:
        parse_diff(decode(b"diff --git a/x b/x\n" + data))
    except DiffError as exc:  # pragma: no cover - a header is present, so this should not happen
        pytest.fail(f"unexpected error: {exc}")


def test_git_diff_of_the_real_bench_shapes_matches_unidiff(repo: Repo) -> None:
    text = _edge_repo(repo)
    ours = {f.path: (f.additions, f.deletions) for f in parse_diff(text).files}
    theirs = {f.path: (f.added, f.removed) for f in PatchSet(text)}
    # unidiff keeps git's quoting for non-ASCII names; compare on the files both name the same
    common = set(ours) & set(theirs)
    assert len(common) >= 7
    assert all(ours[p] == theirs[p] for p in common)


def test_git_itself_is_used_for_the_fixture(repo: Repo) -> None:
    # guard: the fixtures above run real git, not a stand-in
    out = subprocess.run(["git", "--version"], capture_output=True, text=True, check=True).stdout
    assert out.startswith("git version")
