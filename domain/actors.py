"""Who acts: the staff roles of contract.md and the actor carried by every command."""


from dataclasses import dataclass

ROLES = ("front_desk", "reviewer", "approver", "records_officer", "council", "admin")
SYSTEM = "system"  # timers and escalations act as the system


@dataclass(frozen=True)
class Actor:
    username: str
    role: str
    department: str | None = None


SYSTEM_ACTOR = Actor(username=SYSTEM, role=SYSTEM)
