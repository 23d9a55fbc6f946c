"""Policy packages: each one a document's clauses, parameters, rules and case tests."""
