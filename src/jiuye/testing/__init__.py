"""Test infrastructure shared by the test suite and scripts (not used at run time)."""
