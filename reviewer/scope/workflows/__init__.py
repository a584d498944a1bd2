"""GitHub Actions workflows and actions: triggers, permissions, jobs, what weakens their security.

``analyzer`` reads a file's symbols and asks, of the lines the change adds and removes:

- ``triggers``: does a fork's pull request now run with secrets (``pull_request_target``, head
  checkouts in a privileged workflow)?
- ``permissions``: does the token get write grants, or lose a ``permissions`` block?
- ``keys``: risky step and job settings, and third-party actions not pinned to a commit;
- ``scripts``: shell the steps run (script injection, dangerous commands; also read by the
  GitLab/CircleCI and Compose analyzers through ``scan_scripts``);
- ``steps`` and ``jobs``: checks, scans, provenance and releases that stop running.

``lines`` says what one changed line names (its step, job, action) and places a signal on it.
"""

from .analyzer import analyze_views
from .scripts import scan_scripts, script_lines

__all__ = ["analyze_views", "scan_scripts", "script_lines"]
