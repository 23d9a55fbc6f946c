"""The registry: people, households, employers and their histories (issue 4).

Writes go through :mod:`jiuye.registry.services` (atomic, with a history row);
reads for the rules engine through :mod:`jiuye.registry.selectors` (one record) and
:mod:`jiuye.registry.frames` (a whole jurisdiction as a Polars frame).
"""
