"""Terraform / HCL: blocks, locals and attributes touched, and the infrastructure signals they carry.

Structure comes from a lexical scanner, not from the tree-sitter HCL tree. A hunk fragment usually
starts inside a block (a ``    }`` whose opener is not shown, or the middle of a heredoc policy),
and tree-sitter's error recovery then folds the rest of the fragment into one ERROR node: three
quarters of the Terraform fragments of the dev set parse with errors, the ones starting with a
closing bracket lose every block after it. Formatted Terraform states its structure twice, by
brackets and by indentation, so a scanner that counts brackets, and trusts indentation where a
fragment hides an opener, reads whole files and fragments with one algorithm: both modes agree
by construction wherever the hunk text shows a block.
"""

from __future__ import annotations

import bisect
import posixpath
import re
from collections.abc import Iterator

from ..models import (
    DEPENDENCY,
    ENVIRONMENT_DEFINITION,
    GLOBAL_CONFIG,
    PERMISSION_WIDENING,
    PROTECTION_TOGGLE,
    PUBLIC_API,
    REPLACEMENT,
    RESOURCE_DELETION,
    Severity,
    Side,
    Signal,
    Symbol,
)
from ..record import field, record
from ..rx import lazy
from .engine import (
    Definition,
    FileContext,
    Partial,
    Segment,
    any_in,
    cosmetic_level,
    diff_definitions,
    digest,
    lines_in,
    squash,
)

# --- lexical scanner ------------------------------------------------------------------------

#: strings, comments, heredoc openers and brackets: everything that changes the structure
_LEX_RE = lazy(r'"(?:[^"\\\n]|\\.)*"?|#|//|/\*|<<-?[ \t]*"?[A-Za-z_][\w-]*"?|[{}()\[\]]')
_SPECIAL_RE = lazy(r'["#/<{}()\[\]]')
_HEREDOC_RE = lazy(r'<<(-?)[ \t]*"?([A-Za-z_][\w-]*)"?')
_BLOCK_HEAD_RE = lazy(r'^([A-Za-z_][\w-]*)((?:[ \t]+(?:"[^"\n]*"|[A-Za-z_][\w-]*))*)[ \t]*$')
_LABEL_RE = lazy(r'"([^"\n]*)"|([A-Za-z_][\w-]*)')
_ATTR_RE = lazy(r'^[ \t]*(?:"([^"\n]+)"|([A-Za-z_][\w.-]*))[ \t]*(=|:)(?![=>])[ \t]*(.*)$')
_KEY_BEFORE_RE = lazy(r'(?:"([^"\n]+)"|([A-Za-z_][\w-]*))[ \t]*[=:][ \t]*$')
_TERMINATOR_RE = lazy(r"^[ \t]*([A-Z][A-Z0-9_]*)[ \t]*$")
_JSON_KEY_RE = lazy(r'"([A-Za-z_][\w:.-]*)"[ \t]*:')
_JSON_LIST_OPEN_RE = lazy(r'"([A-Za-z_][\w:.-]*)"[ \t]*:[ \t]*\[[^\]]*$')
_STRING_RE = lazy(r'"((?:[^"\\\n]|\\.)*)"')
#: a truncated section heading (git cuts long ones) still names its block
_HEADING_RE = lazy(r'^([A-Za-z_][\w-]*)((?:[ \t]+(?:"[^"\n]*"?|[A-Za-z_][\w-]*))*)[ \t]*\{?')

_MAX_ROW = 20_000  # a row longer than this is data (minified JSON), not structure


@record(frozen=False, eq=False)
class Block:
    type: str
    labels: tuple[str, ...]
    head: int  # row of the header
    start: int  # row where its range starts (comments directly above included)
    end: int  # row of the closing bracket, or the segment's last row
    virtual: bool  # known only from the hunk's section heading
    parent: Block | None
    closed: bool = False


@record(frozen=False, eq=False)
class Attr:
    key: str
    row: int
    end: int
    top: Block | None  # the top-level block it sits in, None when the fragment does not say
    #: frames between the top-level block and the attribute: nested block types (a dynamic
    #: block by its label) and attribute keys; "?" marks levels the fragment does not show
    path: tuple[str, ...]
    start: int = -1  # first row of its range (comments directly above included)
    parts: list[str] = field(default_factory=list)
    heredoc: bool = False

    @property
    def value(self) -> str:
        return squash(" ".join(self.parts))


@record(frozen=False, eq=False)
class _Frame:
    char: str  # "{", "[", "(" or "?" for a level the fragment does not show
    kind: str  # block, object, list, call, unknown
    name: str
    indent: int
    real: bool
    block: Block | None = None


@record(frozen=False)
class Scan:
    """What the scanner read in one segment; rows are the segment's rows."""

    rows: list[str]
    #: each row without its comments (heredoc rows as they are)
    code: list[str]
    blocks: list[Block]
    attrs: list[Attr]
    #: the JSON key a heredoc row assigns or lists under (IAM policies written as JSON)
    json_keys: dict[int, str]
    #: innermost attribute covering each row
    row_attr: dict[int, Attr]
    heredoc_rows: set[int]
    #: comment spans per row, in bytes of the UTF-8 row (as cosmetic_level expects)
    comments: dict[int, list[tuple[int, int]]]


def _indent_of(line: str) -> int:
    n = 0
    for ch in line:
        if ch == " ":
            n += 1
        elif ch == "\t":
            n += 2
        else:
            break
    return n


def _lex(
    line: str, in_comment: bool, spans: list[tuple[int, int]]
) -> tuple[str, list[tuple[str, int]], str | None, bool, bool]:
    """One row -> (code without comments, brackets, heredoc opened, still in /* */, had a comment).

    Comment spans (character columns) are appended to ``spans``.
    """
    if not in_comment and _SPECIAL_RE.search(line) is None:
        return line, [], None, False, False  # most rows: `key = value` with nothing to lex
    tokens: list[tuple[str, int]] = []
    code: list[str] = []
    heredoc: str | None = None
    had_comment = False
    pos = 0
    n = len(line)
    while pos < n:
        if in_comment:
            end = line.find("*/", pos)
            had_comment = True
            if end < 0:
                spans.append((pos, n))
                return "".join(code), tokens, heredoc, True, had_comment
            spans.append((pos, end + 2))
            code.append(" " * (end + 2 - pos))
            pos = end + 2
            in_comment = False
            continue
        m = _LEX_RE.search(line, pos)
        if m is None:
            code.append(line[pos:])
            break
        code.append(line[pos : m.start()])
        tok = m.group()
        first = tok[0]
        if tok in ("#", "//"):
            had_comment = True
            spans.append((m.start(), n))
            break
        if tok == "/*":
            in_comment = True
            spans.append((m.start(), m.end()))
            code.append("  ")
        elif first == "<":
            hd = _HEREDOC_RE.match(tok)
            if hd is not None:
                heredoc = hd.group(2)
            code.append(tok)
        else:
            if first != '"':
                tokens.append((tok, m.start()))
            code.append(tok)
        pos = m.end()
    return "".join(code), tokens, heredoc, in_comment, had_comment


_CLOSE_OF = {"}": "{", "]": "[", ")": "("}


def _starts_in_heredoc(rows: list[str], first: int) -> str | None:
    """A fragment that starts inside a heredoc shows its terminator before any opener for it."""
    opened: set[str] = set()
    for r in range(first, min(len(rows), first + 400)):
        line = rows[r]
        if "<<" in line:
            for m in _HEREDOC_RE.finditer(line):
                opened.add(m.group(2))
        t = _TERMINATOR_RE.match(line)
        if t is not None and t.group(1) not in opened:
            return t.group(1)
    return None


