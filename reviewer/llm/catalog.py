"""What we know about models by name: context window and list price, for budgets and cost estimates."""

from __future__ import annotations

from ..record import record


@record
class ModelFacts:
    context_window: int
    #: USD per million input / output tokens (OpenAI list prices); None when unknown
    input_per_m: float | None = None
    output_per_m: float | None = None


#: longest matching prefix wins; dated snapshots (gpt-4o-mini-2024-07-18) match their family
_FACTS: dict[str, ModelFacts] = {
    "gpt-4o-mini": ModelFacts(128_000, 0.15, 0.60),
    "gpt-4o": ModelFacts(128_000, 2.50, 10.00),
    "gpt-4.1-nano": ModelFacts(1_047_576, 0.10, 0.40),
    "gpt-4.1-mini": ModelFacts(1_047_576, 0.40, 1.60),
    "gpt-4.1": ModelFacts(1_047_576, 2.00, 8.00),
    "gpt-5-nano": ModelFacts(272_000, 0.05, 0.40),
    "gpt-5-mini": ModelFacts(272_000, 0.25, 2.00),
    "gpt-5": ModelFacts(272_000, 1.25, 10.00),
    "o4-mini": ModelFacts(200_000, 1.10, 4.40),
    "o3-mini": ModelFacts(200_000, 1.10, 4.40),
    "o3": ModelFacts(200_000, 2.00, 8.00),
    "gpt-4-turbo": ModelFacts(128_000, 10.00, 30.00),
    "gpt-3.5-turbo": ModelFacts(16_385, 0.50, 1.50),
}
#: a model we know nothing about (a local Llama, Qwen ...): assume a modest context window
UNKNOWN = ModelFacts(8_192)


def facts(model: str) -> ModelFacts:
    name = model.lower().rsplit("/", 1)[-1]  # "openai/gpt-4o" from routers
    best = ""
    for prefix in _FACTS:
        if name.startswith(prefix) and len(prefix) > len(best):
            best = prefix
    return _FACTS[best] if best else UNKNOWN


def cost_usd(model: str, prompt_tokens: int, completion_tokens: int) -> float | None:
    f = facts(model)
    if f.input_per_m is None or f.output_per_m is None:
        return None
    return (prompt_tokens * f.input_per_m + completion_tokens * f.output_per_m) / 1_000_000


def reasoning_model(model: str) -> bool:
    """Models that reject a temperature other than the default."""
    name = model.lower().rsplit("/", 1)[-1]
    return name.startswith(("o1", "o3", "o4", "gpt-5"))
