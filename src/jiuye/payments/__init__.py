"""Payments (issue 12): funds, a double-entry ledger per fund, county and year, and the
payable items that take a ready case to money exactly once.

- :mod:`.funds`: the funds the policy package names (each rule's ``fund``) and their
  accounts per county and year;
- :mod:`.ledger`: posting balanced, immutable transactions (a correction is a reversal);
- :mod:`.items`: from a READY case to a payable item, commitment under the budget lock,
  payment, bank return, recovery, release;
- :mod:`.payees`: the payee accounts of the registry, changed only with a second
  staff member's approval;
- :mod:`.verify` and :mod:`.reports`: recomputing every balance, the fund report.
"""
