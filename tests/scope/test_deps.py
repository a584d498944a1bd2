from __future__ import annotations

from pathlib import Path

import pytest

from reviewer.scope.deps.lockfiles import MAX_SYMBOLS
from tests.helpers import check_severities, package_lock, scope_both

GOLDEN = Path(__file__).parent / "golden" / "deps"


#: (code, severity) of every golden case; expected.json pins the codes, this pins severities
SEVERITIES: dict[str, set[tuple[str, str]]] = {
    "go_mod_major_path": {
        ("dep.indirect", "low"),
        ("dep.major_bump", "medium"),
        ("dep.runtime", "medium"),
        ("dep.source", "medium"),
        ("dep.updated", "low"),
    },
    "lockfile_only": {
        ("dep.lockfile_changed", "low"),
        ("dep.major_bump", "medium"),
    },
    "package_json_major_and_new": {
        ("dep.added", "medium"),
        ("dep.major_bump", "low"),
        ("dep.major_bump", "medium"),
    },
    "pyproject_toml": {
        ("dep.added", "medium"),
        ("dep.major_bump", "low"),
        ("dep.major_bump", "medium"),
        ("dep.removed", "low"),
        ("dep.runtime", "medium"),
    },
    "requirements_txt": {
        ("dep.added", "low"),
        ("dep.major_bump", "medium"),
        ("dep.removed", "low"),
        ("dep.source", "high"),
        ("dep.source", "medium"),
    },
}


@pytest.mark.parametrize("case", sorted(p.name for p in GOLDEN.iterdir()), ids=str)
def test_golden_severities(case: str) -> None:
    check_severities(GOLDEN / case, SEVERITIES[case])


def _deps(path: str, old: str | None, new: str | None) -> list[tuple[str, str, str | None]]:
    """(code, severity, symbol) of the dependency signals, checked equal in both modes."""
    full, hunks = scope_both(path, old, new)
    got: list[tuple[str, str, str | None]] = sorted(
        {(s.code, s.severity, s.symbol) for s in full.signals if s.code.startswith("dep.")}
    )
    assert got == sorted(
        {(s.code, s.severity, s.symbol) for s in hunks.signals if s.code.startswith("dep.")}
    ), "modes disagree"
    return got


def test_package_json_private_app_and_install_script() -> None:
    old = '{\n  "private": true,\n  "scripts": {\n    "build": "vite build"\n  },\n  "dependencies": {\n    "vue": "^3.3.0"\n  }\n}\n'
    new = old.replace('"vue": "^3.3.0"', '"vue": "^3.3.0",\n    "pinia": "^2.1.0"').replace(
        '"build": "vite build"',
        '"build": "vite build",\n    "postinstall": "node scripts/setup.js"',
    )
    assert _deps("app/package.json", old, new) == [
        ("dep.added", "low", "pinia"),  # an application's dependency, not a library's
        ("dep.install_script", "medium", "postinstall"),
    ]


def test_package_json_git_source_replaces_registry_version() -> None:
    old = '{\n  "dependencies": {\n    "left-pad": "^1.3.0"\n  }\n}\n'
    new = old.replace('"^1.3.0"', '"github:someone/left-pad#main"')
    assert _deps("package.json", old, new) == [("dep.source", "high", "left-pad")]


def test_poetry_and_sources() -> None:
    old = (
        '[tool.poetry.dependencies]\npython = "^3.9"\nrequests = "^2.28"\n'
        'rich = { version = "^12.0", optional = true }\n\n[tool.poetry.group.dev.dependencies]\npytest = "^7.4"\n'
    )
    new = (
        old.replace('python = "^3.9"', 'python = "^3.10"')
        .replace('"^12.0"', '"^13.0"')
        .replace('pytest = "^7.4"', 'pytest = "^8.0"')
        + '\n[[tool.poetry.source]]\nname = "corp"\nurl = "https://pypi.corp.example.com/simple"\n'
    )
    assert _deps("pyproject.toml", old, new) == [
        ("dep.major_bump", "low", "pytest"),
        ("dep.major_bump", "medium", "rich"),
        ("dep.runtime", "medium", "python"),
        ("dep.source", "high", "poetry index"),
    ]


