"""Personal data: export on request, erasure that keeps the counts, and the access log."""
