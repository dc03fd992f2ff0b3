"""The cost of a disclosure (費用負担): what the requester pays for copies, media and postage.

情報公開条例 (費用負担; Tama model: 「公文書の写しの交付を受ける者は、当該写しの作成及び送付に要する費用を
負担しなければならない」): the request and viewing are free; copies are charged by page (monochrome or
colour), electronic records by the medium they are written to (CD-R, DVD-R…), and mailing at the
postage actually paid. The rates come from the profile's ``[fees]`` table. A lower amount may be charged
only under the ordinance's reduction or exemption (減免) and with its reason recorded; never a higher one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from domain.errors import invalid


@dataclass(frozen=True)
class FeeTable:
    """The profile's rates, as they travel in a Temporal payload (the table in force on the day)."""

    copy_mono_yen_per_page: int = 10
    copy_colour_yen_per_page: int = 20
    electronic_media_yen: int = 100
    basis: str = "情報公開条例（費用負担）"


@dataclass(frozen=True)
class FeeLine:
    label: str
    quantity: int
    unit_yen: int

    @property
    def amount(self) -> int:
        return self.quantity * self.unit_yen


@dataclass(frozen=True)
class DisclosureFee:
    computed_yen: int
    charged_yen: int
    reduction_reason: str = ""
    lines: tuple[FeeLine, ...] = field(default_factory=tuple)

    def lines_data(self) -> list[dict[str, int | str]]:
        return [{"label": ln.label, "quantity": ln.quantity, "unit_yen": ln.unit_yen, "amount_yen": ln.amount}
                for ln in self.lines]


def disclosure_fee(table: FeeTable, *, method: str, pages: int = 0, colour_pages: int = 0, media: int = 0,
                   postage_yen: int = 0, charged_yen: int | None = None,
                   reduction_reason: str = "") -> DisclosureFee:
    """Compute the fee of one disclosure and check the amount charged against it.

    ``pages`` counts every page copied (or viewed, for ``viewing``: free), ``colour_pages`` how many of
    those are colour; ``media`` the media written (``electronic`` only); ``postage_yen`` the postage
    paid when the copies are mailed. ``charged_yen`` None charges the computed amount.
    """
    if min(pages, colour_pages, media, postage_yen) < 0 or (charged_yen is not None and charged_yen < 0):
        raise invalid("枚数・媒体数・郵送料・手数料は0以上です。 / Pages, media, postage and fee cannot be negative.")
    if colour_pages > pages:
        raise invalid(f"カラーの枚数（{colour_pages}）が総枚数（{pages}）を超えています。 / "
                      f"colour_pages ({colour_pages}) cannot exceed pages ({pages}).")
    if media and method != "electronic":
        raise invalid("媒体数（media）は電磁的記録の交付（electronic）の場合だけです。 / "
                      "media applies to the electronic method only.")
    lines: list[FeeLine] = []
    if method == "copy":
        mono = pages - colour_pages
        if mono:
            lines.append(FeeLine("写し（単色）", mono, table.copy_mono_yen_per_page))
        if colour_pages:
            lines.append(FeeLine("写し（カラー）", colour_pages, table.copy_colour_yen_per_page))
    if media:
        lines.append(FeeLine("電磁的記録の媒体", media, table.electronic_media_yen))
    if postage_yen:
        lines.append(FeeLine("郵送料", 1, postage_yen))
    computed = sum(ln.amount for ln in lines)
    charged = computed if charged_yen is None else charged_yen
    reason = reduction_reason.strip()
    if charged > computed:
        raise invalid(f"手数料（{charged}円）が{table.basis}による額（{computed}円）を超えています。 / "
                      f"The fee charged ({charged} yen) exceeds the fee the table gives ({computed} yen).")
    if charged < computed and not reason:
        raise invalid(f"{table.basis}による額は{computed}円です。{charged}円とするには減免の理由（reduction_reason）"
                      f"を記載してください。 / The table gives {computed} yen: charging {charged} yen needs a "
                      "reduction_reason (減免理由).")
    return DisclosureFee(computed, charged, reason if charged != computed else "", tuple(lines))


def describe(data: dict) -> str:
    """One line for the timeline from a Disclosed event's data (new or old shape)."""
    lines = data.get("fee_lines")
    charged = data.get("fee_yen", 0) or 0
    if lines is None:  # recorded before the fee was computed
        return f"手数料 {charged}円"
    parts = [f"{ln['label']} {ln['quantity']}×{ln['unit_yen']}円" for ln in lines]
    text = "、".join(parts) + f" = {data.get('fee_computed_yen', charged)}円" if parts else "手数料なし"
    if charged != data.get("fee_computed_yen", charged):
        text += f"（減免により {charged}円: {data.get('reduction_reason', '')}）"
    return text
