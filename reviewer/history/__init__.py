"""What the gate would have done and what it does over time: backtests, review history, replays."""
