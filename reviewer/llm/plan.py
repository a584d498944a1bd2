"""Request planning: a review and its diff -> chat requests that fit the token budget. Pure.

Every request names every changed file with its symbols and findings (the scope index, index.py, is
never cut; a change too big for that is split into groups of files, each named in its own requests).
Diff excerpts of risky and unexplained files fill the rest by risk (excerpts.py); what must be read
and does not fit one request goes to the next, up to MAX_CHUNKS requests reviewed in parallel. The
plan records what the model saw of each file: in full, in part, or by name only. All text is
redacted before it is counted, and counted exactly as sent. A review with nothing for a model to
judge or sharpen needs no request at all (skip_reason).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence

from ..config import LLMSettings
from ..errors import LLMError
from ..models import Diff, FileDiff, FileReview, Review, severity_rank
from ..record import field, record
from .catalog import facts
from .excerpts import Block, blocks_for, changed_lines, file_tier
from .index import build_index
from .prompt import Templates, defuse, fill
from .redact import Redactor
from .tokens import TokenCounter, count_messages, count_schema

MAX_CHUNKS = 8
#: the scope summary may take this share of a request; beyond it the files are split into groups
INDEX_SHARE = 0.45
INTENT_CAP = 1000
#: more hunks of risky files, after every must-read block: at most half as much again as the
#: must-read blocks took, and at most this share of one request. Explained plain code, docs,
#: lockfiles and cosmetic hunks are never read: the model is asked about risk, and a reviewer that
#: re-sends the whole diff is what this replaces
EXTRA_SHARE = 1 / 40
EXTRA_RATIO = 0.5
MIN_BUDGET = 1200
#: tokens kept free besides the answer: framing the server adds that no tokenizer sees
SAFETY = 256

#: the only intent words that stand outside a data fence: a known conventional-commit type
_INTENT_TYPES = frozenset(
    {
        "fix",
        "feat",
        "refactor",
        "docs",
        "chore",
        "test",
        "perf",
        "build",
        "ci",
        "style",
        "revert",
        "security",
        "deps",
    }
)


@record
class Request:
    index: int
    messages: tuple[tuple[str, str], ...]  # (role, content)
    prompt_tokens: int  # messages and answer schema, counted as sent
    excerpted: tuple[str, ...]  # files with diff excerpts in this request


@record
class Plan:
    requests: tuple[Request, ...]
    handles: Mapping[str, str]  # "F1" -> finding id
    paths: tuple[str, ...]  # every changed file, in diff order
    full: tuple[str, ...]
    part: tuple[str, ...]
    name: tuple[str, ...]
    budget: int
    encoding: str
    token_caveat: str
    redactions: int
    groups: int = 1

    @property
    def prompt_tokens(self) -> int:
        return sum(r.prompt_tokens for r in self.requests)


def skip_reason(review: Review) -> str | None:
    """Why a request would have nothing to do, or None: then the rule engine's review is sent as is.

    The model judges drift, sharpens questions about risky code and summarises. An aligned change
    with a low blast radius and no finding of severity low or above gives it nothing to judge or
    sharpen, and the rule engine's one-sentence summary says all there is to say.
    """
    if review.verdict != "aligned" or review.blast_radius.level != "low":
        return None
    if any(severity_rank(f.severity) >= severity_rank("low") for f in review.findings):
        return None
    return "nothing to judge or sharpen (aligned, blast radius low, no finding of severity low or above)"


def budget_for(settings: LLMSettings, model: str, counter: TokenCounter) -> int:
    """Prompt tokens one request may use: the policy's cap, within the model's window after the answer."""
    window = facts(model).context_window
    budget = min(settings.max_input_tokens, window - settings.max_output_tokens - SAFETY)
    if counter.caveat or not counter.exact:
        budget = int(budget * 0.9)  # the server's tokenizer may count more than ours
    return budget


@record(frozen=False, slots=False)
class _Chunk:
    group: int
    blocks: list[Block] = field(default_factory=list)
    used: int = 0
    files: set[str] = field(default_factory=set)


def build_plan(
    review: Review,
    diff: Diff,
    settings: LLMSettings,
    model: str,
    templates: Templates,
    counter: TokenCounter,
) -> Plan:
    budget = budget_for(settings, model, counter)
    if budget < MIN_BUDGET:
        raise LLMError(
            f"llm.max_input_tokens / llm.max_output_tokens leave {budget} prompt tokens for {model}; "
            f"at least {MIN_BUDGET} are needed"
        )
    red = Redactor()
    files = _files(review, diff)
    paths = tuple(fd.path for fd, _ in files)

    # diff lines first: what they redact is scrubbed from titles, symbols and the intent too
    risky_paths = frozenset(
        f.path
        for f in review.findings
        if f.path and not f.licensed and severity_rank(f.severity) >= severity_rank("low")
    )
    blocks: list[Block] = []
    for order, (fd, fr) in enumerate(files):
        tier = file_tier(fd, fr, risky_paths)
        signal_lines = (
            frozenset((s.side, s.line) for s in fr.scope.signals if s.line) if fr else frozenset()
        )
        blocks += blocks_for(
            fd, file_order=order, tier=tier, signal_lines=signal_lines, redactor=red
        )
    blocks.sort(key=lambda b: b.key)

    index = build_index(files, review)
    handles = index.handles
    names = [_clean(red.scrub(red.text(fd.path))) for fd, _ in files]
    entries = [_clean(red.scrub(red.text(e))) for e in index.entries]
    global_text = _clean(red.scrub(red.text(index.head)))

    intent_text = _clean(red.scrub(red.text(review.intent.text))) or "(no intent stated)"
    if counter.count(intent_text) > min(INTENT_CAP, budget // 5):
        intent_text = (
            counter.truncate(intent_text, min(INTENT_CAP, budget // 5)) + "\n[intent truncated]"
        )
    kind = review.intent.type if review.intent.type in _INTENT_TYPES else None
    source = review.intent.source + (f", {kind}" if kind else "")

    def render(group: list[int], blocks: Sequence[Block], part: str) -> tuple[tuple[str, str], ...]:
        body = "\n".join([global_text, *(entries[i] for i in group)]).strip()
        excerpts, shown = _excerpts(blocks, names, red.scrub)
        total = sum(1 for i in group if files[i][0].hunks)
        note = f"{len(shown)} of {total} files" if total else "no hunks"
        nonce = hashlib.blake2b(
            "\0".join((intent_text, body, excerpts)).encode(), digest_size=4
        ).hexdigest()
        user = fill(
            templates.user,
            {
                "nonce": nonce,
                "intent_source": source,
                "intent": intent_text,
                "verdict": review.verdict,
                "blast": review.blast_radius.level,
                "part": part,
                "files": body,
                "excerpt_note": note,
                "excerpts": excerpts or "(none)",
            },
        )
        return (("system", templates.system), ("user", user))

    schema_tokens = count_schema(counter, templates.schema)

    def cost(messages: tuple[tuple[str, str], ...]) -> int:
        return count_messages(counter, messages) + schema_tokens

    base = cost(render([], [], "; request 1 of 2"))
    entry_tokens = [counter.count(e) + 1 for e in entries]
    groups = _groups(entry_tokens, int((budget - base) * INDEX_SHARE))
    headers = [base + sum(entry_tokens[i] for i in g) for g in groups]
    if max(headers) > budget:
        raise LLMError(
            f"the change's scope summary does not fit in {budget} tokens; raise llm.max_input_tokens"
        )
    group_of = {i: gi for gi, g in enumerate(groups) for i in g}

    chunks = [_Chunk(gi) for gi in range(len(groups))]
    header_cost = {fd.path: counter.count(f"### {names[i]}\n") for i, (fd, _) in enumerate(files)}

    def place(b: Block, *, fresh_ok: bool, limit: int | None = None) -> int:
        """Put ``b`` in the first chunk of its group with room (a new one if allowed): its cost."""
        gi = group_of[b.file_order]
        need = counter.count(b.text) + 1
        room = budget - headers[gi]
        target = next(
            (
                c
                for c in chunks
                if c.group == gi and _extra(c, b, need, header_cost) <= room - c.used
            ),
            None,
        )
        if (
            target is None
            and fresh_ok
            and len(chunks) < MAX_CHUNKS
            and _extra(_Chunk(gi), b, need, header_cost) <= room
        ):
            target = _Chunk(gi)
            chunks.append(target)
        if target is None:
            return 0
        extra = _extra(target, b, need, header_cost)
        if limit is not None and extra > limit:
            return 0
        target.used += extra
        target.files.add(b.path)
        target.blocks.append(b)
        return extra

    must_tokens = sum(place(b, fresh_ok=True) for b in blocks if b.must_read)
    allowance = min(int(budget * EXTRA_SHARE), int(must_tokens * EXTRA_RATIO))
    for b in blocks:
        if b.worth_reading and not b.must_read:
            allowance -= place(b, fresh_ok=False, limit=allowance)

    chunks.sort(key=lambda c: c.group)
    requests: list[Request] = []
    for n, chunk in enumerate(chunks):
        part = f"; request {n + 1} of {len(chunks)}" if len(chunks) > 1 else ""
        messages = render(groups[chunk.group], chunk.blocks, part)
        tokens = cost(messages)
        while tokens > budget and chunk.blocks:  # token merges across pieces: trim the least risky
            chunk.blocks.remove(max(chunk.blocks, key=lambda b: b.key))
            messages = render(groups[chunk.group], chunk.blocks, part)
            tokens = cost(messages)
        excerpted = tuple(
            dict.fromkeys(b.path for b in sorted(chunk.blocks, key=lambda b: b.file_order))
        )
        requests.append(Request(n, messages, tokens, excerpted))

    full, part_seen, name = _seen(files, [b for c in chunks for b in c.blocks])
    return Plan(
        requests=tuple(requests),
        handles=handles,
        paths=paths,
        full=full,
        part=part_seen,
        name=name,
        budget=budget,
        encoding=counter.name,
        token_caveat=counter.caveat,
        redactions=red.total,
        groups=len(groups),
    )


# --- pieces ---------------------------------------------------------------------------------------


def _files(review: Review, diff: Diff) -> list[tuple[FileDiff, FileReview | None]]:
    """Every changed file once, in diff order, with its review when the analysis has one."""
    reviews = {fr.scope.path: fr for fr in review.files}
    out: list[tuple[FileDiff, FileReview | None]] = []
    seen: set[str] = set()
    for fd in diff.files:
        if fd.path in seen:
            continue
        seen.add(fd.path)
        out.append((fd, reviews.get(fd.path)))
    for path, fr in reviews.items():
        if path not in seen:  # a scope without diff text: named, never excerpted
            seen.add(path)
            s = fr.scope
            out.append((FileDiff(path=path, old_path=s.old_path, status=s.status), fr))
    return out


def _extra(chunk: _Chunk, block: Block, need: int, header_cost: Mapping[str, int]) -> int:
    """Tokens ``block`` adds to ``chunk``: its text, and its file's heading the first time."""
    return need + (0 if block.path in chunk.files else header_cost[block.path])


