"""Indicators (issue 14 §1, §7): employment figures per county and period computed
set-based from the registry, casework and the ledger; quarterly snapshots."""
