"""The LLM prompt templates, shipped inside the wheel as ``reviewer.prompts`` (see reviewer/llm/prompt.py)."""
