from __future__ import annotations

from pathlib import Path

import pytest

from reviewer.scope.shell.danger import scan_commands
from tests.helpers import check_severities, scope_both

GOLDEN = Path(__file__).parent / "golden" / "shell"


#: (code, severity) of every golden case; expected.json pins the codes, this pins severities
SEVERITIES: dict[str, set[tuple[str, str]]] = {
    "dockerfile_base_major_user_root": {
        ("cmd.curl_pipe_shell", "medium"),
        ("docker.base_image", "low"),
        ("docker.base_image_major", "medium"),
        ("docker.user_root", "medium"),
    },
    "dockerfile_long_run_fragment": {
        ("cmd.curl_pipe_shell", "medium"),
    },
    "makefile_deploy_destroy": {
        ("cmd.terraform_auto_approve", "medium"),
        ("cmd.terraform_destroy", "high"),
        ("make.release_target", "medium"),
    },
    "shell_dangerous_added": {
        ("cmd.git_force_push", "high"),
        ("cmd.kubectl_delete", "high"),
        ("cmd.rm_rf", "high"),
        ("cmd.terraform_destroy", "high"),
    },
    "shell_harmless_cleanup": set(),
}


@pytest.mark.parametrize("case", sorted(p.name for p in GOLDEN.iterdir()), ids=str)
def test_golden_severities(case: str) -> None:
    check_severities(GOLDEN / case, SEVERITIES[case])


H, M, L = "high", "medium", "low"

