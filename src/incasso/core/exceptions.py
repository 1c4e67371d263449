"""Domain exceptions raised by services; views and commands turn them into clear messages."""

from __future__ import annotations


class DomainError(Exception):
    """A request the rules refuse. `field` names the offending field when there is one."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


class IllegalTransition(DomainError):
    """A case state change the state machine does not allow."""
