"""intent-reviewer: does this diff do what its author said, and how much can it break?"""

__version__ = "0.1.0"
