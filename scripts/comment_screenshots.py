"""Pictures of the PR comment as GitHub shows it: docs/comment-*.png and docs/comment.md.

    python scripts/comment_screenshots.py [--chromium /usr/bin/chromium] [--out docs]

Renders the review of three changes to the sticky comment's Markdown, turns it into HTML with
GitHub's own GFM renderer (cmarkgfm, a test dependency), wraps it in a page with inline CSS close to
github.com's, and takes a screenshot with headless Chromium (Debian's package ``chromium``). Works
offline: the page fetches nothing, and Chromium runs with a fresh profile and no network services.

The three changes: the bundled honest fix, the bundled incident, and a large breaking release that
this script generates (84 files over Terraform modules, Kubernetes manifests, code, workflows and
docs: a module that drops a database and renames a cluster, widened IAM, a removed CI gate).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import cmarkgfm  # noqa: E402
from cmarkgfm.cmark import Options  # noqa: E402

from reviewer.diff import parse_diff  # noqa: E402
from reviewer.intent import parse_intent  # noqa: E402
from reviewer.render.markdown import render  # noqa: E402
from reviewer.review import review  # noqa: E402

WIDTH = 900
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--hide-scrollbars",
    "--force-device-scale-factor=1",
)
CSS = """
body { margin: 0; background: #fff; color: #1f2328;
       font: 14px/1.5 -apple-system, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif; }
.comment { box-sizing: border-box; width: %dpx; padding: 16px 24px; border: 1px solid #d1d9e0;
           border-radius: 6px; margin: 8px; }