class _Scanner:
    """One pass over the rows of a segment; see ``scan``."""

    def __init__(self, text: str, *, heading: bool, fragment: bool) -> None:
        self.rows = [r[:-1] if r.endswith("\r") else r for r in text.split("\n")]
        self.code: list[str] = [""] * len(self.rows)
        self.heading = heading
        self.fragment = fragment
        self.blocks: list[Block] = []
        self.attrs: list[Attr] = []
        self.json_keys: dict[int, str] = {}
        self.row_attr: dict[int, Attr] = {}
        self.heredoc_rows: set[int] = set()
        self.comments: dict[int, list[tuple[int, int]]] = {}
        self.stack: list[_Frame] = []
        self.open_attrs: list[tuple[Attr, int]] = []  # (attr, stack depth where it started)
        self.heredoc: str | None = None
        self.heredoc_attr: Attr | None = None
        self.hd_list_key: str | None = None
        self.in_comment = False
        self.comment_run: list[int] = []  # comment rows directly above the current row
        self.unit = 2

    def run(self) -> Scan:
        first_real = 1 if self.heading else 0
        if self.fragment:
            self.unit = _indent_unit(self.rows, first_real)
            self.heredoc = _starts_in_heredoc(self.rows, first_real)
        for r, line in enumerate(self.rows):
            if len(line) > _MAX_ROW:
                line = line[:_MAX_ROW]
            if self.heading and r == 0:
                self._heading(line)
            elif self.heredoc is not None:
                self._heredoc_row(r, line)
            else:
                self._row(r, line)
        self._finish()
        return Scan(
            self.rows,
            self.code,
            self.blocks,
            self.attrs,
            self.json_keys,
            self.row_attr,
            self.heredoc_rows,
            self.comments,
        )

    # -- rows ---------------------------------------------------------------------------------
    def _heading(self, line: str) -> None:
        text = line.strip()
        head = _HEADING_RE.match(text)
        if head is None or not _is_block_heading(text):
            return
        blk = Block(head.group(1), _labels(head.group(2)), 0, 0, 0, True, None)
        self.blocks.append(blk)
        if text.endswith("}") and "{" in text:
            blk.closed = True  # a one-line block: nothing of the fragment is inside it
            return
        self.stack.append(_Frame("{", "block", head.group(1), 0, False, blk))

    def _heredoc_row(self, r: int, line: str) -> None:
        self.code[r] = line
        self.heredoc_rows.add(r)
        if line.strip() == self.heredoc:
            self.heredoc = None
            self.hd_list_key = None
            if self.heredoc_attr is not None:
                self.heredoc_attr.end = r
                self.row_attr[r] = self.heredoc_attr
            self.heredoc_attr = None
            self._close_attrs(r)
            return
        if self.heredoc_attr is None:
            # the fragment starts inside a heredoc whose attribute it does not show
            attr = Attr("?", r, r, _top_block(self.stack), (*_path(self.stack), "?"), r)
            attr.heredoc = True
            self.attrs.append(attr)
            self.heredoc_attr = attr
        self.heredoc_attr.end = r
        self.heredoc_attr.parts.append(line)
        self.row_attr[r] = self.heredoc_attr
        for a, _d in self.open_attrs:
            a.end = r
        self.hd_list_key = _json_key(line, r, self.hd_list_key, self.json_keys)

    def _row(self, r: int, line: str) -> None:
        spans: list[tuple[int, int]] = []
        code, tokens, hd, in_comment_after, had_comment = _lex(line, self.in_comment, spans)
        if spans:
            self.comments[r] = _byte_spans(line, spans)
        was_in_comment = self.in_comment
        self.in_comment = in_comment_after
        self.code[r] = code
        stripped = code.strip()
        if not stripped:
            if had_comment or was_in_comment:
                self.comment_run.append(r)
            else:
                self.comment_run.clear()
            return
        indent = _indent_of(line)
        comments_above = _run_above(self.comment_run, r)
        self.comment_run.clear()

        # a header at column 0 is a top-level block: whatever the fragment left open is closed
        if (
            indent == 0
            and tokens
            and tokens[0][0] == "{"
            and _BLOCK_HEAD_RE.match(code[: tokens[0][1]].strip())
        ):
            self._reset(r)
        if self.fragment:
            _add_unseen_levels(self.stack, indent, self.unit)

        stack = self.stack
        am = _ATTR_RE.match(code)
        container = stack[-1] if stack else None
        row_key = ""
        for a, _d in self.open_attrs:
            a.parts.append(stripped)
        if am is not None and (
            container is None or container.kind in ("block", "object", "unknown")
        ):
            row_key = am.group(1) or am.group(2) or ""
            attr = Attr(
                row_key,
                r,
                r,
                _top_block(stack),
                _path(stack),
                comments_above if comments_above is not None else r,
                [am.group(4)],
            )
            self.attrs.append(attr)
            self.open_attrs.append((attr, len(stack)))

        prev_col = 0
        for tok, col in tokens:
            at_start = not code[:col].strip()
            if tok in "{[(":
                self._open(tok, code[prev_col:col], indent, r, row_key, comments_above)
            else:
                _close(stack, tok, indent, first=at_start, row=r)
            prev_col = col + 1
        for a, _d in self.open_attrs:
            a.end = r
        if self.open_attrs:
            self.row_attr[r] = self.open_attrs[-1][0]
        if hd is not None:
            self.heredoc = hd
            self.hd_list_key = None
            self.heredoc_attr = self.open_attrs[-1][0] if self.open_attrs else None
            if self.heredoc_attr is not None:
                self.heredoc_attr.heredoc = True
            return
        self._close_attrs(r)

    # -- structure ----------------------------------------------------------------------------
    def _open(
        self, tok: str, prefix: str, indent: int, r: int, row_key: str, comments_above: int | None
    ) -> None:
        stack = self.stack
        container = stack[-1] if stack else None
        inherited = (
            container.name
            if container is not None and container.kind not in ("block", "unknown")
            else ""
        )
        text = prefix.strip()
        if tok == "{":
            head = _BLOCK_HEAD_RE.match(text)
            if (
                head is not None
                and not row_key
                and (container is None or container.kind in ("block", "unknown"))
            ):
                parent = next((f.block for f in reversed(stack) if f.block is not None), None)
                labels = _labels(head.group(2))
                btype = head.group(1)
                start = comments_above if comments_above is not None else r
                blk = Block(btype, labels, r, start, r, False, parent)
                self.blocks.append(blk)
                name = labels[0] if btype == "dynamic" and labels else btype
                stack.append(_Frame("{", "block", name, indent, True, blk))
                return
        key = _KEY_BEFORE_RE.search(text)
        name = (key.group(1) or key.group(2) or "") if key is not None else ""
        kind = {"{": "object", "[": "list", "(": "call"}[tok]
        stack.append(_Frame(tok, kind, name or row_key or inherited, indent, True))

    def _reset(self, r: int) -> None:
        for f in self.stack:
            if f.block is not None and not f.block.closed:
                f.block.end = max(f.block.head, _last_code_row_before(self.code, r))
        self.stack.clear()
        for a, _d in self.open_attrs:
            a.end = max(a.row, min(a.end, r - 1))
        self.open_attrs.clear()

    def _close_attrs(self, r: int) -> None:
        depth = len(self.stack)
        while self.open_attrs and depth <= self.open_attrs[-1][1]:
            a, _d = self.open_attrs.pop()
            a.end = max(a.end, r)

    def _finish(self) -> None:
        last = len(self.rows) - 1
        while last > 0 and not self.rows[last].strip():
            last -= 1
        last = max(last, 0)
        for b in self.blocks:
            if not b.closed:
                b.end = (
                    max(b.end, b.head, last)
                    if any(f.block is b for f in self.stack)
                    else max(b.end, b.head)
                )


def scan(text: str, *, heading: bool, fragment: bool) -> Scan:
    """Read blocks and attributes out of one segment (a whole file or a hunk fragment)."""
    return _Scanner(text, heading=heading, fragment=fragment).run()


