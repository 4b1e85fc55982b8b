"""Deadlines that reach people: the team is emailed when a clock runs out (once per event)."""
