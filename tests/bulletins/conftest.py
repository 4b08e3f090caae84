"""Fixtures of the bulletin tests: the small place tree and a supervisor of Vĩnh Long."""

import pytest

from tests import factories as f


@pytest.fixture
def tree(ctx):
    return f.small_tree()


@pytest.fixture
def supervisor(tree):
    return f.user("supervisor", [tree["province"]])
