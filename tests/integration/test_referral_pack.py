"""The referral pack (諮問書と関係書類) through the real stack: referring makes version 1, filing the
department's 理由説明書 afterwards makes version 2 (version 1 kept), the bytes are reproducible."""

from __future__ import annotations

from activities import referral_pack
from kaiji.secrets import load_secrets
from store import notices
from store.db import connect
from tests.integration.conftest import Api
from tests.integration.test_appeals import TWO_DOCUMENTS, appeal_act, decided, file
from tests.notices.helpers import pdf_text, squash


async def test_referring_makes_version_one_and_the_explanation_version_two(api: Api) -> None:
    request = await decided(api, TWO_DOCUMENTS)
    appeal = await file(api, request["id"], grounds="交渉記録の公開を求める。")
    r = await appeal_act(api, appeal["id"], "refer-to-council", {})
    assert r.status_code == 200, r.text
    packs = r.json()["referral_packs"]
    assert [p["version"] for p in packs] == [1]
    assert any(n["type"] == "referral_pack" for n in r.json()["notices"])

    r = await api.http.get(packs[0]["pdf"], headers=api.as_("shingikai"))
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    first = r.content
    text = pdf_text(first)
    for expected in ("諮問書", appeal["id"], "山田太郎", "交渉記録", "第9条第4号ウ", "今後の交渉に支障",
                     "交渉記録の公開を求める", "未提出", "審査会への諮問", packs[0]["number"]):
        assert squash(expected) in text, expected
    for contact in ("本町", "042-387-0000", "taro@example.jp"):
        assert contact not in text
    assert (await api.http.get(packs[0]["pdf"], headers=api.as_("johokokai"))).status_code == 200
    assert (await api.http.get(packs[0]["pdf"], headers=api.as_("shinsa"))).status_code == 403

    r = await appeal_act(api, appeal["id"], "record-explanation", {"text": "交渉記録は相手方との信頼関係を損なう"},
                         "shinsa")
    assert r.status_code == 200, r.text
    r = await api.http.get("/api/v1/council/referrals", headers=api.as_("shingikai"))
    item = next(i for i in r.json()["items"] if i["id"] == appeal["id"])
    assert [p["version"] for p in item["referral_packs"]] == [1, 2]
    assert item["referral_packs"][0]["sha256"] == packs[0]["sha256"]  # the old version kept as it was
    second = (await api.http.get(item["referral_packs"][1]["pdf"], headers=api.as_("shingikai"))).content
    text = pdf_text(second)
    assert squash("関係書類第2版") in text and "相手方との信頼関係を損なう" in text
    assert squash(packs[0]["number"]) + "により諮問" in text
    assert (await api.http.get(f"/api/v1/council/referrals/{appeal['id']}/packs/3.pdf",
                               headers=api.as_("shingikai"))).status_code == 404

    # reproducible byte for byte: the stored data renders again to the stored PDF
    conn = await connect(api.settings.database_url)
    try:
        stored = await notices.read(conn, load_secrets(api.settings).cipher, item["referral_packs"][1]["id"])
    finally:
        await conn.close()
    assert stored is not None and referral_pack.render(stored["data"]).pdf == second


async def test_the_appellants_opinion_reaches_the_council_in_a_new_version(api: Api) -> None:
    """反論書・意見書 (行審法30条①) taken at the counter: on the appeal, on the council's page data, and in the pack."""
    request = await decided(api, TWO_DOCUMENTS)
    appeal = await file(api, request["id"])
    assert (await appeal_act(api, appeal["id"], "refer-to-council", {})).status_code == 200
    r = await appeal_act(api, appeal["id"], "record-opinion", {"text": ""}, "madoguchi")
    assert r.status_code == 422  # an empty opinion is refused, nothing recorded
    r = await appeal_act(api, appeal["id"], "record-opinion", {"text": "交渉はすでに終わっており支障はない"},
                         "madoguchi")
    assert r.status_code == 200, r.text
    assert (await appeal_act(api, appeal["id"], "record-opinion", {"text": "x"}, "shinsa")).status_code == 403
    r = await api.http.get("/api/v1/council/referrals", headers=api.as_("shingikai"))
    item = next(i for i in r.json()["items"] if i["id"] == appeal["id"])
    assert [p["version"] for p in item["referral_packs"]] == [1, 2]
    text = pdf_text((await api.http.get(item["referral_packs"][1]["pdf"], headers=api.as_("shingikai"))).content)
    assert squash("審査請求人の反論書・意見書") in text and squash("交渉はすでに終わっており支障はない") in text
    events = (await api.http.get(f"/api/v1/appeals/{appeal['id']}/events", headers=api.as_("johokokai"))).json()
    assert "AppellantOpinionFiled" in [e["type"] for e in events["events"]]
