"""Excel rosters (花名册): templates, upload checks, a validation preview, and a set-based
import that upserts by identity number or credit code in one transaction.

Flow: :func:`jiuye.registry.rosters.batches.preview` (container checks → read with
calamine through fastexcel → vectorised validation in Polars → preview stored under
``var/rosters/<token>/``) then :func:`jiuye.registry.rosters.batches.confirm` (all valid
rows or nothing, one history row per changed record, nothing for unchanged rows).
"""
