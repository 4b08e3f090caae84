"""Training sessions, their topics and who attended."""
