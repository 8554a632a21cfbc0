"""The public contract's tests again with spam protection on, as it ships: JSON posts and every
page of the contract behave the same (a held browser post is thanked like any other)."""

import pytest

from tests.test_public_contract import *  # noqa: F403

pytestmark = pytest.mark.app_config(SPAM_PROTECTION=True)


def test_this_module_runs_with_the_checks_on(app):
    assert app.config["SPAM_PROTECTION"] is True