def test_setup_py_and_setup_cfg() -> None:
    old = 'setup(\n    name="x",\n    python_requires=">=3.7",\n    install_requires=[\n        "click>=7",\n        "jinja2>=2.10",\n    ],\n)\n'
    new = old.replace('">=3.7"', '">=3.9"').replace('"jinja2>=2.10"', '"jinja2>=3.1"')
    assert _deps("setup.py", old, new) == [
        ("dep.major_bump", "medium", "jinja2"),
        ("dep.runtime", "medium", "python"),
    ]
    cfg_old = "[options]\npython_requires = >=3.8\ninstall_requires =\n    click>=7\n    attrs\n"
    cfg_new = cfg_old.replace("    attrs\n", "    attrs\n    cryptography>=41\n")
    assert _deps("setup.cfg", cfg_old, cfg_new) == [("dep.added", "medium", "cryptography")]


def test_cargo_gemfile_composer_pubspec() -> None:
    cargo = '[package]\nname = "x"\nrust-version = "1.70"\n\n[dependencies]\nserde = "1.0"\ntokio = { version = "1", features = ["full"] }\n'
    cargo2 = cargo.replace('version = "1", features', 'version = "2", features').replace(
        'rust-version = "1.70"', 'rust-version = "1.75"'
    )
    assert _deps("Cargo.toml", cargo, cargo2) == [
        ("dep.major_bump", "medium", "tokio"),
        ("dep.runtime", "medium", "rust rust-version"),
    ]
    gem = "source 'https://rubygems.org'\nruby '3.2.2'\n\ngem 'rails', '~> 7.0'\n\ngroup :test do\n  gem 'rspec', '~> 3.12'\nend\n"
    gem2 = gem.replace("'~> 7.0'", "'~> 7.1'").replace(
        "  gem 'rspec', '~> 3.12'\n", "  gem 'rspec', '~> 3.12'\n  gem 'pry', github: 'pry/pry'\n"
    )
    assert _deps("Gemfile", gem, gem2) == [
        ("dep.added", "low", "pry"),
        ("dep.source", "medium", "pry"),
        ("dep.updated", "low", "rails"),
    ]
    composer = '{\n  "require": {\n    "php": ">=8.1",\n    "guzzlehttp/guzzle": "^7.0"\n  }\n}\n'
    composer2 = composer.replace('">=8.1"', '">=8.2"')
    assert _deps("composer.json", composer, composer2) == [("dep.runtime", "medium", "php")]
    pub = "name: app\npublish_to: none\nenvironment:\n  sdk: '>=3.0.0 <4.0.0'\ndependencies:\n  http: ^0.13.6\n"
    pub2 = pub.replace("^0.13.6", "^1.1.0")
    assert _deps("pubspec.yaml", pub, pub2) == [("dep.major_bump", "medium", "http")]


def test_pom_gradle_csproj() -> None:
    pom = (
        "<project>\n  <properties>\n    <java.version>17</java.version>\n  </properties>\n"
        "  <dependencies>\n    <dependency>\n      <groupId>org.springframework.boot</groupId>\n"
        "      <artifactId>spring-boot-starter-web</artifactId>\n      <version>2.7.18</version>\n"
        "    </dependency>\n  </dependencies>\n</project>\n"
    )
    pom2 = pom.replace("2.7.18", "3.2.4").replace("<java.version>17<", "<java.version>21<")
    assert _deps("pom.xml", pom, pom2) == [
        ("dep.major_bump", "medium", "org.springframework.boot:spring-boot-starter-web"),
        ("dep.runtime", "medium", "java.version"),
    ]
    gradle = 'dependencies {\n    implementation "com.google.guava:guava:31.1-jre"\n    testImplementation "junit:junit:4.13.2"\n}\n'
    gradle2 = gradle.replace("31.1-jre", "33.0.0-jre").replace(
        '"junit:junit:4.13.2"', '"org.junit.jupiter:junit-jupiter:5.10.0"'
    )
    assert _deps("build.gradle", gradle, gradle2) == [
        ("dep.added", "low", "org.junit.jupiter:junit-jupiter"),
        ("dep.major_bump", "medium", "com.google.guava:guava"),
        ("dep.removed", "low", "junit:junit"),
    ]
    csproj = '<Project Sdk="Microsoft.NET.Sdk">\n  <PropertyGroup>\n    <TargetFramework>net6.0</TargetFramework>\n  </PropertyGroup>\n  <ItemGroup>\n    <PackageReference Include="Serilog" Version="2.12.0" />\n  </ItemGroup>\n</Project>\n'
    csproj2 = csproj.replace("net6.0", "net8.0").replace('Version="2.12.0"', 'Version="3.1.1"')
    assert _deps("src/Api/Api.csproj", csproj, csproj2) == [
        ("dep.major_bump", "medium", "Serilog"),
        ("dep.runtime", "medium", "dotnet"),
    ]


