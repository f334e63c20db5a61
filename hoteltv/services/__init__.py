"""Use cases over the database: each public function is one unit of work (one transaction)."""
