"""The records officer's pages (総務課 情報公開係): all cases, appeals and suits with filters, the dashboard, the council's agenda, referral/ruling/suit forms, audit status, exports (issue 13).

Rows for these pages go in ``PAGES`` below; they join ``access.PAGES`` when the console is installed."""

from __future__ import annotations

from fastapi import APIRouter

from api.console.access import Page

router = APIRouter(include_in_schema=False)

PAGES: dict[str, Page] = {}
