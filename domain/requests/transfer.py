"""Where a request may be transferred (移送, 情報公開条例 移送の規定 / cf. 情報公開法12条).

The receiving body is either another implementing body of the profile (named by its code; never the
body that holds the case) or another public body outside the profile — another municipality, the
prefecture, a national agency — named in full (``国分寺市長``, ``東京都知事``). A private person or
company is not a public body and cannot receive a transfer; Kaiji cannot check that from a name, so
the other body's name is only required to be a name (not a code, not one of the profile's own bodies).
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.errors import invalid
from domain.profile import Profile


@dataclass(frozen=True)
class TransferTarget:
    code: str | None  # the profile's implementing body, or None for a body outside the profile
    name: str


def transfer_target(profile: Profile, department: str, to_body: str | None, to_body_other: str | None) -> TransferTarget:
    """The receiving body of a transfer, or a refusal (422) saying what to give."""
    if bool(to_body) == bool(to_body_other):
        raise invalid("移送先は to_body（実施機関のコード）か to_body_other（他の公共団体の機関名）の一方で"
                      "指定してください。 / Give either to_body (an implementing body code of the profile) or "
                      "to_body_other (the name of another public body), not both.")
    dept = profile.department(department)
    own = dept.body if dept else None
    bodies = {b.code: b.name for b in profile.implementing_bodies}
    if to_body:
        if to_body not in bodies:
            raise invalid(f"to_body: 実施機関のコードではありません（{to_body}）。 / Unknown implementing body "
                          f"{to_body!r}; known: {', '.join(sorted(bodies))}.")
        if to_body == own:
            raise invalid(f"to_body: この請求を担当する実施機関（{bodies[to_body]}）自身へは移送できません。 / "
                          "A request cannot be transferred to the body that already holds it.")
        return TransferTarget(to_body, bodies[to_body])
    name = (to_body_other or "").strip()
    same = next((code for code, body_name in bodies.items() if body_name == name), None)
    if same is not None:
        raise invalid(f"to_body_other: {name} はこの団体の実施機関です。to_body に {same} を指定してください。 / "
                      f"{name} is an implementing body of this profile: give to_body {same!r}.")
    if name.isascii() and " " not in name and name.islower():
        raise invalid("to_body_other: 移送先の機関名を記載してください（例: 国分寺市長）。 / to_body_other is the "
                      "full name of the receiving public body (e.g. 国分寺市長), not a code.")
    return TransferTarget(None, name)