#: one shell line -> the (code, severity) pairs scan_commands must find (empty: none)
SCAN_CASES: list[tuple[str, set[tuple[str, str]]]] = [
    # rm -rf: the target decides
    ("rm -rf /", {("cmd.rm_rf", H)}),
    ("sudo rm -rf --no-preserve-root /srv/data", {("cmd.rm_rf", H)}),
    ("rm -rf ~", {("cmd.rm_rf", H)}),
    ("rm -fr $HOME/*", {("cmd.rm_rf", H)}),
    ("rm -rf *", {("cmd.rm_rf", H)}),
    ('rm -rf "$DIR/"', {("cmd.rm_rf", H)}),
    ("rm -rf ${STAGING}/*", {("cmd.rm_rf", H)}),
    ("rm -r -f /etc", {("cmd.rm_rf", H)}),
    ("rm -rf ./data/uploads", {("cmd.rm_rf", M)}),
    ('rm -rf "$TARGET"', {("cmd.rm_rf", M)}),
    ("find . -type f | xargs rm -rf", {("cmd.rm_rf", M)}),
    ("rm -rf node_modules dist build", set()),
    ("rm -rf /var/lib/apt/lists/*", set()),
    ("rm -rf /tmp/build-cache", set()),
    ('rm -rf "${OUT_DIR:?}/"*', {("cmd.rm_rf", M)}),
    ("rm -f app.log", set()),
    ("rm -rf docs/_build __pycache__ *.egg-info", set()),
    ("find / -name '*.log' -delete", {("cmd.rm_rf", M)}),
    ("find . -name '*.pyc' -delete", set()),
    ("rm -rf ${{ github.workspace }}/*", {("cmd.rm_rf", M)}),
    ("rm -rf ${{ runner.temp }}/build", set()),
    ('rm -rf "${{ env.OUT_DIR }}/"', {("cmd.rm_rf", H)}),
    ("sudo rm -rf /usr/share/dotnet /opt/ghc", {("cmd.rm_rf", M)}),
    # Terraform and friends
    ("terraform destroy -auto-approve", {("cmd.terraform_destroy", H)}),
    ("terraform -chdir=envs/prod apply -destroy", {("cmd.terraform_destroy", H)}),
    ("terraform apply -auto-approve", {("cmd.terraform_auto_approve", M)}),
    ("terraform apply -replace=aws_instance.web", {("cmd.terraform_replace", H)}),
    ("terraform state rm module.vpc", {("cmd.terraform_state", H)}),
    ("terraform state mv aws_s3_bucket.a aws_s3_bucket.b", {("cmd.terraform_state", H)}),
    ("terraform state list", set()),
    ("terraform workspace delete staging", {("cmd.terraform_workspace_delete", H)}),
    ("terraform plan -out=tfplan", set()),
    ("terragrunt run-all destroy --terragrunt-non-interactive", {("cmd.terraform_destroy", H)}),
    ("pulumi destroy --yes", {("cmd.stack_destroy", H)}),
    # Kubernetes and Helm
    ("kubectl delete namespace payments", {("cmd.kubectl_delete", H)}),
    ("kubectl delete deploy --all -n shop", {("cmd.kubectl_delete", H)}),
    ("kubectl -n shop delete pod web-0", {("cmd.kubectl_delete", L)}),
    ("kubectl delete -f k8s/", {("cmd.kubectl_delete", M)}),
    ("kubectl get pods -n shop", set()),
    ("kubectl exec db-0 -- psql -c 'DROP TABLE orders'", {("cmd.sql_drop", H)}),
    ("helm uninstall shop -n prod", {("cmd.helm_uninstall", H)}),
    ("helm upgrade --install shop ./chart --force", {("cmd.force_deploy", M)}),
    # git
    ("git push --force origin main", {("cmd.git_force_push", H)}),
    ("git push -f", {("cmd.git_force_push", H)}),
    ("git push origin +main", {("cmd.git_force_push", H)}),
    ("git push --force-with-lease origin feature", {("cmd.git_force_push", M)}),
    ("git push --force origin HEAD:master", {("cmd.git_force_push", H)}),
    # a bot re-pushing the branch it made, a docs branch: not a shared branch
    ('git push --force origin "$branch"', {("cmd.git_force_push", M)}),
    ("git push -f origin gh-pages", {("cmd.git_force_push", M)}),
    ("git push origin --delete old-branch", {("cmd.git_delete_ref", M)}),
    ("git push origin main", set()),
    ("git reset --hard origin/main", {("cmd.git_discard", M)}),
    ("git clean -fdx", {("cmd.git_discard", M)}),
    ('git commit --no-verify -m "wip"', {("cmd.no_verify", M)}),
    ("git -C vendor/lib push --force", {("cmd.git_force_push", H)}),
    # cloud CLIs
    ("aws s3 rm s3://prod-assets --recursive", {("cmd.cloud_delete", H)}),
    ("aws s3 rb s3://prod-assets --force", {("cmd.cloud_delete", H)}),
    ("aws ec2 terminate-instances --instance-ids i-0abc", {("cmd.cloud_delete", H)}),
    ("aws rds delete-db-instance --db-instance-identifier main", {("cmd.cloud_delete", H)}),
    ("aws s3 cp build/ s3://site/ --recursive", set()),
    ("aws s3api put-bucket-acl --bucket site --acl public-read", {("cmd.public_acl", H)}),
    ("gcloud container clusters delete prod --quiet", {("cmd.cloud_delete", H)}),
    ("gcloud compute instances list", set()),
    ("az group delete --name rg-prod --yes", {("cmd.cloud_delete", H)}),
    ("gsutil -m rm -r gs://bucket/data", {("cmd.cloud_delete", H)}),
    # databases
    ('psql "$DATABASE_URL" -c "DROP DATABASE shop"', {("cmd.sql_drop", H)}),
    ("mysql -u root -e 'TRUNCATE TABLE sessions'", {("cmd.sql_drop", H)}),
    ('echo "DROP SCHEMA public CASCADE" | psql', {("cmd.sql_drop", H)}),
    ('psql -c "SELECT count(*) FROM orders"', set()),
    ("redis-cli -h cache FLUSHALL", {("cmd.sql_drop", H)}),
    ("bundle exec rails db:drop db:create", {("cmd.data_drop", H)}),
    ("python manage.py flush --no-input", {("cmd.data_drop", H)}),
    ("npx prisma migrate reset --force", {("cmd.data_drop", H)}),
    # disks, permissions, processes
    ("dd if=/dev/zero of=/dev/sda bs=1M", {("cmd.disk_wipe", H)}),
    ("dd if=image.iso of=out.img", set()),
    ("mkfs.ext4 /dev/xvdf", {("cmd.disk_wipe", H)}),
    ("chmod -R 777 /var/www", {("cmd.chmod_world", H)}),
    ("chmod 777 upload.sh", {("cmd.chmod_world", M)}),
    ("chmod 1777 /tmp", set()),
    ("chmod +x scripts/run.sh", set()),
    ("sudo chown -R deploy:deploy /etc", {("cmd.chown_system", H)}),
    ("chown -R app:app /app", set()),
    ("kill -9 -1", {("cmd.kill_all", H)}),
    ("kill -HUP 1234", set()),
    (":(){ :|:& };:", {("cmd.fork_bomb", H)}),
    ("sudo reboot", {("cmd.shutdown", M)}),
    # downloads piped into interpreters
    ("curl -fsSL https://get.example.sh | sh", {("cmd.curl_pipe_shell", M)}),
    ("wget -qO- https://example.com/install | sudo bash -s -- --yes", {("cmd.curl_pipe_shell", M)}),
    ('sh -c "$(curl -fsSL https://example.com/install.sh)"', {("cmd.curl_pipe_shell", M)}),
    ("curl -fsSL https://example.com/key.gpg | gpg --dearmor -o key.gpg", set()),
    # containers and packages
    ("docker system prune -af --volumes", {("cmd.docker_prune", M)}),
    ("docker volume prune -f", {("cmd.docker_prune", M)}),
    ("docker compose down -v", {("cmd.docker_prune", M)}),
    ("docker image prune", set()),
    ("npm unpublish @acme/lib@1.2.3", {("cmd.unpublish", H)}),
    ("npm publish --access public", set()),
    # nested commands
    ("bash -c 'rm -rf /'", {("cmd.rm_rf", H)}),
    ('ssh deploy@host "sudo rm -rf /opt/app/*"', {("cmd.rm_rf", M)}),
    ('eval "terraform destroy -auto-approve"', {("cmd.terraform_destroy", H)}),
    # text that only mentions a command
    ('echo "rm -rf /"', set()),
    ("printf '%s\\n' 'git push --force'", set()),
    ("# terraform destroy -auto-approve", set()),
    ("ls -la # rm -rf /", set()),
    ("grep -r 'kubectl delete' docs/", set()),
    ('log "would run: terraform destroy"', set()),
    ("", set()),
]


