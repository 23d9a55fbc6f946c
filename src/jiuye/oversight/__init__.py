"""Watches (issue 14 §2–6): dynamic unemployment monitoring, tiered warning and
response plans, targets and assessment, the implementation ledger, project job-impact."""
