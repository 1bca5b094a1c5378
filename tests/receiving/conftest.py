"""The signing fixtures (a throwaway CA, a key store, an office with keys) for arrivals that carry signed PDFs."""

from tests.signing.conftest import keystore, office_keys, other_ca, test_ca, trust_roots  # noqa: F401