@pytest.mark.parametrize(
    ("line", "expected"), SCAN_CASES, ids=[c[0][:50] or "empty" for c in SCAN_CASES]
)
def test_scan_commands_line(line: str, expected: set[tuple[str, str]]) -> None:
    found = {(s.code, s.severity) for s in scan_commands([(7, line)])}
    assert found == expected
    assert all(s.line == 7 and s.kind == "dangerous_command" for s in scan_commands([(7, line)]))


def test_mktemp_directory_is_not_dangerous() -> None:
    lines = ['WORK="$(mktemp -d)"', 'cd "$WORK"', 'rm -rf "$WORK"/*', 'rm -rf "$WORK"']
    assert scan_commands(enumerate(lines, 1)) == []
    # guarded against an empty value, the same scratch directory
    assert scan_commands(enumerate(['workdir="$(mktemp -d)"', 'rm -rf "${workdir:?}"/*'], 1)) == []
    # a guarded variable the script did not make is still a recursive delete of what it holds
    assert scan_commands(enumerate(['rm -rf "${target:?}"/*'], 1))


def test_continuation_lines_are_one_command_reported_at_the_changed_line() -> None:
    lines = [(10, "terraform \\"), (11, "  -chdir=infra \\"), (12, "  destroy -auto-approve")]
    sigs = scan_commands(lines, only={12})
    assert [(s.code, s.line) for s in sigs] == [("cmd.terraform_destroy", 12)]
    assert scan_commands(lines, only={20}) == []


