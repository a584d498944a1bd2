"""The exception tree: every error a user can cause, and nothing else.

    ReviewerError            a known failure; the CLI prints one line and exits 2
    ├── UsageError           bad arguments or flag combinations
    ├── ConfigError          an invalid .reviewer.toml / [tool.reviewer] table
    ├── DiffError            input that is not a unified diff, or cannot be read
    ├── GitError             git is missing, a revision does not exist, not a repository
    ├── LLMError             the model endpoint failed after retries, or answered garbage
    ├── GitHubError          the GitHub API failed after retries, or the event is unusable
    └── AgentError           an AI agent's hook payload or session transcript cannot be read

Third-party exceptions are translated at the boundary (``raise GitError(...) from exc``), so
callers only ever catch ReviewerError. Anything else that escapes is a bug (exit 3).
"""

from __future__ import annotations


class ReviewerError(Exception):
    """A failure the user can act on. ``str(exc)`` is the one line they see."""


class UsageError(ReviewerError):
    pass


class ConfigError(ReviewerError):
    pass


class DiffError(ReviewerError):
    pass


class GitError(ReviewerError):
    pass


class LLMError(ReviewerError):
    pass


class GitHubError(ReviewerError):
    pass


class AgentError(ReviewerError):
    pass