def _byte_spans(line: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    if line.isascii():
        return spans
    return [
        (len(line[:a].encode("utf-8", "replace")), len(line[:b].encode("utf-8", "replace")))
        for a, b in spans
    ]


def _run_above(run: list[int], r: int) -> int | None:
    """First row of the contiguous comment rows directly above row ``r``."""
    if not run or run[-1] != r - 1:
        return None
    first = run[-1]
    for c in reversed(run[:-1]):
        if c != first - 1:
            break
        first = c
    return first


def _indent_unit(rows: list[str], first: int) -> int:
    """The indentation step of a fragment (2 for formatted Terraform)."""
    seen: set[int] = set()
    for line in rows[first : first + 200]:
        if line.strip():
            ind = _indent_of(line)
            if ind:
                seen.add(ind)
    if not seen:
        return 2
    g = 0
    for ind in seen:
        g = _gcd(g, ind)
    return g if g in (2, 4) else 2


def _gcd(a: int, b: int) -> int:
    while b:
        a, b = b, a % b
    return a


_HEADING_SHAPE_RE = lazy(r"^[A-Za-z_][\w-]*[ \t]+\S|^[A-Za-z_][\w-]*[ \t]*\{")


def _is_block_heading(text: str) -> bool:
    # "EOF" or a tfvars assignment is not a block header
    return "=" not in text.split("{", 1)[0] and bool(_HEADING_SHAPE_RE.match(text))


def _labels(text: str) -> tuple[str, ...]:
    return tuple(
        m.group(1) if m.group(1) is not None else m.group(2) for m in _LABEL_RE.finditer(text)
    )


def _last_code_row_before(code: list[str], r: int) -> int:
    k = r - 1
    while k > 0 and not code[k].strip():
        k -= 1
    return max(k, 0)


def _add_unseen_levels(stack: list[_Frame], indent: int, unit: int) -> None:
    """Deeper indentation than the innermost visible level means openers the fragment hides."""
    if stack and stack[-1].real:
        return
    base = stack[-1].indent if stack else -unit
    if indent > base + unit:
        stack.append(_Frame("?", "unknown", "?", indent - unit, False))


def _top_block(stack: list[_Frame]) -> Block | None:
    if stack and stack[0].kind == "block" and stack[0].block is not None:
        return stack[0].block
    return None


def _path(stack: list[_Frame]) -> tuple[str, ...]:
    out: list[str] = []
    if not stack or stack[0].kind != "block":
        out.append("?")
        frames = stack
    else:
        frames = stack[1:]
    for f in frames:
        if f.name and (not out or out[-1] != f.name):
            out.append(f.name)
    return tuple(out)


def _close(stack: list[_Frame], tok: str, indent: int, *, first: bool, row: int) -> None:
    opener = _CLOSE_OF[tok]
    if not stack:
        return
    if first:
        # formatted code closes a bracket at the indentation of the line that opened it
        for i in range(len(stack) - 1, -1, -1):
            f = stack[i]
            if f.indent == indent and f.char in (opener, "?"):
                for g in stack[i:]:
                    _end_block(g, row)
                del stack[i:]
                return
            if f.indent < indent:
                break
    top = stack[-1]
    if top.real and top.char == opener:
        _end_block(top, row)
        stack.pop()


def _end_block(frame: _Frame, row: int) -> None:
    if frame.block is not None and not frame.block.closed:
        frame.block.end = row
        frame.block.closed = True


def _json_key(line: str, row: int, list_key: str | None, out: dict[int, str]) -> str | None:
    """Track which JSON key a heredoc row belongs to; returns the key of an open list."""
    m = _JSON_KEY_RE.search(line)
    if m is not None:
        out[row] = m.group(1)
        lm = _JSON_LIST_OPEN_RE.search(line)
        return lm.group(1) if lm is not None else list_key if "]" not in line else None
    if list_key is not None:
        out[row] = list_key
        if "]" in line:
            return None
    return list_key


# --- knowledge of resource types ------------------------------------------------------------

#: resource type -> arguments whose change forces the resource to be destroyed and created again.
#: "block.*" means any argument inside that nested block. The generic rule below adds the
#: identity arguments of every managed resource of the big cloud providers.
FORCE_NEW: dict[str, frozenset[str]] = {
    k: frozenset(v.split())
    for k, v in {
        "aws_db_instance": "engine identifier identifier_prefix availability_zone username storage_encrypted "
        "kms_key_id db_name character_set_name timezone snapshot_identifier",
        "aws_rds_cluster": "cluster_identifier cluster_identifier_prefix engine engine_mode availability_zones "
        "database_name master_username storage_encrypted kms_key_id db_subnet_group_name snapshot_identifier",
        "aws_rds_cluster_instance": "identifier identifier_prefix engine cluster_identifier availability_zone",
        "aws_db_subnet_group": "name name_prefix",
        "aws_db_parameter_group": "name name_prefix family",
        "aws_rds_cluster_parameter_group": "name name_prefix family",
        "aws_db_option_group": "name name_prefix engine_name major_engine_version",
        "aws_vpc": "cidr_block ipv4_ipam_pool_id",
        "aws_subnet": "cidr_block vpc_id availability_zone availability_zone_id outpost_arn",
        "aws_nat_gateway": "subnet_id allocation_id connectivity_type private_ip",
        "aws_eip": "domain vpc network_border_group public_ipv4_pool address",
        "aws_route_table": "vpc_id",
        "aws_route": "route_table_id destination_cidr_block destination_ipv6_cidr_block destination_prefix_list_id",
        "aws_route_table_association": "subnet_id gateway_id",
        "aws_security_group": "name name_prefix description vpc_id",
        "aws_network_acl": "vpc_id",
        "aws_vpc_endpoint": "vpc_id service_name vpc_endpoint_type",
        "aws_vpn_gateway": "amazon_side_asn availability_zone",
        "aws_vpc_peering_connection": "vpc_id peer_vpc_id peer_owner_id peer_region",
        "aws_ec2_transit_gateway": "amazon_side_asn",
        "aws_s3_bucket": "bucket bucket_prefix object_lock_enabled",
        "aws_iam_role": "name name_prefix path",
        "aws_iam_policy": "name name_prefix path description",
        "aws_iam_instance_profile": "name name_prefix path",
        "aws_kms_key": "customer_master_key_spec key_usage multi_region",
        "aws_kms_alias": "name name_prefix",
        "aws_eks_cluster": "name kubernetes_network_config.* outpost_config.*",
        "aws_eks_node_group": "cluster_name node_group_name node_group_name_prefix subnet_ids ami_type "
        "capacity_type instance_types disk_size node_role_arn remote_access.*",
        "aws_dynamodb_table": "name hash_key range_key local_secondary_index.*",
        "aws_elasticache_cluster": "engine cluster_id availability_zone subnet_group_name port "
        "replication_group_id snapshot_arns",
        "aws_elasticache_replication_group": "replication_group_id engine at_rest_encryption_enabled "
        "subnet_group_name kms_key_id",
        "aws_elasticache_subnet_group": "name",
        "aws_elasticache_parameter_group": "name family",
        "aws_instance": "ami subnet_id availability_zone key_name private_ip placement_group tenancy "
        "ebs_block_device.* ephemeral_block_device.* network_interface.*",
        "aws_launch_configuration": "name name_prefix image_id instance_type user_data",
        "aws_autoscaling_group": "name name_prefix",
        "aws_lb": "name name_prefix internal load_balancer_type",
        "aws_alb": "name name_prefix internal load_balancer_type",
        "aws_lb_target_group": "name name_prefix port protocol vpc_id target_type",
        "aws_ecs_cluster": "name",
        "aws_ecs_service": "name cluster launch_type",
        "aws_lambda_function": "function_name",
        "aws_sqs_queue": "name name_prefix fifo_queue",
        "aws_sns_topic": "name name_prefix fifo_topic",
        "aws_route53_zone": "name",
        "aws_route53_record": "name type zone_id",
        "aws_efs_file_system": "creation_token encrypted kms_key_id performance_mode availability_zone_name",
        "aws_cloudwatch_log_group": "name name_prefix",
        "aws_elasticsearch_domain": "domain_name",
        "aws_opensearch_domain": "domain_name",
        "aws_redshift_cluster": "cluster_identifier database_name master_username",
        "aws_msk_cluster": "cluster_name",
        "aws_secretsmanager_secret": "name name_prefix",
        "aws_ecr_repository": "name",
        "aws_ebs_volume": "availability_zone encrypted kms_key_id snapshot_id",
        "google_container_cluster": "name location node_config.* initial_node_count network subnetwork "
        "enable_autopilot ip_allocation_policy.* private_cluster_config.*",
        "google_container_node_pool": "name name_prefix cluster location node_config.* initial_node_count",
        "google_sql_database_instance": "name region master_instance_name",
        "google_compute_instance": "name zone boot_disk.*",
        "google_compute_network": "name auto_create_subnetworks",
        "google_compute_subnetwork": "name network region",
        "google_redis_instance": "name region location_id tier authorized_network connect_mode",
        "google_storage_bucket": "name location project",
        "google_project": "project_id",
        "azurerm_kubernetes_cluster": "name location resource_group_name dns_prefix network_profile.*",
        "azurerm_subnet": "name virtual_network_name resource_group_name",
    }.items()
}

#: identity arguments: changing one replaces any managed resource of these providers
_GENERIC_FORCE_NEW = frozenset(["name", "identifier", "location", "region", "availability_zone"])
_GENERIC_PROVIDERS = (
    "aws_",
    "google_",
    "azurerm_",
    "azuread_",
    "oci_",
    "digitalocean_",
    "alicloud_",
    "ibm_",
    "linode_",
    "hcloud_",
    "scaleway_",
    "helm_",
)
#: (type, argument) pairs the generic rule must not flag: these rename in place
_IN_PLACE = frozenset(
    {
        ("aws_iam_user", "name"),
        ("aws_iam_group", "name"),
        ("aws_api_gateway_rest_api", "name"),
        ("aws_apigatewayv2_api", "name"),
        ("google_project", "name"),
    }
)

#: resource types whose deletion removes something of passing value (recreated on the next apply)
_EPHEMERAL_PREFIXES = (
    "null_",
    "terraform_data",
    "random_",
    "time_",
    "local_",
    "tls_",
    "external",
    "archive_",
    "template_",
    "http",
)
_ATTACHMENT_SUFFIXES = ("_attachment", "_association", "_policy_attachment", "_membership")

#: the main kinds of infrastructure that keep state or are shared, for the detail of a deletion
_STATEFUL_RE = lazy(
    r"vpc|subnet|route|nat|gateway|eip|network|vnet|peering|vpn|endpoint|firewall|security_group|"
    r"db|rds|database|sql|spanner|bigtable|bigquery|dataset|redis|memcache|elasticache|cache|dynamodb|"
    r"table|docdb|neptune|redshift|opensearch|elasticsearch|kinesis|stream|msk|kafka|bucket|storage|"
    r"file_system|efs|fsx|volume|disk|snapshot|backup|iam|role|policy|user|service_account|kms|key|"
    r"secret|cluster|node_pool|node_group|instance|lb|load_balancer|queue|topic|pubsub|sqs|sns|"
    r"route53|dns|zone|record|domain|repository|registry|project|folder|organization|account|"
    r"resource_group|namespace|deployment|stateful_set"
)


def _deletion_severity(rtype: str) -> Severity:
    if rtype.startswith(_EPHEMERAL_PREFIXES):
        return "medium"
    if rtype.endswith(_ATTACHMENT_SUFFIXES) and "route" not in rtype:
        return "medium"
    return "high"


def _force_new(rtype: str, path: tuple[str, ...], key: str) -> bool:
    table = FORCE_NEW.get(rtype)
    if table is not None:
        if not path and key in table:
            return True
        if path and f"{path[0]}.*" in table:
            return True
    if (
        rtype.startswith("kubernetes_")
        and path[:1] == ("metadata",)
        and key in ("name", "namespace")
    ):
        return True
    if path or key not in _GENERIC_FORCE_NEW or (rtype, key) in _IN_PLACE:
        return False
    return rtype.startswith(_GENERIC_PROVIDERS) or key in (
        "location",
        "region",
        "availability_zone",
    )


# --- definitions ------------------------------------------------------------------------------

_ADDRESS_KINDS = {"resource": "", "data": "data.", "ephemeral": "ephemeral."}
_PREFIXED = {"module": "module.", "variable": "var.", "output": "output.", "check": "check."}


def _unquote(value: str) -> str:
    v = value.strip().rstrip(",").strip()
    if len(v) >= 2 and v[0] == '"' and v[-1] == '"':
        return v[1:-1]
    return v


def _block_identity(b: Block, own: list[Attr]) -> tuple[str, str] | None:
    """(kind, name) of a block that is a definition, None for blocks that are not."""
    t = b.type
    if b.parent is not None:
        if b.parent.parent is None and b.parent.type == "terraform" and t in ("backend", "cloud"):
            return ("backend", "terraform." + ".".join((t, *b.labels)))
        return None
    if t in _ADDRESS_KINDS:
        return (t, _ADDRESS_KINDS[t] + ".".join(b.labels))
    if t in _PREFIXED:
        return (t, _PREFIXED[t] + ".".join(b.labels))
    if t == "locals":
        return None
    if t == "provider":
        alias = next((_unquote(a.value) for a in own if a.key == "alias"), "")
        return ("provider", ".".join(["provider", *b.labels, *([alias] if alias else [])]))
    if t in ("moved", "removed", "import"):
        want = "to" if t == "import" else "from"
        ref = next((squash(a.value) for a in own if a.key == want), "")
        return (t, f"{t}.{ref}" if ref else t)
    if t == "terraform" and not b.labels:
        return ("terraform", "terraform")
    return (t, ".".join((t, *b.labels)))


@record(frozen=False)
class _Side:
    """Everything read from one side of a file."""

    defs: list[Definition] = field(default_factory=list)
    #: definition key of each scanned block, by block identity
    block_keys: dict[int, tuple[str, str]] = field(default_factory=dict)
    attrs: list[tuple[Segment, Scan, Attr]] = field(default_factory=list)
    scans: list[tuple[Segment, Scan]] = field(default_factory=list)
    #: ``local.x`` / ``var.x`` read by count / for_each in the blocks that were not scanned
    count_refs: set[str] = field(default_factory=set)


def _read_side(ctx: FileContext, side: Side, *, tfvars: bool) -> _Side:
    out = _Side()
    fragment = not ctx.full
    for seg, text in _segment_texts(ctx, side, out):
        sc = scan(text, heading=seg.heading, fragment=fragment)
        out.scans.append((seg, sc))
        own: dict[int, list[Attr]] = {}
        for a in sc.attrs:
            out.attrs.append((seg, sc, a))
            if a.top is not None and a.path == ():
                own.setdefault(id(a.top), []).append(a)
        for b in sc.blocks:
            # nested definitions (a backend) are named by their labels alone
            ident = _block_identity(b, own.get(id(b), []) if b.parent is None else [])
            if ident is None:
                continue
            kind, name = ident
            out.block_keys[id(b)] = (kind, name)
            label_type = (
                b.labels[0] if kind in ("resource", "data", "ephemeral") and b.labels else ""
            )
            body = "\n".join(sc.rows[b.head + 1 : b.end + 1])
            out.defs.append(
                Definition(
                    kind=kind,
                    name=name,
                    start=seg.clamp_line(b.start),
                    end=seg.clamp_line(b.end),
                    head=seg.clamp_line(b.head),
                    digest="" if b.virtual else digest(f"{kind} {label_type}\n{body}"),
                    public=True if kind in ("variable", "output") else None,
                    virtual=b.virtual,
                )
            )
        for a in sc.attrs:
            local = a.top is not None and a.top.type == "locals" and a.path == ()
            tfvar = tfvars and a.top is None and a.path == ("?",) and _toplevel(sc, a)
            if not (local or tfvar):
                continue
            out.defs.append(
                Definition(
                    kind="local" if local else "tfvar",
                    name=("local." if local else "var.") + a.key,
                    start=seg.clamp_line(a.start),
                    end=seg.clamp_line(a.end),
                    head=seg.clamp_line(a.row),
                    digest=digest(a.value),
                )
            )
    return out


def _segment_texts(ctx: FileContext, side: Side, out: _Side) -> list[tuple[Segment, str]]:
    """Segments with the text to scan.

    A whole file is cut into its top-level blocks and only the blocks that matter are scanned.
    On the new side of a diff, a stale section heading is replaced: git takes a hunk's heading
    from the old file, so when an earlier hunk renamed or removed that header line, the heading
    names a block the new side does not have; the block the hunk really sits in is then the
    last header the new side added before it.
    """
    segs = ctx.segments(side)
    if ctx.full:
        return [c for seg in segs for c in _chunks(ctx, seg, out)]
    if side == "old":
        return [(seg, seg.text) for seg in segs]
    removed = {t.strip() for t in ctx.removed.values() if t[:1] not in (" ", "\t")}
    added = {t.strip() for t in ctx.added.values()}
    stale = [seg.heading and seg.text.partition("\n")[0].strip() in removed - added for seg in segs]
    if not any(stale):
        return [(seg, seg.text) for seg in segs]
    result: list[tuple[Segment, str]] = []
    last_header = ""
    for i, seg in enumerate(segs):
        text = seg.text
        if stale[i]:
            text = last_header + "\n" + text.partition("\n")[2]
        result.append((seg, text))
        for r, row in enumerate(seg.text.split("\n")):
            line = seg.line_of(r)
            if (
                line is not None
                and line in ctx.added
                and row[:1].isalpha()
                and row.rstrip().endswith("{")
            ):
                last_header = row.rstrip()
    return result


_TOP_HEADER_RE = lazy(r'^([A-Za-z_][\w-]*)(?:[ \t]+(?:"[^"\n]*"|[A-Za-z_][\w-]*))*[ \t]*\{', re.M)
_HEREDOC_SPAN_RE = lazy(r'<<-?[ \t]*"?([A-Za-z_][\w-]*)"?[^\n]*\n(?:.*\n)*?[ \t]*\1[ \t]*$', re.M)
_COUNT_LINE_RE = lazy(r"^([ \t]+)(?:count|for_each)[ \t]*=(.*(?:\n\1[ \t]+.*)*)", re.M)
#: blocks that are always read whole: other blocks refer to what they say
_ALWAYS_SCANNED = frozenset(("locals", "moved", "removed", "terraform"))
_SMALL_FILE = 400  # rows; below this, cutting a file up costs more than it saves


def _chunks(ctx: FileContext, seg: Segment, out: _Side) -> list[tuple[Segment, str]]:
    """A whole file -> its top-level blocks that hold changed lines (or that others depend on).

    Cuts only at column-0 block headers outside heredocs, where the scanner resets anyway, so a
    chunk is read exactly as it would be in the whole file. Comment lines directly above a
    header go with the block below them.
    """
    text = seg.text
    if text.count("\n") < _SMALL_FILE:
        return [(seg, text)]
    starts = _line_starts(text)
    blocked: list[tuple[int, int]] = [(m.start(), m.end()) for m in _HEREDOC_SPAN_RE.finditer(text)]
    cuts: list[tuple[int, str]] = []  # (row, block type)
    for m in _TOP_HEADER_RE.finditer(text):
        pos = m.start()
        if any(a < pos < b for a, b in blocked):
            continue
        cuts.append((bisect.bisect_right(starts, pos) - 1, m.group(1)))
    if len(cuts) < 2:
        return [(seg, text)]
    rows = text.split("\n")
    bounds: list[tuple[int, str]] = [(0, "")]
    for row, btype in cuts:
        first = row
        while first > 0 and rows[first - 1].lstrip().startswith(("#", "//")):
            first -= 1
        if first > bounds[-1][0]:
            bounds.append((first, btype))
        else:
            bounds[-1] = (bounds[-1][0], btype)
    changed = ctx.changed_sorted(seg.side)
    result: list[tuple[Segment, str]] = []
    for i, (start, btype) in enumerate(bounds):
        end = bounds[i + 1][0] if i + 1 < len(bounds) else len(rows)
        chunk = "\n".join(rows[start:end])
        if btype in _ALWAYS_SCANNED or any_in(changed, start + 1, end):
            result.append((Segment(seg.side, chunk + "\n", start + 1), chunk + "\n"))
        elif btype in ("resource", "module", "data"):
            for m in _COUNT_LINE_RE.finditer(chunk):
                out.count_refs.update(
                    f"{r.group(1)}.{r.group(2)}" for r in _REF_NAME_RE.finditer(m.group(2))
                )
    return result


def _line_starts(text: str) -> list[int]:
    starts = [0]
    find = text.find
    pos = find("\n")
    while pos >= 0:
        starts.append(pos + 1)
        pos = find("\n", pos + 1)
    return starts


def _toplevel(sc: Scan, a: Attr) -> bool:
    line = sc.rows[a.row] if a.row < len(sc.rows) else ""
    return _indent_of(line) == 0


# --- attribute changes -------------------------------------------------------------------------


@record(frozen=False)
class _Group:
    """One argument of one block, as the changed lines of each side show it."""

    owner: str | None  # symbol name of the top-level block
    kind: str  # definition kind of the owner ("resource", "module", ...) or its block type
    rtype: str  # resource type for resources and data sources
    path: tuple[str, ...]
    key: str
    old: list[tuple[str, int]] = field(default_factory=list)  # (value, line)
    new: list[tuple[str, int]] = field(default_factory=list)

    @property
    def line(self) -> int:
        return self.new[0][1] if self.new else self.old[0][1]

    @property
    def side(self) -> Side:
        return "new" if self.new else "old"

    @property
    def old_value(self) -> str | None:
        return self.old[0][0] if self.old else None

    @property
    def new_value(self) -> str | None:
        return self.new[0][0] if self.new else None

    @property
    def where(self) -> str:
        return f"`{self.owner}`" if self.owner else "a block the hunk does not name"


_REF_RE = lazy(
    r'"[^"]*"|\b(?:var|local|each|module|data|count|path|terraform)\.[\w-]+(?:\.[\w-]+)*'
    r"|\b[a-z][a-z0-9]*_\w+\.[\w-]+|(?<![\w.])-?\d+(?:\.\d+)?\b|\btrue\b|\bfalse\b"
)


_INDEX_RE = lazy(r"\[(?:\d+|count\.index|each\.key|\*)\]")
_OPT_IN_RE = lazy(r"^(?:var\.[\w-]+|(?:try|lookup|coalesce)\(.*\bnull\s*\)|each\.value\.[\w-]+)$")


def _inputs(value: str) -> set[str]:
    # which instance an expression indexes ([0], [count.index]) is not an input of its value
    return set(_REF_RE.findall(_INDEX_RE.sub("[]", value)))


def _reshaped(g: _Group) -> bool:
    """Old and new expressions read the same inputs: likely the same value written differently."""
    if not g.old or not g.new:
        return False
    a, b = _inputs(g.old[0][0]), _inputs(g.new[0][0])
    return bool(a) and a == b


def _opt_in(g: _Group) -> bool:
    """A new argument wired to an input: the usual way a module exposes an optional setting."""
    return bool(g.new) and not g.old and all(_OPT_IN_RE.match(v) for v, _line in g.new)


def _gate_added(g: _Group) -> str | None:
    """``cond ? n : 0`` -> ``cond && flag ? n : 0``: the condition that was added, if that is all."""
    if not g.old or not g.new:
        return None
    old, new = g.old[0][0], g.new[0][0]
    if "?" not in old or "?" not in new:
        return None
    old_cond, old_rest = (p.strip() for p in old.split("?", 1))
    new_cond, new_rest = (p.strip() for p in new.split("?", 1))
    if old_rest != new_rest:
        return None
    for prefix, suffix in ((old_cond + " &&", ""), ("", "&& " + old_cond)):
        if prefix and new_cond.startswith(prefix):
            return new_cond[len(prefix) :].strip()
        if suffix and new_cond.endswith(suffix):
            return new_cond[: -len(suffix)].strip()
    return None


def _collect_groups(
    ctx: FileContext,
    sides: dict[Side, _Side],
    owner_names: dict[Side, dict[int, str]],
    *,
    tfvars: bool,
    skip: set[str],
) -> dict[tuple[str, tuple[str, ...], str], _Group]:
    groups: dict[tuple[str, tuple[str, ...], str], _Group] = {}
    for side in ("old", "new"):
        changed = ctx.changed_sorted(side)
        if not changed:
            continue
        for seg, _sc, a in sides[side].attrs:
            if a.heredoc and a.key == "?":
                continue
            first = seg.line_of(a.row)
            last = seg.line_of(a.end)
            if first is None or last is None or not any_in(changed, first, last):
                continue
            top = a.top
            owner = owner_names[side].get(id(top)) if top is not None else None
            if owner is not None and owner in skip:
                continue
            kind = top.type if top is not None else ""
            path = a.path
            if tfvars and top is None and path == ("?",) and _toplevel(_sc, a):
                owner, kind, path = f"var.{a.key}", "tfvar", ()
            rtype = (
                top.labels[0]
                if top is not None and top.labels and kind in ("resource", "data")
                else ""
            )
            key = (owner or (f"?{kind}" if kind else "?"), path, a.key)
            g = groups.get(key)
            if g is None:
                g = groups[key] = _Group(owner, kind, rtype, path, a.key)
            (g.old if side == "old" else g.new).append((a.value, first))
    for g in groups.values():
        g.old.sort()
        g.new.sort()
    return groups


_FALSE = frozenset(("false", '"false"'))
_TRUE = frozenset(("true", '"true"'))

#: argument -> (value that protects, default when the argument is absent)
_GUARDS: dict[str, tuple[bool, bool]] = {
    "deletion_protection": (True, False),
    "deletion_protection_enabled": (True, False),
    "enable_deletion_protection": (True, False),
    "termination_protection": (True, False),
    "enable_termination_protection": (True, False),
    "disable_api_termination": (True, False),
    "purge_protection_enabled": (True, False),
    "prevent_destroy": (True, False),
    "prevent_deletion_if_contains_resources": (True, True),
    "skip_final_snapshot": (False, False),
    "force_destroy": (False, False),
    "force_delete": (False, False),
}


def _guard_of_variable(owner: str | None) -> bool | None:
    """The protecting value of a variable named after a guard (``var.force_destroy``)."""
    name = (owner or "").rsplit(".", 1)[-1]
    for key, (protect, _default) in _GUARDS.items():
        if name == key or name.endswith("_" + key) or name.startswith(key + "_"):
            return protect
    return None


_GUARD_CODES = {
    "skip_final_snapshot": "tf.skip_final_snapshot",
    "force_destroy": "tf.force_destroy",
    "force_delete": "tf.force_destroy",
    "prevent_destroy": "tf.prevent_destroy",
}
_PUBLIC_BLOCKS = frozenset(
    ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"]
)
_PUBLIC_ACLS = frozenset(
    [
        '"public-read"',
        '"public-read-write"',
        '"authenticated-read"',
        '"publicread"',
        '"publicreadwrite"',
    ]
)
_PROVIDER_TARGET = frozenset(
    [
        "region",
        "profile",
        "alias",
        "project",
        "account_id",
        "allowed_account_ids",
        "forbidden_account_ids",
        "subscription_id",
        "tenant_id",
        "shared_credentials_files",
        "shared_credentials_file",
        "shared_config_files",
        "zone",
        "credentials",
        "host",
        "config_path",
        "config_context",
        "endpoint",
        "endpoints",
        "organization_id",
        "billing_project",
    ]
)
_PROVIDER_TARGET_BLOCKS = frozenset(
    ["assume_role", "assume_role_with_web_identity", "endpoints", "kubernetes"]
)
_PROVIDER_DEFAULTS = frozenset(
    ["default_tags", "default_labels", "ignore_tags", "add_terraform_attribution_label"]
)
_TFVARS_TARGET_RE = lazy(
    r"^(region|location|project|project_id|account_id|subscription_id|tenant_id|profile|zone)$"
    r"|_(region|account_id|project_id|subscription_id|tenant_id)$"
)
_VERSION_RE = lazy(r"(\d+)(?:\.\d+)*")


def _bool(value: str | None) -> bool | None:
    if value is None:
        return None
    v = value.strip().rstrip(",").lower()
    if v in _TRUE:
        return True
    if v in _FALSE:
        return False
    return None


def _major(value: str | None) -> int | None:
    if not value:
        return None
    found = [int(m.group(1)) for m in _VERSION_RE.finditer(value)]
    return max(found) if found else None


def _sig(
    kind: str, code: str, detail: str, g: _Group, severity: Severity, side: Side | None = None
) -> Signal:
    return Signal(kind, code, detail, g.line, side or g.side, g.owner, severity)


def _attr_signals(g: _Group, moved: list[tuple[str, str]]) -> Iterator[Signal]:
    k, path = g.key, g.path
    if "?" in path:
        yield from _unknown_path_signals(g)
        return
    if g.kind in ("resource", "module") and not path and k in ("count", "for_each"):
        yield from _count_signal(g, moved)
    if g.kind == "resource" and _force_new(g.rtype, path, k) and not _opt_in(g):
        verb = "changes" if g.old and g.new else ("sets" if g.new else "removes")
        sev: Severity = "medium" if _reshaped(g) else "high"
        yield _sig(
            REPLACEMENT,
            "tf.force_new_attribute",
            f"{verb} `{'.'.join((*path, k))}`, which forces {g.where} to be destroyed and recreated",
            g,
            sev,
        )
    if path == ("lifecycle",) and k == "create_before_destroy":
        yield _sig(
            REPLACEMENT,
            "tf.create_before_destroy",
            f"changes `create_before_destroy` on {g.where}: how it is replaced changes",
            g,
            "medium",
        )
    yield from _protection_signals(g)
    yield from _public_signals(g)
    if g.kind == "provider":
        yield from _provider_signals(g)
    elif g.kind == "terraform":
        yield from _terraform_signals(g)
    elif g.kind == "module" and not path and k in ("source", "version"):
        yield from _module_signals(g)
    elif g.kind == "variable" and not path:
        yield from _variable_signals(g)
    elif g.kind == "tfvar" and g.old and _TFVARS_TARGET_RE.search(k):
        yield _sig(
            ENVIRONMENT_DEFINITION,
            "tf.environment_value",
            f"changes `{k}`, which selects the environment that is deployed to",
            g,
            "high",
        )


def _unknown_path_signals(g: _Group) -> Iterator[Signal]:
    """Arguments of a level the hunk does not show: only what the key alone says."""
    if g.kind == "terraform" and g.key not in ("source", "version", "configuration_aliases"):
        yield _sig(
            ENVIRONMENT_DEFINITION,
            "tf.backend",
            f"changes `{g.key}` inside the `terraform` block, most likely the state backend",
            g,
            "high",
        )
        return
    yield from _protection_signals(g)
    yield from _public_signals(g)


def _count_signal(g: _Group, moved: list[tuple[str, str]]) -> Iterator[Signal]:
    addr = g.owner or ""
    if addr and any(_address(f) == addr and _address(t) == addr for f, t in moved):
        return  # a moved block carries the instances over to their new keys
    if g.new and not g.old:
        what = f"adds `{g.key}` to existing {g.where}: its instances get new addresses"
    elif g.old and not g.new:
        what = f"removes `{g.key}` from {g.where}: its instances get new addresses"
    else:
        gate = _gate_added(g)
        if gate is not None:
            yield _sig(
                ENVIRONMENT_DEFINITION,
                "tf.count_condition",
                f"adds the condition `{gate}` to the `{g.key}` of {g.where}: instances are destroyed "
                "where it is false",
                g,
                "low",
            )
            return
        keys = _literal_keys(g) if g.key == "for_each" else None
        if keys is not None:
            gone, added = keys
            if not gone:
                # only new keys: Terraform creates their instances and touches no other
                yield _sig(
                    ENVIRONMENT_DEFINITION,
                    "tf.for_each_keys_added",
                    f"adds the keys {_names(added)} to the `for_each` of {g.where}: "
                    "their instances are created",
                    g,
                    "low",
                )
                return
            what = (
                f"removes the keys {_names(gone)} from the `for_each` of {g.where}: "
                "their instances are destroyed"
            )
        else:
            what = f"changes the `{g.key}` of {g.where}: instances may be destroyed or re-keyed"
    yield _sig(
        ENVIRONMENT_DEFINITION, "tf.count_for_each", what, g, "medium" if _reshaped(g) else "high"
    )


_LITERAL_SET = lazy(r'^\s*(?:toset\s*\(\s*)?\[((?:\s*"[^"]*"\s*,?)*)\]\s*\)?\s*$')
_LITERAL_MAP = lazy(r'^\s*\{((?:\s*"?[\w.-]+"?\s*=\s*[^,}]*,?)*)\}\s*$')


def _literal_keys(g: _Group) -> tuple[list[str], list[str]] | None:
    """``(removed, added)`` keys when both sides of a ``for_each`` are literal sets or one-line
    maps; ``None`` when a side is an expression (then nobody can tell what re-keys)."""
    sides = []
    for value in (g.old_value, g.new_value):
        if value is None:
            return None
        m = _LITERAL_SET.match(value)
        if m is not None:
            sides.append(re.findall(r'"([^"]*)"', m.group(1)))
            continue
        m = _LITERAL_MAP.match(value)
        if m is not None:
            sides.append([k.strip('"') for k in re.findall(r'("?[\w.-]+"?)\s*=', m.group(1))])
            continue
        return None
    old, new = sides
    return [k for k in old if k not in new], [k for k in new if k not in old]


def _names(keys: list[str]) -> str:
    shown = ", ".join(f"`{k}`" for k in keys[:5])
    return shown + (f" and {len(keys) - 5} more" if len(keys) > 5 else "")


def _address(ref: str) -> str:
    """``module.a.aws_x.b[0]`` -> ``module.a.aws_x.b``: the address without instance keys."""
    return re.sub(r"\[[^\]]*\]", "", ref.strip().strip('"'))


def _protection_signals(g: _Group) -> Iterator[Signal]:
    k = g.key
    guard = _GUARDS.get(k)
    if guard is not None and (k != "prevent_destroy" or g.path[-1:] == ("lifecycle",)):
        protect, default = guard
        if g.rtype.startswith("google_") and k == "deletion_protection":
            default = True
        # an argument absent from one side's changed lines is absent from that side altogether
        old_eff = _bool(g.old_value) if g.old else default
        new_eff = _bool(g.new_value) if g.new else default
        code = _GUARD_CODES.get(k, "tf.deletion_protection")
        if new_eff is not None and new_eff != protect and old_eff != new_eff:
            verb = f"sets `{k} = {g.new_value}`" if g.new else f"removes `{k}`"
            yield _sig(
                PROTECTION_TOGGLE,
                code,
                f"{verb} on {g.where}: it can now be destroyed without a guard",
                g,
                "high",
            )
        elif new_eff is None and old_eff == protect:
            yield _sig(
                PROTECTION_TOGGLE,
                code,
                f"makes `{k}` on {g.where} configurable instead of fixed",
                g,
                "medium",
            )
        return
    if k == "backup_retention_period" and g.new and g.new_value == "0" and g.old_value != "0":
        yield _sig(
            PROTECTION_TOGGLE,
            "tf.backup_retention",
            f"turns off automated backups of {g.where}",
            g,
            "high",
        )
    elif k == "final_snapshot_identifier" and g.old and not g.new:
        yield _sig(
            PROTECTION_TOGGLE,
            "tf.final_snapshot",
            f"removes the final snapshot of {g.where}: deleting it keeps no copy",
            g,
            "high",
            "old",
        )
    elif g.path[-1:] in (("versioning",), ("versioning_configuration",)) and k in (
        "enabled",
        "status",
        "mfa_delete",
    ):
        new_v = (g.new_value or "").lower()
        off = any(w in new_v for w in ("false", "suspended", "disabled")) or (
            not g.new and k != "mfa_delete"
        )
        if off:
            yield _sig(
                PROTECTION_TOGGLE, "tf.versioning", f"turns off versioning of {g.where}", g, "high"
            )
    elif g.path[-1:] == ("lifecycle",) and k == "ignore_changes":
        old_n = _list_size(g.old_value)
        new_n = _list_size(g.new_value)
        if new_n > old_n:
            yield _sig(
                PROTECTION_TOGGLE,
                "tf.ignore_changes",
                f"widens `ignore_changes` on {g.where}: drift there is no longer corrected",
                g,
                "medium",
            )


def _list_size(value: str | None) -> int:
    if value is None:
        return 0
    v = value.strip()
    if v in ("all", "[all]"):
        return 1 << 20
    inner = v.strip("[]").strip().rstrip(",")
    return len([p for p in inner.split(",") if p.strip()]) if inner else 0


def _public_signals(g: _Group) -> Iterator[Signal]:
    k = g.key
    if k in _PUBLIC_BLOCKS:
        if (g.new and _bool(g.new_value) is False) or (not g.new and _bool(g.old_value) is True):
            verb = f"sets `{k} = false`" if g.new else f"removes `{k}`"
            yield _sig(
                PERMISSION_WIDENING,
                "tf.public_access",
                f"{verb} on {g.where}: public access is no longer blocked",
                g,
                "high",
            )
    elif (
        k == "publicly_accessible" and _bool(g.new_value) is True and _bool(g.old_value) is not True
    ):
        yield _sig(
            PERMISSION_WIDENING,
            "tf.public_access",
            f"makes {g.where} publicly accessible",
            g,
            "high",
        )
    elif (
        k in ("acl", "predefined_acl", "canned_acl") and (g.new_value or "").lower() in _PUBLIC_ACLS
    ):
        yield _sig(
            PERMISSION_WIDENING,
            "tf.public_access",
            f"grants a public ACL {g.new_value} on {g.where}",
            g,
            "high",
        )
    elif (
        k == "public_network_access_enabled"
        and _bool(g.new_value) is True
        and _bool(g.old_value) is not True
    ):
        yield _sig(
            PERMISSION_WIDENING,
            "tf.public_access",
            f"opens {g.where} to public networks",
            g,
            "medium",
        )


def _provider_signals(g: _Group) -> Iterator[Signal]:
    k, path = g.key, g.path
    if (
        (not path and k in _PROVIDER_TARGET)
        or (path and path[0] in _PROVIDER_TARGET_BLOCKS)
        or k == "assume_role"
    ):
        yield _sig(
            ENVIRONMENT_DEFINITION,
            "tf.provider",
            f"changes `{'.'.join((*path, k))}` of {g.where}: resources move to another region or account",
            g,
            "high",
        )
    elif (path and path[0] in _PROVIDER_DEFAULTS) or k in _PROVIDER_DEFAULTS:
        yield _sig(
            GLOBAL_CONFIG,
            "tf.provider_defaults",
            f"changes `{'.'.join((*path, k))}` of {g.where}, applied to every resource it manages",
            g,
            "medium",
        )


def _terraform_signals(g: _Group) -> Iterator[Signal]:
    k, path = g.key, g.path
    if path and path[0] in ("backend", "cloud"):
        return  # reported with the backend block
    if (not path and k == "required_version") or (
        path and path[0] == "required_providers" and k in ("version", "source")
    ):
        old_m, new_m = _major(g.old_value), _major(g.new_value)
        what = (
            "required Terraform version"
            if k == "required_version"
            else f"provider `{path[-1] if len(path) > 1 else k}`"
        )
        sev: Severity = (
            "medium"
            if (k == "source" and g.old)
            or (old_m is not None and new_m is not None and new_m > old_m)
            else "low"
        )
        yield _sig(DEPENDENCY, "tf.provider_version", f"changes the {what} constraint", g, sev)
    elif path and path[0] == "required_providers" and len(path) == 1 and g.old and not g.new:
        yield _sig(
            DEPENDENCY,
            "tf.provider_version",
            f"removes the requirement on provider `{k}`",
            g,
            "medium",
        )


def _module_signals(g: _Group) -> Iterator[Signal]:
    if g.key == "source":
        if g.old and g.new:
            yield _sig(
                DEPENDENCY, "tf.module_source", f"changes the source of {g.where}", g, "medium"
            )
        return
    old_m, new_m = _major(g.old_value), _major(g.new_value)
    sev: Severity = "medium" if old_m is not None and new_m is not None and new_m > old_m else "low"
    yield _sig(DEPENDENCY, "tf.module_version", f"changes the version of {g.where}", g, sev)


def _variable_signals(g: _Group) -> Iterator[Signal]:
    if g.key == "default":
        guard = _guard_of_variable(g.owner)
        new_eff = _bool(g.new_value) if g.new else None
        if guard is not None and new_eff is not None and new_eff != guard and g.new:
            # `variable "force_destroy" { default = true }`: every caller that does not set it
            # now creates resources without the guard
            yield _sig(
                PROTECTION_TOGGLE,
                "tf.guard_default",
                f"changes the default of {g.where} to `{g.new_value}`: resources of every caller "
                "that does not set it lose their guard against destruction",
                g,
                "high",
            )
            return
        if g.old and g.new:
            yield _sig(
                GLOBAL_CONFIG,
                "tf.variable_default",
                f"changes the default of {g.where}: every caller that does not set it is affected",
                g,
                "medium",
            )
        elif g.old:
            yield _sig(
                PUBLIC_API,
                "tf.variable_required",
                f"removes the default of {g.where}: every caller must now set it",
                g,
                "medium",
                "old",
            )
    elif g.key == "type" and g.old and g.new:
        yield _sig(PUBLIC_API, "tf.variable_type", f"changes the type of {g.where}", g, "medium")


# --- lines: permissions, workspaces ------------------------------------------------------------

_PAIR_RE = lazy(
    r'(?:"([A-Za-z_][\w:-]*)"|\b([A-Za-z_][\w-]*))[ \t]*[=:][ \t]*(\[[^\]]*\]?|"(?:[^"\\]|\\.)*")'
)
_ACTION_KEYS = frozenset(["action", "actions", "notaction", "not_actions"])
_RESOURCE_KEYS = frozenset(["resource", "resources", "notresource", "not_resources"])
_PRINCIPAL_KEYS = frozenset(["principal", "principals", "aws", "identifiers"])
_GRANT_KEYS = _ACTION_KEYS | _RESOURCE_KEYS | _PRINCIPAL_KEYS
_MEMBER_KEYS = frozenset(["member", "members"])
_OPEN_CIDRS = frozenset(("0.0.0.0/0", "::/0"))
_ADMIN_RE = lazy(
    r"^arn:aws[\w-]*:iam::aws:policy/(?:[\w-]+/)*(AdministratorAccess|PowerUserAccess|IAMFullAccess|\w*FullAccess)$"
    r"|^roles/(owner|editor|iam\.securityAdmin|resourcemanager\.\w*Admin)$"
)
_AZURE_ADMIN = frozenset(("Owner", "Contributor", "User Access Administrator"))
_NOT_INBOUND = ("egress", "outbound", "destination", "route")
_INBOUND = ("ingress", "inbound", "source", "allow", "authorized", "whitelist", "allowlist")
_RULE_TYPES = ("security_group_rule", "firewall", "security_rule", "network_acl_rule")


@record(frozen=False)
class _Pair:
    owner: str | None
    rtype: str
    top: Block | None
    scan: Scan
    context: tuple[str, ...]  # path and key, lower case
    key: str  # lower case
    literals: list[str]
    line: int


def _row_pairs(sc: Scan, r: int, line: int, owners: dict[int, str]) -> Iterator[_Pair]:
    attr = sc.row_attr.get(r)
    top = attr.top if attr is not None else None
    owner = owners.get(id(top)) if top is not None else None
    rtype = (
        top.labels[0] if top is not None and top.labels and top.type in ("resource", "data") else ""
    )
    path = tuple(p.lower() for p in attr.path) if attr is not None else ()
    text = sc.code[r]
    if r in sc.heredoc_rows:
        key = sc.json_keys.get(r)
        if key is not None:
            m = _JSON_KEY_RE.search(text)
            value = text[m.end() :] if m is not None and m.group(1) == key else text
            yield _Pair(
                owner,
                rtype,
                top,
                sc,
                (*path, key.lower()),
                key.lower(),
                _STRING_RE.findall(value),
                line,
            )
        return
    own = False
    for m in _PAIR_RE.finditer(text):
        key = (m.group(1) or m.group(2) or "").lower()
        own = own or m.start() <= len(text) - len(text.lstrip())
        yield _Pair(owner, rtype, top, sc, (*path, key), key, _STRING_RE.findall(m.group(3)), line)
    if attr is not None and attr.row != r and not own:
        lits = _STRING_RE.findall(text)
        if lits:
            key = attr.key.lower()
            yield _Pair(owner, rtype, top, sc, (*path, key), key, lits, line)


def _changed_rows(seg: Segment, sc: Scan, changed: list[int]) -> Iterator[tuple[int, int]]:
    """(row, line) of the changed lines that fall in this segment."""
    offset = seg.first_line - (1 if seg.heading else 0)
    first = seg.first_line
    last = offset + len(sc.rows) - 1
    for line in lines_in(changed, first, last):
        yield line - offset, line


def _line_signals(
    ctx: FileContext, sides: dict[Side, _Side], owners: dict[Side, dict[int, str]]
) -> Iterator[Signal]:
    before: set[tuple[str | None, str, str]] = set()
    denies: dict[str | None, list[int]] = {}
    for seg, sc in sides["old"].scans:
        for r, line in _changed_rows(seg, sc, ctx.removed_sorted):
            if not _SUSPECT_RE.search(sc.code[r]):
                continue
            for p in _row_pairs(sc, r, line, owners["old"]):
                if p.key == "effect" and "Deny" in p.literals:
                    denies.setdefault(p.owner, []).append(line)
                elif _effect_at(sc, r) != "Deny":
                    before.update((p.owner, p.key, lit) for lit in p.literals)
            if "terraform.workspace" in sc.code[r]:
                yield Signal(
                    ENVIRONMENT_DEFINITION,
                    "tf.workspace",
                    "changes logic that depends on `terraform.workspace`",
                    line,
                    "old",
                    _owner_of_row(sc, r, owners["old"]),
                    "medium",
                )
    added_denies: dict[str | None, int] = {}
    for seg, sc in sides["new"].scans:
        for r, line in _changed_rows(seg, sc, ctx.added_sorted):
            if "terraform.workspace" in sc.code[r]:
                yield Signal(
                    ENVIRONMENT_DEFINITION,
                    "tf.workspace",
                    "adds logic that depends on `terraform.workspace`",
                    line,
                    "new",
                    _owner_of_row(sc, r, owners["new"]),
                    "medium",
                )
            if not _SUSPECT_RE.search(sc.code[r]):
                continue
            for p in _row_pairs(sc, r, line, owners["new"]):
                if p.key == "effect" and "Deny" in p.literals:
                    added_denies[p.owner] = added_denies.get(p.owner, 0) + 1
                    continue
                fresh = [lit for lit in p.literals if (p.owner, p.key, lit) not in before]
                # a wildcard in a Deny statement takes away, it does not grant
                if fresh and (p.key not in _GRANT_KEYS or _effect_at(sc, r) != "Deny"):
                    yield from _pair_signals(p, fresh)
    for owner, lines in denies.items():
        if len(lines) > added_denies.get(owner, 0):
            where = f"`{owner}`" if owner else "a policy"
            yield Signal(
                PERMISSION_WIDENING,
                "tf.iam_deny_removed",
                f"removes a `Deny` statement from {where}",
                lines[0],
                "old",
                owner,
                "high",
            )


#: what a row must contain for any line rule to apply to it (most rows contain none of it)
_SUSPECT_RE = lazy(
    r"\*|0\.0\.0\.0/0|::/0|allUsers|allAuthenticatedUsers|:policy/|roles/|Owner|Contributor"
    r"|User Access|Internet|Deny|terraform\.workspace"
)
_EFFECT_RE = lazy(r'(?:"[Ee]ffect"|\b[Ee]ffect)[ \t]*[=:][ \t]*"(Allow|Deny)"')
_EFFECT_REACH = 80


def _effect_at(sc: Scan, r: int) -> str:
    """The ``Effect`` of the policy statement around row ``r``, "" when the rows do not show it.

    A statement's keys share one indentation, nested parts sit deeper: walking away from the
    row, an effect counts while no shallower row has been passed since its level.
    """
    rows = sc.code
    m = _EFFECT_RE.search(rows[r])
    if m is not None:
        return m.group(1)
    start = _indent_of(sc.rows[r])
    for step in (-1, 1):
        floor = start
        k = r + step
        while 0 <= k < len(rows) and abs(k - r) <= _EFFECT_REACH:
            text = rows[k]
            if text.strip():
                ind = _indent_of(sc.rows[k])
                m = _EFFECT_RE.search(text)
                if m is not None and ind <= floor:
                    return m.group(1)
                floor = min(floor, ind)
                if floor == 0:
                    break
            k += step
    return ""


def _owner_of_row(sc: Scan, r: int, owners: dict[int, str]) -> str | None:
    attr = sc.row_attr.get(r)
    if attr is not None and attr.top is not None:
        return owners.get(id(attr.top))
    for b in sc.blocks:
        if b.parent is None and b.start <= r <= b.end:
            return owners.get(id(b))
    return None


def _pair_signals(p: _Pair, lits: list[str]) -> Iterator[Signal]:
    where = f"`{p.owner}`" if p.owner else "a policy"
    k = p.key
    if k in _ACTION_KEYS and any(lit == "*" or lit.endswith(":*") for lit in lits):
        act = next(lit for lit in lits if lit == "*" or lit.endswith(":*"))
        yield Signal(
            PERMISSION_WIDENING,
            "tf.iam_wildcard",
            f"grants wildcard actions `{act}` in {where}",
            p.line,
            "new",
            p.owner,
            "high",
        )
    elif k in _RESOURCE_KEYS and "*" in lits:
        yield Signal(
            PERMISSION_WIDENING,
            "tf.iam_wildcard",
            f"grants access to every resource (`*`) in {where}",
            p.line,
            "new",
            p.owner,
            "high",
        )
    elif k in _PRINCIPAL_KEYS and "*" in lits:
        yield Signal(
            PERMISSION_WIDENING,
            "tf.iam_wildcard",
            f"allows any principal (`*`) in {where}",
            p.line,
            "new",
            p.owner,
            "high",
        )
    elif k in _MEMBER_KEYS and any(lit in ("allUsers", "allAuthenticatedUsers") for lit in lits):
        yield Signal(
            PERMISSION_WIDENING,
            "tf.public_access",
            f"grants access to everyone (`allUsers`) in {where}",
            p.line,
            "new",
            p.owner,
            "high",
        )
    admin = next((lit for lit in lits if _ADMIN_RE.match(lit)), None)
    if admin is None and k == "role_definition_name":
        admin = next((lit for lit in lits if lit in _AZURE_ADMIN), None)
    if admin is not None:
        yield Signal(
            PERMISSION_WIDENING,
            "tf.admin_policy",
            f"grants the administrative role `{admin}` in {where}",
            p.line,
            "new",
            p.owner,
            "high",
        )
    if any(lit in _OPEN_CIDRS for lit in lits) or (
        k in ("source_address_prefix", "source_address_prefixes")
        and any(lit in ("*", "Internet") for lit in lits)
    ):
        sev = _ingress_severity(p)
        if sev is not None:
            yield Signal(
                PERMISSION_WIDENING,
                "tf.open_ingress",
                f"opens {where} to inbound traffic from anywhere",
                p.line,
                "new",
                p.owner,
                sev,
            )


def _ingress_severity(p: _Pair) -> Severity | None:
    # the resource's own name counts too: rules are usually named for their direction
    words = (*p.context, p.rtype, (p.owner or "").rsplit(".", 1)[-1].lower())
    if any(n in w for w in words for n in _NOT_INBOUND):
        return None
    if any(n in w for w in words for n in _INBOUND):
        return "high"
    if not any(t in p.rtype for t in _RULE_TYPES) and "security_group" not in p.rtype:
        return None
    direction = _direction(p)
    if direction == "out":
        return None
    if direction == "in" or "firewall" in p.rtype:
        return "high"
    return "medium"


def _direction(p: _Pair) -> str | None:
    """What the rule's own arguments (visible in the hunk) say about its direction."""
    if p.top is None:
        return None
    for a in p.scan.attrs:
        if a.top is not p.top or a.path != () or a.key not in ("type", "direction", "egress"):
            continue
        v = a.value.lower()
        if "egress" in v or "outbound" in v or (a.key == "egress" and v == "true"):
            return "out"
        if "ingress" in v or "inbound" in v or (a.key == "egress" and v == "false"):
            return "in"
    return None


# --- locals and variables that feed count / for_each ---------------------------------------------

_REF_NAME_RE = lazy(r"\b(local|var)\.([A-Za-z_][\w-]*)")
_COUNTISH = frozenset(["count", "length", "num", "number", "create", "enable", "enabled"])


def _count_inputs(sides: dict[Side, _Side]) -> tuple[set[str], dict[str, str]]:
    """Names (``local.x`` / ``var.x``) that the visible text shows feeding a count or for_each."""
    refs: set[str] = sides["old"].count_refs | sides["new"].count_refs
    values: dict[str, str] = {}
    for side in ("old", "new"):
        for _seg, _sc, a in sides[side].attrs:
            if a.top is None:
                continue
            if (
                a.path == ()
                and a.key in ("count", "for_each")
                and a.top.type in ("resource", "module", "data")
            ):
                refs.update(f"{m.group(1)}.{m.group(2)}" for m in _REF_NAME_RE.finditer(a.value))
            elif a.top.type == "locals" and a.path == ():
                name = f"local.{a.key}"
                values[name] = values.get(name, "") + " " + a.value
    todo = [r for r in refs if r.startswith("local.")]
    while todo:
        name = todo.pop()
        for m in _REF_NAME_RE.finditer(values.get(name, "")):
            ref = f"{m.group(1)}.{m.group(2)}"
            if ref not in refs:
                refs.add(ref)
                todo.append(ref)
    return refs, values


def _countish(name: str, value: str) -> bool:
    words = set(re.split(r"[_-]", name.split(".", 1)[-1].lower()))
    return bool(words & _COUNTISH) or bool(re.search(r"\?\s*1\s*:\s*0\b", value))


# --- the analyzer ------------------------------------------------------------------------------------

_STATE_RE = lazy(r"\.tfstate(\.backup|\.\d+\.backup)?$")
_LOCKFILE = ".terraform.lock.hcl"


def analyze(ctx: FileContext) -> Partial:
    name = posixpath.basename(ctx.path).lower()
    if _STATE_RE.search(name):
        return _state_file(ctx)
    tfvars = name.endswith(".tfvars")
    sides: dict[Side, _Side] = {
        "old": _read_side(ctx, "old", tfvars=tfvars),
        "new": _read_side(ctx, "new", tfvars=tfvars),
    }
    removed = [n for n in ctx.removed_sorted if ctx.removed[n].strip()]
    added = [n for n in ctx.added_sorted if ctx.added[n].strip()]
    changes, _old_out, _new_out = diff_definitions(
        sides["old"].defs,
        sides["new"].defs,
        removed,
        added,
        removed_set=ctx.removed,
        added_set=ctx.added,
    )
    part = Partial()
    if name == _LOCKFILE:
        part.symbols.extend(
            Symbol("provider_lock", sym.name.removeprefix("provider."), sym.change, sym.line)
            for sym, _o, _n in changes
        )
        part.signals.extend(_lock_signals(ctx, sides))
        return part
    part.symbols.extend(sym for sym, _o, _n in changes)

    owners: dict[Side, dict[int, str]] = {"old": {}, "new": {}}
    for side in ("old", "new"):
        for _seg, sc in sides[side].scans:
            for b in sc.blocks:
                key = sides[side].block_keys.get(id(b))
                if key is not None and b.parent is None:
                    owners[side][id(b)] = key[1]
    moved = _moved_pairs(sides["new"])
    status: dict[str, str] = {}
    for sym, _o, _n in changes:
        status[sym.name] = sym.change
        if sym.old_name:
            status[sym.old_name] = sym.change

    signals: list[Signal] = []
    signals.extend(_symbol_signals(ctx, changes, sides, moved, backend_file="backend" in name))
    # arguments of blocks added or deleted whole are part of that addition or deletion
    whole = {n for n, ch in status.items() if ch in ("added", "deleted")}
    for g in _collect_groups(ctx, sides, owners, tfvars=tfvars, skip=whole).values():
        if g.old == g.new:
            continue
        signals.extend(_attr_signals(g, moved))
    signals.extend(_line_signals(ctx, sides, owners))
    signals.extend(_count_input_signals(ctx, changes, sides))
    part.signals.extend(_merge_switches(signals))
    part.cosmetic = _cosmetic(ctx, sides)
    return part


def _merge_switches(signals: list[Signal]) -> list[Signal]:
    """``count`` removed and ``for_each`` added (or back) on one block is one change: a switch."""
    by_owner: dict[str | None, list[Signal]] = {}
    for s in signals:
        if s.code == "tf.count_for_each":
            by_owner.setdefault(s.symbol, []).append(s)
    out: list[Signal] = []
    merged: set[str | None] = set()
    for s in signals:
        pair = by_owner.get(s.symbol, []) if s.code == "tf.count_for_each" else []
        if len(pair) != 2 or s.symbol is None:
            out.append(s)
            continue
        if s.symbol in merged:
            continue
        merged.add(s.symbol)
        new = next((p for p in pair if p.side == "new"), pair[0])
        was, now = ("count", "for_each") if "`for_each`" in new.detail else ("for_each", "count")
        out.append(
            Signal(
                ENVIRONMENT_DEFINITION,
                "tf.count_for_each",
                f"switches `{s.symbol}` from `{was}` to `{now}`: every instance gets a new address",
                new.line,
                "new",
                s.symbol,
                "high",
            )
        )
    return out


def _moved_pairs(side: _Side) -> list[tuple[str, str]]:
    found: dict[int, dict[str, str]] = {}
    for _seg, _sc, a in side.attrs:
        if a.top is not None and a.top.type == "moved" and a.path == () and a.key in ("from", "to"):
            found.setdefault(id(a.top), {})[a.key] = a.value
    return [(v["from"], v["to"]) for v in found.values() if "from" in v and "to" in v]


def _symbol_signals(
    ctx: FileContext,
    changes: list[tuple[Symbol, Definition | None, Definition | None]],
    sides: dict[Side, _Side],
    moved: list[tuple[str, str]],
    *,
    backend_file: bool,
) -> Iterator[Signal]:
    for sym, _o, _n in changes:
        k, name, ch = sym.kind, sym.name, sym.change
        if k == "resource" and ch == "deleted":
            if not _removed_destroys(sides["new"], f"removed.{name}"):
                continue  # a removed block with destroy = false forgets it instead
            rtype = name.split(".", 1)[0]
            sev = _deletion_severity(rtype)
            what = " (stateful or shared infrastructure)" if _STATEFUL_RE.search(rtype) else ""
            yield Signal(
                RESOURCE_DELETION,
                "tf.resource_deleted",
                f"deletes resource `{name}`{what}: Terraform destroys it",
                sym.line,
                "old",
                name,
                sev,
            )
        elif k == "module" and ch == "deleted":
            yield Signal(
                RESOURCE_DELETION,
                "tf.module_deleted",
                f"deletes module call `{name}` and every resource it manages",
                sym.line,
                "old",
                name,
                "high",
            )
        elif k in ("resource", "module") and ch == "renamed":
            if any(_address(f) == sym.old_name and _address(t) == name for f, t in moved):
                continue
            yield Signal(
                REPLACEMENT,
                "tf.address_changed",
                f"renames `{sym.old_name}` to `{name}` without a `moved` block: Terraform destroys and "
                "recreates it",
                sym.line,
                "new",
                name,
                "high",
            )
        elif k == "variable" and ch == "deleted":
            yield Signal(
                PUBLIC_API,
                "tf.variable_removed",
                f"removes input `{name}`: callers that set it fail",
                sym.line,
                "old",
                name,
                "medium",
            )
        elif k == "output" and ch == "deleted":
            yield Signal(
                PUBLIC_API,
                "tf.output_removed",
                f"removes output `{name}`: references to it fail",
                sym.line,
                "old",
                name,
                "medium",
            )
        elif k == "provider" and ch in ("deleted", "renamed"):
            yield Signal(
                ENVIRONMENT_DEFINITION,
                "tf.provider",
                f"removes provider configuration `{sym.old_name or name}`",
                sym.line,
                "old" if ch == "deleted" else "new",
                name,
                "high",
            )
        elif k in ("backend", "remote_state") or (backend_file and k == "tfvar"):
            verb = {"added": "adds", "deleted": "removes"}.get(ch, "changes")
            yield Signal(
                ENVIRONMENT_DEFINITION,
                "tf.backend",
                f"{verb} the state backend `{name}`: Terraform reads and writes state elsewhere",
                sym.line,
                "old" if ch == "deleted" else "new",
                name,
                "high",
            )
        elif k in ("moved", "removed", "import"):
            verb = {"added": "adds", "deleted": "removes"}.get(ch, "changes")
            yield Signal(
                ENVIRONMENT_DEFINITION,
                "tf.state_move",
                f"{verb} a `{k}` block: state addresses change",
                sym.line,
                "old" if ch == "deleted" else "new",
                name,
                "medium",
            )
            if (
                k == "removed"
                and ch in ("added", "modified")
                and _removed_destroys(sides["new"], name)
            ):
                target = name.removeprefix("removed.")
                yield Signal(
                    RESOURCE_DELETION,
                    "tf.removed_block",
                    f"a `removed` block destroys `{target}`",
                    sym.line,
                    "new",
                    name,
                    "high",
                )


def _removed_destroys(side: _Side, name: str) -> bool:
    for _seg, _sc, a in side.attrs:
        top = a.top
        if top is None or top.type != "removed" or a.key != "destroy" or a.path != ("lifecycle",):
            continue
        if side.block_keys.get(id(top), ("", ""))[1] == name:
            return _bool(a.value) is not False
    return True


def _count_input_signals(
    ctx: FileContext,
    changes: list[tuple[Symbol, Definition | None, Definition | None]],
    sides: dict[Side, _Side],
) -> Iterator[Signal]:
    interesting = [
        s for s, _o, _n in changes if s.kind in ("local", "variable") and s.change != "added"
    ]
    if not interesting:
        return
    refs, values = _count_inputs(sides)
    for sym in interesting:
        if sym.name in refs or (
            sym.kind == "local" and _countish(sym.name, values.get(sym.name, ""))
        ):
            if sym.kind == "variable" and not _default_changed(ctx, sides, sym.name):
                continue
            yield Signal(
                ENVIRONMENT_DEFINITION,
                "tf.count_input",
                f"changes `{sym.name}`, which decides how many instances of a resource exist",
                sym.line,
                "old" if sym.change == "deleted" else "new",
                sym.name,
                # as consequential as editing the count itself: fewer instances are destroyed
                "high",
            )


def _default_changed(ctx: FileContext, sides: dict[Side, _Side], name: str) -> bool:
    for side in ("old", "new"):
        changed = ctx.changed(side)
        for seg, _sc, a in sides[side].attrs:
            if (
                a.key == "default"
                and a.path == ()
                and a.top is not None
                and a.top.type == "variable"
                and "var." + ".".join(a.top.labels) == name
                and seg.line_of(a.row) in changed
            ):
                return True
    return False


def _lock_signals(ctx: FileContext, sides: dict[Side, _Side]) -> Iterator[Signal]:
    versions: dict[Side, dict[str, tuple[str, int]]] = {"old": {}, "new": {}}
    for side in ("old", "new"):
        for seg, _sc, a in sides[side].attrs:
            if (
                a.top is not None
                and a.top.type == "provider"
                and a.path == ()
                and a.key == "version"
            ):
                line = seg.line_of(a.row)
                if line is not None:
                    versions[side][".".join(a.top.labels)] = (_unquote(a.value), line)
    for provider, (new_v, line) in versions["new"].items():
        old = versions["old"].get(provider)
        if old is None or old[0] == new_v:
            continue
        old_m, new_m = _major(old[0]), _major(new_v)
        sev: Severity = (
            "medium" if old_m is not None and new_m is not None and new_m != old_m else "low"
        )
        yield Signal(
            DEPENDENCY,
            "tf.lockfile",
            f"locks provider `{provider}` at {new_v} (was {old[0]})",
            line,
            "new",
            provider,
            sev,
        )


def _state_file(ctx: FileContext) -> Partial:
    part = Partial()
    verb = {"added": "commits", "deleted": "deletes"}.get(ctx.status, "edits")
    part.signals.append(
        Signal(
            ENVIRONMENT_DEFINITION,
            "tf.state_file",
            f"{verb} the Terraform state file `{ctx.path}`: state is the record of what exists",
            None,
            "old" if ctx.status == "deleted" else "new",
            None,
            "high",
        )
    )
    return part


def _cosmetic(ctx: FileContext, sides: dict[Side, _Side]) -> str | None:
    if ctx.status not in ("modified", "renamed"):
        return None
    spans: list[dict[int, list[tuple[int, int]]]] = []
    for side in ("old", "new"):
        changed = ctx.changed(side)
        found: dict[int, list[tuple[int, int]]] = {}
        for seg, sc in sides[side].scans:
            for r, sp in sc.comments.items():
                line = seg.line_of(r)
                if line is not None and line in changed:
                    found[line] = sp
        spans.append(found)
    return cosmetic_level(ctx, (spans[0], spans[1]))