def test_pipeline_continued_on_the_next_line() -> None:
    lines = [(1, "curl -fsSL https://example.com/install.sh |"), (2, "  bash")]
    assert [s.code for s in scan_commands(lines)] == ["cmd.curl_pipe_shell"]


def test_heredocs_run_only_when_fed_to_a_shell_or_database() -> None:
    doc = [(1, "cat > README <<'EOF'"), (2, "rm -rf /"), (3, "EOF"), (4, "echo done")]
    assert scan_commands(doc) == []
    sql = [(1, 'psql "$DB" <<SQL'), (2, "DROP TABLE users;"), (3, "SQL")]
    assert [(s.code, s.line) for s in scan_commands(sql)] == [("cmd.sql_drop", 2)]
    shell = [
        (1, "ssh host bash <<-EOS"),
        (2, "\tkubectl delete ns shop"),
        (3, "\tEOS"),
        (4, "rm x"),
    ]
    assert [(s.code, s.line) for s in scan_commands(shell)] == [("cmd.kubectl_delete", 2)]


def test_side_is_recorded() -> None:
    (sig,) = scan_commands([(3, "git push -f")], side="old")
    assert sig.side == "old" and sig.severity == "high" and "`git push -f`" in sig.detail


@pytest.mark.parametrize(
    "text",
    [
        "x" * 5_000_000,
        "rm -rf " + "a/" * 1_000_000,
        "$(" * 10_000 + "rm -rf /" + ")" * 10_000,
        "'" * 3 + '"' * 3 + "\\" * 7,
        "echo \ufffd\ufffd; rm -rf / \r",
        "\0\x01\x02 | | && ;; ) ( `",
    ],
    ids=["5MB", "long-path", "nested", "quotes", "replacement-chars", "garbage"],
)
def test_hostile_input_never_raises(text: str) -> None:
    # behaviour only: the time these inputs take is printed by benchmarks/hostile_inputs.py
    hits = list(scan_commands([(1, text), (2, text + "\\"), (3, "")]))
    # a destructive command inside the garbage is still found; plain garbage finds nothing
    assert ("rm -rf" in text) == any(h.code == "cmd.rm_rf" for h in hits)


def test_dockerfile_exec_form_and_heredoc_run() -> None:
    old = "FROM alpine:3.19\nRUN echo hi\n"
    new = (
        'FROM alpine:3.19\nRUN ["sh", "-c", "rm -rf /srv/*"]\n'
        "RUN <<EOF\nset -e\nkubectl delete namespace shop\nEOF\n"
        "COPY <<EOF /etc/motd\nrm -rf / is just text here\nEOF\n"
    )
    for fs in scope_both("Dockerfile", old, new):
        assert sorted((s.code, s.line) for s in fs.signals) == [
            ("cmd.kubectl_delete", 5),
            ("cmd.rm_rf", 2),
        ]


def test_dockerfile_dropping_the_non_root_user() -> None:
    old = 'FROM node:20-slim\nWORKDIR /app\nCOPY . .\nUSER node\nCMD ["node", "server.js"]\n'
    new = 'FROM node:20-slim\nWORKDIR /app\nCOPY . .\nCMD ["node", "server.js"]\n'
    for fs in scope_both("web/Dockerfile", old, new):
        assert [(s.code, s.side, s.severity) for s in fs.signals] == [
            ("docker.user_root", "old", "medium")
        ]
        assert [(s.kind, s.name, s.change) for s in fs.symbols] == [
            ("instruction", "USER", "deleted")
        ]


