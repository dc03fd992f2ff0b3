"""A cut-off instant given by staff (``?as_of=``): what was recorded by then, never the future."""

from __future__ import annotations

from datetime import datetime

from fastapi import Query

from api.errors import ApiError
from domain import clock

AsOf = Query(default=None, description="the cut-off instant (ISO 8601; Japan time if no offset; default now)")


def cut_off(as_of: datetime | None) -> datetime | None:
    """The instant as an aware datetime (an office writes Japan time), refused when it lies ahead."""
    if as_of is None:
        return None
    if as_of.tzinfo is None:
        as_of = as_of.replace(tzinfo=clock.JST)
    if as_of > clock.now():
        raise ApiError(422, "as_of: cannot be in the future")
    return as_of
