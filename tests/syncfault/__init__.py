"""The sync fault campaign: laptops and a server syncing through a network that refuses, loses, cuts,
duplicates and reorders requests, a server killed and restarted, bundles imported twice and out of order;
afterwards every record is checked against a model of what each laptop wrote.

``python -m tests.syncfault.campaign --trials 120`` is the long mode (run by hand);
``tests/syncfault/test_sync_fault_short.py`` runs a dozen trials in CI.
"""
