"""Domain errors live in core.errors (the bottom layer, so every app may raise them); re-exported here."""

from core.errors import (
    ConcurrentUpdate,
    DomainError,
    IntegrityFailed,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)

__all__ = [
    "ConcurrentUpdate",
    "DomainError",
    "IntegrityFailed",
    "InvalidTransition",
    "NotFound",
    "PermissionDenied",
    "ValidationFailed",
]