.head { margin: -16px -24px 16px; padding: 8px 16px; background: #f6f8fa;
        border-bottom: 1px solid #d1d9e0; border-radius: 6px 6px 0 0; color: #59636e; }
h3 { font-size: 1.25em; margin: 0 0 16px; } h4 { font-size: 1em; margin: 24px 0 16px; }
code { font: 85%% ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; padding: .2em .4em;
       background: #eff1f3; border-radius: 6px; }
table { border-collapse: collapse; display: block; max-width: 100%%; overflow: auto; }
th, td { border: 1px solid #d1d9e0; padding: 6px 13px; } tr:nth-child(2n) { background: #f6f8fa; }
ul { padding-left: 2em; } li + li { margin-top: .25em; } details { margin: 16px 0; }
summary { cursor: pointer; } hr { border: 0; border-top: 1px solid #d1d9e0; margin: 24px 0 8px; }
sub { color: #59636e; } blockquote { margin: 0; padding: 0 1em; color: #59636e;
      border-left: .25em solid #d1d9e0; }
input[type=checkbox] { margin: 0 .3em 0 -1.4em; } li.task-list-item { list-style: none; }
"""


def gfm_html(markdown: str) -> str:
    """The comment as GitHub renders it (GFM; raw HTML kept, as GitHub keeps <details>)."""
    html: str = cmarkgfm.github_flavored_markdown_to_html(
        markdown, options=Options.CMARK_OPT_UNSAFE
    )
    return html


def page(markdown: str) -> str:
    body = gfm_html(markdown)
    body = re.sub(r"<li>(<input [^>]*>)", r'<li class="task-list-item">\1', body)
    return (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<style>{CSS % WIDTH}</style></head><body><div class='comment'>"
        "<div class='head'><b>intent-reviewer</b> commented</div>"
        f"{body}</div>"
        "<script>document.title = 'H' + document.documentElement.scrollHeight;</script>"
        "</body></html>"
    )


def screenshot(chromium: str, html: str, png: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "comment.html"
        path.write_text(html, "utf-8")
        profile = Path(tmp) / "profile"
        common = [chromium, *FLAGS, f"--user-data-dir={profile}"]
        dom = subprocess.run(
            [*common, "--dump-dom", path.as_uri()],
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        ).stdout
        m = re.search(r"<title>H(\d+)</title>", dom)
        height = int(m.group(1)) + 16 if m else 2000
        subprocess.run(
            [
                *common,
                f"--window-size={WIDTH + 16},{height}",
                f"--screenshot={png}",
                path.as_uri(),
            ],
            capture_output=True,
            timeout=120,
            check=True,
        )


def large_release() -> tuple[str, str]:
    """A generated breaking release: 84 files, a title that says what it means to do."""
    parts: list[str] = []

    def add(path: str, old: list[str], new: list[str]) -> None:
        hunk = [f"-{line}" for line in old] + [f"+{line}" for line in new]
        parts.append(
            f"diff --git a/{path} b/{path}\n--- a/{path}\n+++ b/{path}\n"
            f"@@ -1,{len(old)} +1,{len(new)} @@\n" + "\n".join(hunk) + "\n"
        )

    add(
        "modules/database/main.tf",
        [
            'resource "aws_db_instance" "main" {',
            '  identifier          = "app-prod"',
            "  deletion_protection = true",
            "}",
        ],
        [
            'resource "aws_db_instance" "main" {',
            '  identifier          = "app-prod-v2"',
            "  deletion_protection = false",
            "  skip_final_snapshot = true",
            "}",
        ],
    )
    add(
        "modules/cluster/main.tf",
        ['resource "aws_eks_cluster" "main" {', '  name = "prod"', "}"],
        ['resource "aws_eks_cluster" "this" {', '  name = "prod-v2"', "}"],
    )
    add(
        "modules/iam/policy.tf",
        ['    actions   = ["s3:GetObject"]', '    resources = ["arn:aws:s3:::reports/*"]'],
        ['    actions   = ["s3:*"]', '    resources = ["*"]'],
    )
    add(
        ".github/workflows/ci.yml",
        ["  test:", "    runs-on: ubuntu-latest", "    steps:", "      - run: make test"],
        ["  test:", "    runs-on: ubuntu-latest", "    steps:", "      - run: echo skipped"],
    )
    for i in range(30):
        add(
            f"src/app/api/handler_{i:02}.py",
            [f"def handle_{i}(request):", "    return request.json()"],
            [f"def handle_{i}(request, *, version=2):", "    return request.json(version=version)"],
        )
    for i in range(25):
        add(
            f"deploy/k8s/service-{i:02}.yaml",
            ["apiVersion: apps/v1", "kind: Deployment", "spec:", "  replicas: 2"],
            ["apiVersion: apps/v1", "kind: Deployment", "spec:", "  replicas: 3"],
        )
    for i in range(20):
        add(
            f"docs/guide/page-{i:02}.md",
            [f"Version 1 guide, page {i}."],
            [f"Version 2 guide, page {i}."],
        )
    add(
        "CHANGELOG.md",
        ["## 1.9.0"],
        ["## 2.0.0", "", "- v2 API: handlers take a version", "## 1.9.0"],
    )
    add("pyproject.toml", ['version = "1.9.0"'], ['version = "2.0.0"'])
    add("README.md", ["Install 1.9."], ["Install 2.0."])
    add("src/app/__init__.py", ['__version__ = "1.9.0"'], ['__version__ = "2.0.0"'])
    add("docs/guide/index.md", ["# Guide (v1)"], ["# Guide (v2)"])
    intent = (
        "Release 2.0: version 2 of the API handlers\n\n"
        "Every handler takes a `version` argument; the Kubernetes services scale to 3 replicas; the "
        "guide and the changelog describe version 2."
    )
    return "".join(parts), intent


def cases() -> list[tuple[str, str, str, str]]:
    ex = ROOT / "examples"
    diff, intent = large_release()
    return [
        (
            "honest",
            "a small honest change",
            (ex / "honest-fix.diff").read_text("utf-8"),
            (ex / "honest-fix.txt").read_text("utf-8"),
        ),
        (
            "incident",
            "the bundled incident",
            (ex / "cost-explorer-fix.diff").read_text("utf-8"),
            (ex / "cost-explorer-fix.txt").read_text("utf-8"),
        ),
        ("release", "a large breaking release (generated, 84 files)", diff, intent),
    ]


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--chromium", default=shutil.which("chromium") or "chromium")
    p.add_argument("--out", default=str(ROOT / "docs"))
    args = p.parse_args()
    out = Path(args.out)
    lines = [
        "# The PR comment, as GitHub shows it",
        "",
        "Made by `python scripts/comment_screenshots.py` (GFM rendered by cmarkgfm, screenshots by",
        "headless Chromium, offline). The Markdown sizes are what the Action posts.",
        "",
    ]
    for name, label, diff, intent in cases():
        r = review(parse_diff(diff), parse_intent(intent, source="pr"))
        md = render(r)
        png = out / f"comment-{name}.png"
        screenshot(args.chromium, page(md), png)
        size = len(md.encode("utf-8"))
        lines += [
            f"## {label[:1].upper() + label[1:]}",
            "",
            f"{len(r.files)} files, {len(r.findings)} findings, {len(r.questions)} questions asked, "
            f"{size / 1000:.1f} KB of Markdown.",
            "",
            f"![the comment for {label}](comment-{name}.png)",
            "",
        ]
        print(f"{png}: {len(r.questions)} questions, {size / 1000:.1f} KB")
    lines += [
        "## Why there is no Mermaid sketch",
        "",
        "A sketch of intent against scope was considered and left out. Outside the PR page (e-mail",
        "notifications, the job summary read through the API, GFM renderers such as cmarkgfm) a",
        "Mermaid block shows as raw code; on the large release it would need a node per area or",
        'file and would not fit two screens; and the headline ("Unstated: ...") and the areas',
        "list already say the same in two lines of text that every reader sees.",
        "",
    ]
    (out / "comment.md").write_text("\n".join(lines), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
