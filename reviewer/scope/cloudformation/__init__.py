"""CloudFormation and SAM templates (YAML or JSON): resources, deletions, replacements, guards, IAM.

``analyzer`` reads a template's symbols with ``template`` (resources, sections, and the resource a
changed line belongs to), then asks of the change: what a deleted or replaced resource costs
(``resources``; which properties force replacement is a table of ``scope/forcing.py``), which
guards it takes off (``protection``) and which access it widens (``permissions``).
"""

from .analyzer import analyze_views

__all__ = ["analyze_views"]
