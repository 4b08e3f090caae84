"""The sync fixtures (place tree, phones) for tests of the one write path's rules."""

from tests.sync.conftest import phone_for, tree  # noqa: F401  (fixtures)
