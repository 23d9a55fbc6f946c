"""Eligibility: the one derivation of facts from the registry, evaluation, withholding.

Above the registry and staff access, below the interfaces (DESIGN.md, "Layers"): it
reads the registry's tables and the policy package, never the other way round.

- :func:`jiuye.eligibility.facts.facts_for` — the facts of a division's subtree or of
  some records, as one Polars frame in the engine's types;
- :func:`jiuye.eligibility.facts.case_for` — one record's facts as an engine ``Case``
  (the same definitions over that record's rows);
- :func:`jiuye.eligibility.evaluate.evaluate_record` and
  :func:`jiuye.eligibility.evaluate.evaluate_frame` — the engine over them;
- :func:`jiuye.eligibility.withholding.entitlements` — one record's results as a
  viewer may see them (sensitive conclusions withheld without the right).
"""
