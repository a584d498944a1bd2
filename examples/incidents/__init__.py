"""Incident replays (``reviewer replay``), shipped inside the wheel as ``reviewer.incidents``."""
