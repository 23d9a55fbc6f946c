"""Loading a synthetic population into the database (``jiuye synth --db``, ``setup-demo``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
from django.db import models

from jiuye.core.encrypted import BlindIndexField, MaskedField
from jiuye.geo.models import Division
from jiuye.registry.models import Household, Person, Source
from jiuye.registry.services.bulk import BulkPopulation, bulk_load
from jiuye.registry.synth import SynthSpec, generate

DEMO_SPEC = SynthSpec(persons=5000, firms=300, seed=2018)


def seed_loaded(seed: int) -> bool:
    return Household.objects.filter(number__startswith=f"SYN{seed}-").exists()


def load_population(
    spec: SynthSpec, progress: Callable[[str, int], None] | None = None
) -> dict[str, int]:
    """Generate and insert a population; a seed already loaded is not loaded again."""
    if seed_loaded(spec.seed):
        return {}
    taken = set(Person.objects.values_list("resident_id", flat=True))
    return bulk_load(generate(spec, taken), actor=None, source=Source.SYNTHETIC, progress=progress)


def ensure_demo_population() -> dict[str, int]:
    return load_population(DEMO_SPEC)


def population_tables(population: BulkPopulation) -> dict[str, pl.DataFrame]:
    """The unsaved population as one frame per table, with ids numbered from 1.

    Foreign keys to rows of the population become those ids; divisions become codes.
    """
    ids: dict[int, int] = {}
    tables: dict[str, pl.DataFrame] = {}
    for name, objects in population.batches():
        rows: list[dict[str, Any]] = []
        for number, obj in enumerate(objects, start=1):
            ids[id(obj)] = number
            row: dict[str, Any] = {"id": number}
            for field in obj._meta.concrete_fields:
                # the blind index and masked form are the database's (filled on save)
                if field.name == "id" or isinstance(
                    field, models.DateTimeField | BlindIndexField | MaskedField
                ):
                    continue
                if isinstance(field, models.ForeignKey):
                    target = getattr(obj, field.name)
                    row[
                        f"{field.name}_code" if isinstance(target, Division) else f"{field.name}_id"
                    ] = (
                        None
                        if target is None
                        else target.code
                        if isinstance(target, Division)
                        else ids[id(target)]
                    )
                else:
                    row[field.name] = getattr(obj, field.attname)
            rows.append(row)
        if rows:
            tables[name] = pl.DataFrame(rows, infer_schema_length=None)
    return tables


def write_population_parquet(population: BulkPopulation, folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, frame in population_tables(population).items():
        path = folder / f"{name}.parquet"
        frame.write_parquet(path)
        paths.append(path)
    return paths
