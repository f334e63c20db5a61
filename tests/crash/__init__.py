"""Crash campaign: kill a process doing real work with SIGKILL at random moments, then check the data.

``python -m tests.crash.harness --trials 200 --scenario all`` runs the long mode by hand;
``tests/crash/test_crash_short.py`` runs a short one in CI. See :mod:`tests.crash.harness`.
"""
