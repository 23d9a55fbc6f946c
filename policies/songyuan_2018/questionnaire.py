"""Hints for the self-check: who may use it, and the names of the reference regions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from policies.model import Questionnaire
from policies.songyuan_2018.glossary import CONDITION_HINTS, POINTERS, TERMS

HERE = Path(__file__).resolve().parent


def region_names(folder: Path = HERE / "reference") -> dict[str, str]:
    """Region names as written beside the figures in the package's reference tables."""
    names: dict[str, str] = {}
    for path in sorted(folder.glob("*.yaml")):
        data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
        for row in data.get("values", []):
            if row.get("region_name"):
                names[str(row["region"])] = str(row["region_name"])
    return names


#: Individuals and employers check themselves; households and organisations apply
#: through an office, so the self-check does not offer them.
QUESTIONNAIRE = Questionnaire(
    entities=("person", "employer"),
    region_names=region_names(),
    glossary=TERMS,
    condition_hints=CONDITION_HINTS,
    pointers=POINTERS,
)