def _clean(text: str) -> str:
    return defuse(text.replace("\r", "")).strip()


def _groups(sizes: Sequence[int], limit: int) -> list[list[int]]:
    if sum(sizes) <= limit or limit <= 0:
        return [list(range(len(sizes)))]
    groups: list[list[int]] = [[]]
    used = 0
    for i, size in enumerate(sizes):
        if groups[-1] and used + size > limit:
            groups.append([])
            used = 0
        groups[-1].append(i)
        used += size
    return groups


def _excerpts(
    blocks: Sequence[Block], names: Sequence[str], scrub: Callable[[str], str]
) -> tuple[str, set[int]]:
    out: list[str] = []
    shown: set[int] = set()
    current = -1
    for b in sorted(blocks, key=lambda b: (b.file_order, b.index)):
        if b.file_order != current:
            current = b.file_order
            out.append(f"### {names[current]}")
            shown.add(current)
        out.append(defuse(scrub(b.text)))
    return "\n".join(out), shown


def _seen(
    files: Sequence[tuple[FileDiff, FileReview | None]], blocks: Sequence[Block]
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    shown: dict[str, int] = {}
    cut: set[str] = set()
    for b in blocks:
        shown[b.path] = shown.get(b.path, 0) + b.changed
        if b.truncated:
            cut.add(b.path)
    full: list[str] = []
    part: list[str] = []
    name: list[str] = []
    for fd, _ in files:
        total = changed_lines(fd)
        if fd.binary:
            name.append(fd.path)
        elif total == 0:
            full.append(fd.path)  # a rename or mode change: the name is all there is
        elif shown.get(fd.path, 0) >= total and fd.path not in cut:
            full.append(fd.path)
        elif shown.get(fd.path, 0) > 0:
            part.append(fd.path)
        else:
            name.append(fd.path)
    return tuple(full), tuple(part), tuple(name)