def test_dockerfile_runtime_image_minor_is_a_major_change() -> None:
    old = "FROM python:3.11-slim\n"
    new = "FROM python:3.12-slim\n"
    full, _ = scope_both("Dockerfile", old, new)
    assert [(s.code, s.severity) for s in full.signals] == [("docker.base_image_major", "medium")]
    old, new = "FROM node:20.10-alpine\n", "FROM node:20.11-alpine\n"
    full, _ = scope_both("Dockerfile", old, new)
    assert [(s.code, s.severity) for s in full.signals] == [("docker.base_image", "low")]


def test_dockerfile_comment_only_change_is_cosmetic() -> None:
    old = "FROM alpine:3.19\n# install tools\nRUN apk add curl\n"
    new = "FROM alpine:3.19\n# install the tools we need\nRUN apk add curl\n"
    full, hunks = scope_both("Dockerfile", old, new)
    assert full.cosmetic == hunks.cosmetic == "comments"
    assert full.signals == hunks.signals == ()


def test_dockerfile_deleted() -> None:
    full, hunks = scope_both("svc/Dockerfile", "FROM alpine:3.19\nUSER nobody\n", None)
    for fs in (full, hunks):
        assert [(s.code, s.severity) for s in fs.signals] == [("docker.deleted", "medium")]


def test_makefile_recipe_prefixes_and_variables() -> None:
    old = "OUT ?= build\n\nclean:\n\t@echo cleaning\n"
    new = "OUT ?= /srv/out\n\nclean:\n\t@echo cleaning\n\t-@rm -rf $(OUT)/*\n"
    for fs in scope_both("Makefile", old, new):
        assert [(s.kind, s.name, s.change) for s in fs.symbols] == [
            ("variable", "OUT", "modified"),
            ("target", "clean", "modified"),
        ]
        assert [(s.code, s.severity, s.line) for s in fs.signals] == [("cmd.rm_rf", "high", 5)]


def test_makefile_release_target_deleted() -> None:
    old = "build:\n\tgo build ./...\n\npublish: build\n\tgoreleaser release\n"
    new = "build:\n\tgo build ./...\n"
    for fs in scope_both("Makefile", old, new):
        assert [(s.kind, s.name, s.change) for s in fs.symbols] == [
            ("target", "publish", "deleted")
        ]
        assert [(s.code, s.severity, s.side) for s in fs.signals] == [
            ("make.release_target", "medium", "old")
        ]


def test_shell_comment_only_change_is_cosmetic_and_functions_are_symbols() -> None:
    old = "#!/bin/sh\n# deploy\ndeploy() {\n  kubectl apply -f k8s/\n}\n"
    new = "#!/bin/sh\n# deploy the app\ndeploy() {\n  kubectl apply -f k8s/\n}\n"
    full, hunks = scope_both("deploy.sh", old, new)
    assert full.cosmetic == hunks.cosmetic == "comments"
    new2 = "#!/bin/sh\n# deploy\ndeploy() {\n  kubectl delete -f k8s/ --all\n}\n"
    full, hunks = scope_both("deploy.sh", old, new2)
    for fs in (full, hunks):
        assert [(s.kind, s.name, s.change) for s in fs.symbols] == [
            ("function", "deploy", "modified")
        ]
        assert [(s.code, s.severity) for s in fs.signals] == [("cmd.kubectl_delete", "high")]


def test_deleting_inside_an_image_layer_is_not_dangerous() -> None:
    old = "FROM nginx:1.25\nCOPY site /usr/share/nginx/html\n"
    new = (
        "FROM nginx:1.25\nRUN rm -rf /etc/nginx/conf.d/* && git clean -fdx\n"
        "COPY site /usr/share/nginx/html\nRUN rm -rf /\n"
    )
    for fs in scope_both("Dockerfile", old, new):
        assert [(s.code, s.severity, s.line) for s in fs.signals] == [("cmd.rm_rf", "medium", 4)]


