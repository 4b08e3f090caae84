"""The one write path: every change to a synced record, from a phone or a page, as a mutation."""
