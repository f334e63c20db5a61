"""Offline-first sync: change tracking, protocol, client, bundles, server."""
