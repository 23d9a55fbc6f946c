"""Casework (受理审核): a decision turned into a handled case.

Delivery layer (DESIGN.md): above eligibility, the portal and the registry; below the
interfaces. Apply once anywhere in the city (市内通办), the first taker answers for the
case (首问负责), the decision is frozen at filing, each rule has a review chain set by
data, one-time notices of what is missing (一次性告知), working-day time limits, and the
public announcement (公示) with objections. Payments come later.

- :mod:`.states` — the one declared transition graph (every edge labelled);
- :mod:`.filing` — ``file_case``; :mod:`.review` — approve / reject / return /
  supplement / withdraw / override / re-evaluate; :mod:`.publicity` — 公示 and 异议;
- :mod:`.queues` — the staff's 待办 and the first taker's workbench.
"""
