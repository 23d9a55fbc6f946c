"""Policy simulation (issue 13 §3): drafts of parameter values and rule versions,
baseline against draft on the same facts, publishing by a second person."""
