"""One module per subcommand, each a function of explicit arguments; ``cli.py`` parses, dispatches,
handles errors and picks the exit code.

review.py      ``reviewer review``: a diff from git, a file or stdin, against the stated intent
intent.py      ``reviewer intent set|show|clear``: the branch's recorded intent
commit_msg.py  ``reviewer hook commit-msg``: the staged change against the message being written
pre_push.py    ``reviewer hook pre-push``: every pushed commit against its own message

The other commands live with what they drive: ``bench.py``, ``github/action.py`` and ``github/app.py``,
``agent/command.py``, ``history/command.py``.
"""
