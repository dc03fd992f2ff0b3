"""Breach incidents (漏えい等事案, ``B-2026-001``): commands, state, decisions and timers."""
