"""Ground layer shared by every app: errors, the clock, audit of writes, file checks.

``errors`` and ``clock`` import no Django, so the rules engine and the policy packages
may use them too.
"""
