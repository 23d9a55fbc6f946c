"""Proactive delivery (issue 13 §1–2, §4): screening runs over the registry, candidate
cases (免申即享), data-completion tasks, and the same screening on Spark."""
