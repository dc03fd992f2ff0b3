"""The staff console (HTML, same app): pages in routes.py, who may open them in access.py (``PAGES``)."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles


def install(app: FastAPI) -> None:
    from api.console import access, admin, council, office, routes

    modules = (routes, office, council, admin)  # part 1's pages, then part 2's, each with its own PAGES rows
    for module in modules:
        app.include_router(module.router)
        if module is not routes:
            access.PAGES.update(module.PAGES)
    app.mount(
        "/console/static", StaticFiles(directory=Path(__file__).parent / "static"), name="console-static"
    )
    app.add_exception_handler(access.PageRefused, routes.page_refused)  # type: ignore[arg-type]
    app.add_exception_handler(access.SignInRequired, routes.sign_in_required)  # type: ignore[arg-type]
    access.check_pages([r for module in modules for r in module.router.routes])
