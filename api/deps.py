"""Shared per-process objects, created once in the app lifespan."""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg
from fastapi import Request
from temporalio.client import Client

from domain.profile import Profile
from kaiji.secrets import Secrets
from kaiji.settings import Settings
from store.parties import PartyVault


@dataclass
class AppState:
    settings: Settings
    profile: Profile
    secrets: Secrets
    pool: asyncpg.Pool
    temporal: Client
    vault: PartyVault


def state(request: Request) -> AppState:
    return request.app.state.kaiji