def test_lockfile_sources_and_deletion() -> None:
    old = (
        '{\n  "lockfileVersion": 3,\n  "packages": {\n    "node_modules/a": {\n      "version": "1.0.0",\n'
        '      "resolved": "https://registry.npmjs.org/a/-/a-1.0.0.tgz"\n    }\n  }\n}\n'
    )
    new = old.replace(
        "https://registry.npmjs.org/a/-/a-1.0.0.tgz", "https://npm.evil.example/a/-/a-1.0.1.tgz"
    ).replace('"version": "1.0.0"', '"version": "1.0.1"')
    assert _deps("package-lock.json", old, new) == [
        ("dep.lockfile_changed", "low", None),
        ("dep.source", "high", None),
    ]
    assert _deps("package-lock.json", old, None) == [("dep.lockfile_deleted", "medium", None)]
    # where a package asks for donations is not where it comes from
    funded = old.replace(
        '.tgz"\n    }',
        '.tgz",\n      "funding": {\n        "url": "https://eslint.org/donate"\n      }\n    }',
    )
    assert ("dep.source", "high", None) not in _deps("package-lock.json", old, funded)


def test_terraform_provider_lock_major() -> None:
    old = 'provider "registry.terraform.io/hashicorp/aws" {\n  version     = "4.67.0"\n  constraints = "~> 4.0"\n  hashes = [\n    "h1:abc=",\n  ]\n}\n'
    new = old.replace("4.67.0", "5.40.0").replace("~> 4.0", "~> 5.0").replace("h1:abc=", "h1:def=")
    full, hunks = scope_both(".terraform.lock.hcl", old, new)
    for fs in (full, hunks):
        assert ("dep.major_bump", "medium") in {(s.code, s.severity) for s in fs.signals}
        assert [(s.name, s.change) for s in fs.symbols if s.kind == "dependency"] == [
            ("registry.terraform.io/hashicorp/aws", "modified")
        ]


def test_a_20000_line_lockfile_is_summarised() -> None:
    count = 2000
    old, new = package_lock(count, bumped=False), package_lock(count, bumped=True)
    assert len(new.splitlines()) >= 20_000
    updated = sum(1 for i in range(count) if i % 9 == 0 or i % 250 == 0)
    majors = sum(1 for i in range(count) if i % 250 == 0)
    # its speed is a benchmark's business (benchmarks/hostile_inputs.py), not an assertion's
    full, hunks = scope_both("package-lock.json", old, new)
    for fs in (full, hunks):
        assert len(fs.symbols) == MAX_SYMBOLS
        codes = {(s.code, s.severity) for s in fs.signals}
        assert codes == {("dep.lockfile_changed", "low"), ("dep.major_bump", "medium")}
        (summary,) = [s for s in fs.signals if s.code == "dep.lockfile_changed"]
        assert f"{updated} updated, 0 added, 0 removed" in summary.detail
        (major,) = [s for s in fs.signals if s.code == "dep.major_bump"]
        assert major.detail.startswith(f"{majors} locked packages change major version")
        assert f"lockfile summarised: {updated} packages changed, {MAX_SYMBOLS} listed" in fs.notes
        # the packages that change major version come first
        assert [s.name for s in fs.symbols[:majors]] == sorted(
            f"pkg-{i}" for i in range(0, count, 250)
        )


@pytest.mark.slow
def test_whole_lockfile_added_and_deleted_stays_summarised() -> None:
    text = package_lock(2000, bumped=False)
    for old, new in ((None, text), (text, None)):
        full, hunks = scope_both("package-lock.json", old, new)
        for fs in (full, hunks):
            assert len(fs.symbols) == MAX_SYMBOLS
            assert len(fs.signals) == 1


def test_hostile_manifest_text_never_raises() -> None:
    junk = "{" * 10_000 + '"a": [' * 5_000 + "\ufffd" + "x" * 1_000_000
    for path in (
        "package.json",
        "pyproject.toml",
        "go.mod",
        "pom.xml",
        "requirements.txt",
        "yarn.lock",
    ):
        scope_both(path, junk, junk + "\n" + junk[::-1])
        scope_both(path, "", "\r\n\r\n")


