"""Parties (requesters, third parties, appellants): personal data, encrypted per column.

Each value is an AES-GCM token bound to its row and column (``party:ID:field``),
so a value copied to another row does not decrypt. The name is also stored as
a keyed hash of its normalised form, so staff can still search by name.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass

import asyncpg

from kaiji.security.fields import FieldCipher, SearchKey

CONTACT_FIELDS = ("address", "phone", "email")


@dataclass(frozen=True)
class Party:
    party_id: str
    party_role: str
    party_type: str
    name: str
    address: str | None = None
    phone: str | None = None
    email: str | None = None
    case_id: str | None = None
    # 本人確認 of a self-information request (domain/self_information.py Identity.to_dict()): codes only.
    identity: dict | None = None


@dataclass(frozen=True)
class PartyVault:
    cipher: FieldCipher
    search: SearchKey

    def _ctx(self, party_id: str, field: str) -> str:
        return f"party:{party_id}:{field}"

    def _enc(self, party_id: str, field: str, value: str | None) -> str | None:
        return None if value in (None, "") else self.cipher.encrypt(value, context=self._ctx(party_id, field))

    def _dec(self, party_id: str, field: str, token: str | None) -> str | None:
        return None if token is None else self.cipher.decrypt(token, context=self._ctx(party_id, field))

    async def add(
        self, conn: asyncpg.Connection, *, party_role: str, party_type: str, name: str,
        address: str | None = None, phone: str | None = None, email: str | None = None,
        case_id: str | None = None, identity: dict | None = None,
    ) -> str:
        party_id = "P-" + secrets.token_hex(8)
        await conn.execute(
            """insert into parties (party_id, case_id, party_role, party_type, name_enc, address_enc,
                                    phone_enc, email_enc, name_hash, identity_enc)
               values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)""",
            party_id, case_id, party_role, party_type, self._enc(party_id, "name", name),
            self._enc(party_id, "address", address), self._enc(party_id, "phone", phone),
            self._enc(party_id, "email", email), self.search.hash_name(name),
            self._enc(party_id, "identity", json.dumps(identity, ensure_ascii=False) if identity else None),
        )
        return party_id

    async def get(self, conn: asyncpg.Connection, party_id: str) -> Party | None:
        r = await conn.fetchrow("select * from parties where party_id = $1", party_id)
        if r is None:
            return None
        pid = r["party_id"]
        return Party(
            party_id=pid, party_role=r["party_role"], party_type=r["party_type"],
            name=self._dec(pid, "name", r["name_enc"]) or "",
            address=self._dec(pid, "address", r["address_enc"]),
            phone=self._dec(pid, "phone", r["phone_enc"]),
            email=self._dec(pid, "email", r["email_enc"]),
            case_id=r["case_id"],
            identity=json.loads(token) if (token := self._dec(pid, "identity", r.get("identity_enc"))) else None,
        )

    async def attach(self, conn: asyncpg.Connection, party_id: str, case_id: str) -> None:
        await conn.execute("update parties set case_id = $2 where party_id = $1 and case_id is null", party_id, case_id)

    async def requester_of(self, conn: asyncpg.Connection, case_id: str) -> str | None:
        return await conn.fetchval(
            "select party_id from parties where case_id = $1 and party_role = 'requester'", case_id
        )

    async def discard(self, conn: asyncpg.Connection, party_id: str) -> None:
        """Remove a party that no recorded event refers to (a refused consultation)."""
        await conn.execute("delete from parties where party_id = $1", party_id)

    def name_hash(self, name: str) -> str:
        return self.search.hash_name(name)

    async def rotate(self, conn: asyncpg.Connection) -> int:
        """Re-encrypt every value not under the primary key (``kaiji keys rotate``)."""
        changed = 0
        columns = ("name", *CONTACT_FIELDS, "identity")
        async with conn.transaction():
            async for r in conn.cursor("select * from parties for update"):
                pid, updates = r["party_id"], {}
                for f in columns:
                    token = r[f"{f}_enc"]
                    if token and self.cipher.needs_rotation(token):
                        updates[f"{f}_enc"] = self.cipher.reencrypt(token, context=self._ctx(pid, f))
                if updates:
                    sets = ", ".join(f"{col} = ${i}" for i, col in enumerate(updates, start=2))
                    await conn.execute(f"update parties set {sets} where party_id = $1", pid, *updates.values())
                    changed += 1
        return changed
