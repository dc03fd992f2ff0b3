"""The admin's pages: staff accounts (list, create, change role or department, deactivate, reset a password), never case content (issue 13).

Rows for these pages go in ``PAGES`` below; they join ``access.PAGES`` when the console is installed."""

from __future__ import annotations

from fastapi import APIRouter

from api.console.access import Page

router = APIRouter(include_in_schema=False)

PAGES: dict[str, Page] = {}
