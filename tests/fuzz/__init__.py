"""Property-based fuzzing (hypothesis) of the importers and the rule engine; see :mod:`tests.fuzz.profile`."""
