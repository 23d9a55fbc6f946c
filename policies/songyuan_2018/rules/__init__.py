"""The executable rules of the Songyuan 2018 measures, by section of the text."""

from policies.songyuan_2018.rules.entrepreneurship import RULES as _ENTREPRENEURSHIP
from policies.songyuan_2018.rules.groups import RULES as _GROUPS
from policies.songyuan_2018.rules.organizations import RULES as _ORGANIZATIONS
from policies.songyuan_2018.rules.training import RULES as _TRAINING

RULES = (*_ENTREPRENEURSHIP, *_GROUPS, *_TRAINING, *_ORGANIZATIONS)

__all__ = ["RULES"]
