"""Published parameter values (issue 13 §3): dated values with their source document,
set by the bureau and read by every decision on top of the policy package's YAML."""
