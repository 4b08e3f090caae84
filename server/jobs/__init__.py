"""Background jobs: label batches and imports, queued for `flask worker`, their state in the database."""
