"""Refusals a clerk reads: a code for the HTTP status and a plain message."""

from __future__ import annotations


class Refusal(Exception):
    """An action that is not allowed; nothing was recorded.

    ``code`` maps to the HTTP status: ``conflict`` 409 (wrong state or order),
    ``forbidden`` 403 (wrong role or department), ``invalid`` 422 (bad values).
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def conflict(message: str) -> Refusal:
    return Refusal("conflict", message)


def forbidden(message: str) -> Refusal:
    return Refusal("forbidden", message)


def invalid(message: str) -> Refusal:
    return Refusal("invalid", message)