def test_an_indirect_go_module_made_direct_by_tidy_is_only_noted() -> None:
    from tests.helpers import scope_both

    old = "module example.com/app\n\ngo 1.25\n\nrequire (\n\tgolang.org/x/net v0.30.0\n\tgolang.org/x/text v0.20.0 // indirect\n)\n"
    new = old.replace("golang.org/x/text v0.20.0 // indirect", "golang.org/x/text v0.20.0")
    for scope in scope_both("go.mod", old, new):
        (sig,) = [s for s in scope.signals if s.symbol == "golang.org/x/text"]
        assert sig.severity == "info" and "reclassifies" in sig.detail


def test_a_sample_apps_manifest_is_nobodys_dependency() -> None:
    from tests.helpers import scope_both

    old = '[project]\nname = "app"\nrequires-python = ">=3.9"\ndependencies = []\n'
    new = (
        '[project]\nname = "app"\nrequires-python = ">=3.12"\ndependencies = ["requests==2.31.0"]\n'
    )
    for path in ("examples/fixtures/app/pyproject.toml", "tests/data/app/pyproject.toml"):
        for scope in scope_both(path, old, new):
            assert scope.signals and {s.severity for s in scope.signals} == {"low"}, path
    # the project's own manifest keeps its severities
    own = scope_both("pyproject.toml", old, new)[0]
    assert "medium" in {s.severity for s in own.signals}


def test_an_install_script_seen_only_through_its_hunk_and_what_it_deletes() -> None:
    from tests.helpers import scope_both

    scripts = "".join(f'    "task{i}": "node build/task{i}.js",\n' for i in range(12))
    old = '{\n  "name": "app",\n  "scripts": {\n' + scripts + '    "lint": "eslint ."\n  }\n}\n'
    hook = old.replace(
        '"task6": "node build/task6.js",\n',
        '"task6": "node build/task6.js",\n    "postinstall": "rm -rf ~/.npm ~/.cache",\n',
    )
    for scope in scope_both("package.json", old, hook, context=1):
        (sig,) = [s for s in scope.signals if s.code == "dep.install_script"]
        assert sig.severity == "high" and "outside the package" in sig.detail, scope.mode
    local = hook.replace("rm -rf ~/.npm ~/.cache", "rm -rf node_modules/.cache")
    for scope in scope_both("package.json", old, local, context=1):
        assert [s.severity for s in scope.signals if s.code == "dep.install_script"] == ["medium"]


def test_a_script_seen_only_through_its_hunk_is_read_as_a_command() -> None:
    from tests.helpers import scope_both

    scripts = "".join(f'    "task{i}": "node build/task{i}.js",\n' for i in range(12))
    old = (
        '{\n  "name": "app",\n  "scripts": {\n'
        + scripts
        + '    "postpublish": "git push && git push --tags"\n  }\n}\n'
    )
    forced = old.replace(
        "git push && git push --tags", "git push --force && git push --force --tags"
    )
    for scope in scope_both("package.json", old, forced, context=1):
        assert "cmd.git_force_push" in {s.code for s in scope.signals}, scope.mode
    # a version range with `||` in a dependencies hunk is still a version
    deps = "".join(f'    "lib{i}": "^1.0.{i}",\n' for i in range(12))
    old2 = '{\n  "name": "app",\n  "dependencies": {\n' + deps + '    "zod": "^3.0.0"\n  }\n}\n'
    ranged = old2.replace('"zod": "^3.0.0"', '"zod": "^3.0.0 || ^4.0.0"')
    for scope in scope_both("package.json", old2, ranged, context=1):
        assert not [s for s in scope.signals if s.kind == "dangerous_command"]
        assert any(s.code.startswith("dep.") for s in scope.signals), scope.mode


def test_a_dependency_named_like_a_hook_is_still_a_dependency() -> None:
    from tests.helpers import scope_both

    deps = "".join(f'    "lib{i}": "^1.0.{i}",\n' for i in range(12))
    old = (
        '{\n  "name": "app",\n  "devDependencies": {\n'
        + deps
        + '    "prettier": "^3.0.0"\n  }\n}\n'
    )
    for scope in scope_both("package.json", old, old.replace("^3.0.0", "^3.1.0"), context=1):
        assert [s.code for s in scope.signals if s.code.startswith("dep.")] == ["dep.updated"], (
            scope.mode
        )