def test_tox_commands_are_read_as_commands() -> None:
    from tests.helpers import scope_both

    old = "[tox]\nenvlist = lint\n\n[testenv:lint]\ndeps = pre-commit\ncommands = pre-commit run --all-files\n"
    new = old.replace(
        "commands = pre-commit run --all-files\n",
        "allowlist_externals = git\ncommands =\n    pre-commit run --all-files\n    git push --force origin HEAD:dev\n",
    )
    for scope in scope_both("tox.ini", old, new):
        assert "cmd.git_force_push" in {s.code for s in scope.signals}, scope.mode
    # the other keys of tox.ini are configuration, not commands
    deps = old.replace("deps = pre-commit", "deps = git-push-force-helper")
    for scope in scope_both("tox.ini", old, deps):
        assert not [s for s in scope.signals if s.kind == "dangerous_command"]


def test_deleting_a_home_directory_is_no_backup_file_cleanup() -> None:
    # `~` is the home directory, not a backup file's suffix
    found = {(s.code, s.severity) for s in scan_commands([(1, "rm -rf ~/.kube ~/go")])}
    assert found == {("cmd.rm_rf", "medium")}
    assert scan_commands([(1, "rm -rf ~/.cache/pip ~/.npm")]) == []


def test_ruby_hands_heredocs_and_strings_to_the_shell() -> None:
    from tests.helpers import scope_both

    old = (
        "task :tag do\n  sh <<-SH\n    git tag --sign v1 --message 'release'\n  SH\nend\n\n"
        "task :clean do\n  sh 'rm -rf pkg'\nend\n"
    )
    heredoc = old.replace(
        "--message 'release'\n", "--message 'release'\n    git push --force origin HEAD:main\n"
    )
    for scope in scope_both("Rakefile", old, heredoc):
        assert "cmd.git_force_push" in {s.code for s in scope.signals}, scope.mode
    string = old.replace("sh 'rm -rf pkg'", "sh 'git push --force origin main'")
    for scope in scope_both("Rakefile", old, string):
        assert "cmd.git_force_push" in {s.code for s in scope.signals}, scope.mode


def test_python_hands_argument_lists_to_the_shell() -> None:
    from tests.helpers import scope_both

    old = "import nox\n\n\n@nox.session\ndef requirements(session):\n    session.run('pip-compile', 'requirements.in')\n"
    forced = (
        old + '    session.run("git", "push", "--force", "origin", "HEAD:main", external=True)\n'
    )
    for scope in scope_both("noxfile.py", old, forced):
        assert "cmd.git_force_push" in {s.code for s in scope.signals}, scope.mode
    listed = old + "    subprocess.run(['rm', '-rf', '/'])\n"
    for scope in scope_both("noxfile.py", old, listed):
        assert "cmd.rm_rf" in {s.code for s in scope.signals}, scope.mode
    quiet = old + '    session.run("git", "status")\n'
    for scope in scope_both("noxfile.py", old, quiet):
        assert not [s for s in scope.signals if s.kind == "dangerous_command"]


def test_just_recipes_are_read_as_commands() -> None:
    from tests.helpers import scope_both

    old = "fmt:\n    rumdl fmt --fix\n\nlint:\n    rumdl check\n"
    new = old.replace(
        "    rumdl fmt --fix\n",
        "    rumdl fmt --fix\n    git add -A && git push --force origin HEAD:main\n",
    )
    for scope in scope_both("justfile", old, new):
        assert "cmd.git_force_push" in {s.code for s in scope.signals}, scope.mode


def test_a_build_output_variable_emptied_is_the_build_output() -> None:
    from reviewer.scope.shell.command import rm_target_level

    assert rm_target_level("$DIST_DIR*", set()) is None
    assert rm_target_level("$BUILD_ROOT/", set()) == "high"
    assert rm_target_level("$FOO*", set()) == "high"
