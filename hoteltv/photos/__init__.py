"""Photo evidence: ingest, content-addressed store, thumbnails, annotation."""
