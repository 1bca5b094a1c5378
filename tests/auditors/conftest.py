"""The signing test fixtures (a throwaway CA, key files for the office) for the certificate tests."""

from tests.signing.conftest import keystore, office_keys, test_ca, trust_roots  # noqa: F401
