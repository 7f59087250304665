import pytest

# Asserts in the shared helpers report their values as test asserts do.
pytest.register_assert_rewrite("tests.helpers")
