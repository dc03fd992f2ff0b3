"""The review council's pages (審査会): referred appeals, the referral page for deliberation, sessions, the report (答申), NCND decisions to report (issue 13).

Rows for these pages go in ``PAGES`` below; they join ``access.PAGES`` when the console is installed."""

from __future__ import annotations

from fastapi import APIRouter

from api.console.access import Page

router = APIRouter(include_in_schema=False)

PAGES: dict[str, Page] = {}
