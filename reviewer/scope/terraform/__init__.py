"""Terraform / HCL: blocks, locals and arguments touched, and the infrastructure signals they carry.

:func:`analyze` reads one file, :func:`relate` settles what only the whole change tells. In the
order a file goes through them:

- ``definitions``: each side of the file read with the HCL scanner (``scope/lex/hcl.py``) into
  blocks, locals and tfvars named by their Terraform address;
- ``blocks``: blocks added, deleted or renamed whole;
- ``groups``: each changed argument of a block, as both sides show it, judged by ``attributes``
  with the knowledge of ``resources`` (replacement, the cost of a deletion), ``protection``
  (guards, public access), ``settings`` (providers, versions, inputs) and ``count``
  (``count`` / ``for_each`` and what feeds them);
- ``permissions``: changed lines that grant access or read ``terraform.workspace``;
- ``moves``: ``moved`` / ``removed`` blocks, and addresses that move between the files of a module;
- ``count.open_gates``: a condition added to a ``count`` whose variables' new defaults hold it open.

Which arguments force replacement is a table of ``scope/forcing.py``.
"""

from .analyzer import analyze
from .count import open_gates
from .moves import relate

__all__ = ["analyze", "open_gates", "relate"]
