"""The registry: people, households, employers and their histories (issue 4).

Writes go through :mod:`jiuye.registry.services` (atomic, with a history row); a
record's page reads through :mod:`jiuye.registry.selectors`; the tables are read as
Polars frames through :mod:`jiuye.registry.frames`, from which :mod:`jiuye.eligibility`
derives the engine's facts (the registry never imports eligibility).
"""
