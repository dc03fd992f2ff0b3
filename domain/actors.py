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

# Staff usernames: lower case, so sign-in, the lockout count and the admin's list agree on who is who.
USERNAME_PATTERN = r"^[a-z][a-z0-9_.-]{1,39}$"
