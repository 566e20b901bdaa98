"""The reference case, statuses worked out by hand from the fixture's parts and dates."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from graphlib_trade.analysis import SupplyChain, impact
from graphlib_trade.sources import load_dataset
from tests.helpers import statuses

FIXTURE = Path(__file__).parent.parent / "fixtures" / "huawei_2019.yaml"

# 17 May 2019: listed (effective 16 May), no licence yet.
LISTED = {
    "mate-20-pro": "exposed",  # installed base: Google security updates stop
    "p30-pro": "blocked",  # Qorvo, Skyworks, Qualcomm, Broadcom, Cirrus, Corning
    "mate-30-pro": "degraded",  # every US part has a non-US alternative; only GMS (optional) is lost
    "matebook-x-pro-2018": "exposed",  # Windows updates from Microsoft
    "matebook-x-pro-2019": "blocked",  # Intel CPU, Windows
    "fusionserver-2288h": "blocked",  # Intel Xeon
    "taishan-200": "ok",  # Kunpeng: UK Arm IP + TSMC wafer (20% US content <= 25%)
    "ran-4g-installed": "exposed",  # FPGA support from Xilinx and Intel
    "ran-5g-aau-2019": "blocked",  # Xilinx / Intel FPGAs, Lumentum, Broadcom
    "ran-5g-aau-usfree": "degraded",  # optional Xilinx FPGA lost
    "skyworth-stb": "ok",
    "mate20-owners-eu": "exposed",
    "p30-buyers-eu": "blocked",
    "mate30-buyers-eu": "degraded",
    "laptop-fleet-uk": "blocked",
    "vodafone-uk": "blocked",
    "bt": "exposed",
    "china-mobile": "blocked",
    "iptv-operators-cn": "ok",
}


def expected(day: str) -> dict[str, str]:
    if day == "2019-05-15":
        return dict.fromkeys(LISTED, "ok")
    out = dict(LISTED)
    if day in ("2019-05-20", "2019-11-20"):  # TGL: updates for existing handsets and networks
        out |= {
            "mate-20-pro": "at_risk",
            "ran-4g-installed": "at_risk",
            "mate20-owners-eu": "at_risk",
            "bt": "at_risk",
        }
    if day in ("2019-11-20", "2020-08-14", "2020-09-15"):  # Microsoft's licence, open-ended
        out |= {"matebook-x-pro-2018": "at_risk"}
    if day == "2020-09-15":  # FDPR: TSMC can no longer make HiSilicon's chips
        out |= {
            "mate-30-pro": "blocked",
            "taishan-200": "blocked",
            "ran-5g-aau-usfree": "blocked",
            "skyworth-stb": "blocked",  # Skyworth is not restricted; its HiSilicon chip is
            "mate30-buyers-eu": "blocked",
            "iptv-operators-cn": "blocked",
        }
    return out


@pytest.fixture(scope="module")
def G():  # type: ignore[no-untyped-def]
    return SupplyChain.from_dataset(load_dataset(FIXTURE))


class TestHuaweiTimeline:
    @pytest.mark.parametrize(
        "day", ["2019-05-15", "2019-05-17", "2019-05-20", "2019-11-20", "2020-08-14", "2020-09-15"]
    )
    def test_statuses(self, G, day: str) -> None:  # type: ignore[no-untyped-def]
        assert statuses(impact(G, dt.date.fromisoformat(day))) == expected(day)

    def test_fixture_is_large_enough(self, G) -> None:  # type: ignore[no-untyped-def]
        assert len(G.components) >= 30 and len(G.companies) >= 25

    def test_hisilicon_chips_are_the_multi_tier_cause(self, G) -> None:  # type: ignore[no-untyped-def]
        result = impact(G, dt.date(2020, 9, 15))
        stb = next(p for p in result.products if p.id == "skyworth-stb")
        assert {(c.restriction, c.supplier, c.item, c.buyer) for c in stb.causes} == {
            ("fdpr-huawei-2020", "tsmc", "tsmc-16nm-wafer", "hisilicon")
        }

    def test_tgl_is_what_keeps_handsets_updated(self, G) -> None:  # type: ignore[no-untyped-def]
        result = impact(G, dt.date(2019, 5, 20))
        mate20 = next(p for p in result.products if p.id == "mate-20-pro")
        assert mate20.relies_on == ("tgl-2019-05",)
        assert mate20.without_licences.value == "exposed"

    def test_minority_joint_venture_is_not_an_affiliate(self, G) -> None:  # type: ignore[no-untyped-def]
        from graphlib_trade.analysis import restricted_parties

        parties = restricted_parties(G.owns, ["huawei", "hisilicon"], 0.5)
        assert {"huawei-device", "huawei-cloud"} <= set(parties)
        assert "huawei-marine" not in parties and "huawei-investment" not in parties
