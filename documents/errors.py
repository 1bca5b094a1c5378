"""Domain errors live in core.errors (the bottom layer, so every app may raise them); re-exported here."""

from core.errors import ConcurrentUpdate, DomainError, InvalidTransition, NotFound, PermissionDenied, ValidationFailed

__all__ = ["ConcurrentUpdate", "DomainError", "InvalidTransition", "NotFound", "PermissionDenied", "ValidationFailed"]
