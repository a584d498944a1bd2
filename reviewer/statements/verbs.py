"""The verbs that state a risky change: for each kind of signal, the family of actions a clause
must say ("remove", "rename", "disable", "grant" ...), the vague verbs that only come close, and
which signals need a statement at all."""

from __future__ import annotations

from .. import models as m
from ..intent import VERBS
from ..models import Signal
from ..rx import lazy
from ..terms import stem, words

# "replace the archived action", "migrate the labels to Latest Changes" say the old one goes
_DELETE = (
    "remove delete drop destroy decommission retire eliminate purge teardown tear rid deprovision "
    "replace migrate"
)
# "fix the 'launch configurations deprecated' problem": moving off a deprecated kind of thing is
# replacing it with its successor
# "use the full name instead of the name for the clusterrole" says the old one is replaced
_REPLACE = (
    "rename recreate replace rekey re-key move migrate switch convert split merge consolidate swap "
    "deprecate instead"
)
_DISABLE = (
    "disable turn switch remove drop skip allow enable relax lower reduce unprotect unset loosen "
    "bypass opt"
)
# no "make": "where it makes sense ... the usual policy" states nothing about a policy
_GRANT = (
    "grant allow widen open expose give permit add create enable publish extend broaden introduce "
    "integrate"
)
_CHANGE = (
    "change update set switch move migrate use convert rekey re-key replace add create enable "
    "disable introduce remove delete drop fix support rename adjust configure correct amend"
)
_EDIT = (
    "add update edit change rewrite write create revise remove delete drop replace extend adjust "
    "integrate amend"
)

# a command that destroys is stated by what it does: "force-push the generated docs", "wipe the
# cache volume", "reset the test database" ("update helm-docs" names the script, not the push)
_PUSH = "push force force-push overwrite rewrite"
# (not "retire": "deactivate the retired app" says nothing about deleting the sites it runs on)
_DESTROY = (
    "remove delete drop destroy purge erase teardown tear wipe reset discard uninstall unpublish "
    "prune kill shutdown empty"
)

#: each family of verbs, stemmed: what a clause must use to state a change of that kind
ACTIONS: dict[str, frozenset[str]] = {
    name: frozenset(stem(w) for w in text.split())
    for name, text in {
        "delete": _DELETE,
        "replace": _REPLACE,
        "disable": _DISABLE,
        "grant": _GRANT,
        "change": _CHANGE,
        "edit": _EDIT,
        "push": _PUSH,
        "destroy": _DESTROY,
    }.items()
}
#: every verb a clause that says what the change does may start with
_BASE_VERBS = (
    words(" ".join(text for text in (_DELETE, _REPLACE, _DISABLE, _GRANT, _CHANGE, _EDIT, "push")))
    | VERBS
    | words("undo apply make ensure use improve rework tidy run set stop start")
)


def _forms(verb: str) -> set[str]:
    """``remove`` -> remove, removes, removed, removing: the words a clause may start with."""
    stem_ = verb[:-1] if verb.endswith("e") else verb
    out = {verb, verb + "s", verb + "es", stem_ + "ed", stem_ + "ing", verb + "d"}
    if verb.endswith("y"):
        out |= {verb[:-1] + "ies", verb[:-1] + "ied"}
    if len(verb) <= 4 and verb[-1] not in "aeiouwy":
        out |= {verb + verb[-1] + "ed", verb + verb[-1] + "ing"}  # drop -> dropped
    return out


#: every verb a clause that says what the change does may start with, in its written forms (a noun
#: such as "Configuration" is not "configure")
VERB_FORMS = frozenset(f for v in _BASE_VERBS for f in _forms(v))
#: a verb that comes close without saying what happens: the near-miss words
VAGUE = frozenset(
    stem(w)
    for w in [
        "update",
        "tidy",
        "clean",
        "cleanup",
        "refactor",
        "improve",
        "adjust",
        "touch",
        "tweak",
        "modify",
        "rework",
        "revise",
        "simplify",
        "streamline",
        "harden",
        "review",
        "align",
        "fix",
        "change",
        "handle",
    ]
)

#: kinds whose medium-or-worse signals need a statement
STATED_KINDS = frozenset(
    {
        m.RESOURCE_DELETION,
        m.REPLACEMENT,
        m.PROTECTION_TOGGLE,
        m.ENVIRONMENT_DEFINITION,
        m.PERMISSION_WIDENING,
        m.DESTRUCTIVE_DATA,
        m.AGENT_INSTRUCTIONS,
        m.DANGEROUS_COMMAND,
    }
)
#: CI/CD signals that need a statement: a deleted workflow or step, a switched trigger
_CI_STATED = lazy(r"(?:deleted|removed|trigger|pull_request_target|dependency_bot)")


def needs_statement(sig: Signal) -> bool:
    if sig.severity in ("info", "low"):
        return False
    if sig.kind in STATED_KINDS:
        return True
    return sig.kind == m.CI_CD and bool(_CI_STATED.search(sig.code))


def action_of(sig: Signal) -> str:
    """Which family of verbs states this signal."""
    code = sig.code
    if sig.kind == m.PROTECTION_TOGGLE:
        return "disable"
    if sig.kind == m.PERMISSION_WIDENING:
        return "grant"
    if sig.kind == m.ENVIRONMENT_DEFINITION:
        return "change"
    if sig.kind == m.DANGEROUS_COMMAND:
        if code in _PUSH_COMMANDS:
            return "push"
        return "destroy" if code in _DESTROY_COMMANDS else "edit"
    if sig.kind == m.AGENT_INSTRUCTIONS:
        return "delete" if "delet" in code or "remov" in code else "edit"
    if sig.kind == m.REPLACEMENT:
        return "replace"
    if "trigger" in code:
        return "change"
    return "delete"


#: commands that rewrite a remote's history
_PUSH_COMMANDS = frozenset({"cmd.git_force_push", "cmd.git_history_rewrite"})
#: commands that destroy what they reach: stated only by saying so
_DESTROY_COMMANDS = frozenset(
    {
        "cmd.rm_rf",
        "cmd.cloud_delete",
        "cmd.data_drop",
        "cmd.disk_wipe",
        "cmd.docker_prune",
        "cmd.git_delete_ref",
        "cmd.git_discard",
        "cmd.helm_uninstall",
        "cmd.kill_all",
        "cmd.kubectl_delete",
        "cmd.sql_drop",
        "cmd.stack_destroy",
        "cmd.terraform_destroy",
        "cmd.terraform_workspace_delete",
        "cmd.unpublish",
    }
)

#: the verb a near miss is told to use, per family ("remove `aws_vpc.main`")
SUGGESTED_VERB = {
    "delete": "remove",
    "replace": "replace",
    "disable": "turn off",
    "grant": "grant",
    "change": "change",
    "edit": "update",
    "push": "force-push to",
    "destroy": "delete with",
}
