"""Fuzzing of the input boundary: malformed tables fed to every entry point (issue 9, item 4)."""
