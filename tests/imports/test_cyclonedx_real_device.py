"""read_cyclonedx on a real device: a hand-written CycloneDX 1.6 hardware BOM of the Huawei P30 Pro (2019).

The fixture is ``fixtures/imports/cyclonedx/huawei-p30-pro-1.6.json``; where each part comes from, and
which fields are illustrative (the ECCNs), is in ``huawei-p30-pro.SOURCES.md`` beside it.  The import is
checked against sections worked out by hand, then merged into a data set and run through ``impact``
with the Entity List listing of May 2019 on the phone's maker.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from graphlib_trade.analysis import SupplyChain, impact
from graphlib_trade.errors import DataError
from graphlib_trade.imports import Imported
from graphlib_trade.imports.cyclonedx import read_cyclonedx
from graphlib_trade.models import Cause, Status, parse_dataset

P30_PRO = (
    Path(__file__).resolve().parents[2] / "fixtures" / "imports" / "cyclonedx" / "huawei-p30-pro-1.6.json"
)

#: The phone's maker: slug("Huawei Device Co., Ltd.").
MAKER = "huawei-device-co-ltd"

# Worked out by hand from huawei-p30-pro-1.6.json (module docstring of graphlib_trade.imports.cyclonedx):
#
# companies -- a company id is slug(name): lower case, each run of non-letters/digits one "-".
#   The maker: metadata.component.manufacturer "Huawei Device Co., Ltd." (CN) -> huawei-device-co-ltd.
#   Each component's supplier, else its manufacturer:
#     kirin-980      supplier "HiSilicon Technologies Co., Ltd." (CN) -> hisilicon-technologies-co-ltd;
#                    its manufacturer TSMC (TW) is no party to the supply: not a company.
#     camera-module  supplier "Sunny Optical Technology (Group) Company Limited" (CN)
#                    -> sunny-optical-technology-group-company-limited.
#     the others name a manufacturer only, which is their supplier:
#       dram-micron   "Micron Technology, Inc." (US)            -> micron-technology-inc
#       dram-skhynix  "SK hynix Inc." (KR)                      -> sk-hynix-inc
#       ufs-samsung   "Samsung Electronics Co., Ltd." (KR)      -> samsung-electronics-co-ltd
#       oled-boe      "BOE Technology Group Co., Ltd." (CN)     -> boe-technology-group-co-ltd
#       rffe-skyworks "Skyworks Solutions, Inc." (US)           -> skyworks-solutions-inc
#       rffe-qorvo    "Qorvo, Inc." (US)                        -> qorvo-inc
#       rf-qualcomm   "Qualcomm Technologies, Inc." (US)        -> qualcomm-technologies-inc
#       wifi-broadcom "Broadcom Inc." (US)                      -> broadcom-inc
#       audio-cirrus  "Cirrus Logic, Inc." (US)                 -> cirrus-logic-inc
#       glass-corning "Corning Incorporated" (US)               -> corning-incorporated
#       glass-lens    "Lens Technology Co., Ltd." (CN)          -> lens-technology-co-ltd
#       sensor-sony   "Sony Semiconductor Solutions Corporation" (JP)
#                     -> sony-semiconductor-solutions-corporation
#     charger: neither (its OEM is not public): no company, no supply.
#   15 companies (the maker and 14 suppliers), sorted by id.
#
# components -- the 15 bom-refs, sorted; origin = graphlib-trade:origin, else the manufacturer's
#   country, else the supplier's:
#     kirin-980: TW by the property (TSMC's country says the same; HiSilicon's CN is not the origin),
#                eccn 5A992.c, us_direct_product true;
#     charger:   CN by the property (no organisation at all), eccn EAR99;
#     camera-module: CN (its supplier's: no manufacturer given);
#     every other one: its manufacturer's country, as listed above.
#   ECCNs as in the file (illustrative, see SOURCES): the RF parts 5A991.b, the Wi-Fi chip 5A992.c,
#   the flash 3A991.b.1.a, everything else EAR99.  Defaults (us_direct_product false, ...) left out.
#
# products -- huawei-p30-pro (metadata.component), maker huawei-device-co-ltd, eccn 5A992.c; no origin
#   (no property: the data set's default, the maker's country, applies).
#
# supplies -- one per component with a supplier or manufacturer: 14 (all but charger), sorted by
#   (supplier, component).
#
# bom -- two levels, from the dependencies entries, sorted by (parent, component):
#   camera-module dependsOn sensor-sony                        -> 1 entry (the sub-assembly);
#   huawei-p30-pro dependsOn 12 parts                          -> 12 entries; on them:
#     charger carries required "false"                         -> "required": False;
#     dram-micron carries alternatives "dram-skhynix"          -> "alternatives": ["dram-skhynix"];
#     glass-corning carries alternatives "glass-lens"          -> "alternatives": ["glass-lens"].
#   The other dependencies entries have an empty dependsOn.  dram-skhynix and glass-lens are in no
#   entry but are alternatives, so they are not warned about.
#
# warnings -- one: charger has no supplier nor manufacturer.
SECTIONS: dict[str, list[dict[str, Any]]] = {
    "companies": [
        {"id": "boe-technology-group-co-ltd", "name": "BOE Technology Group Co., Ltd.", "country": "CN"},
        {"id": "broadcom-inc", "name": "Broadcom Inc.", "country": "US"},
        {"id": "cirrus-logic-inc", "name": "Cirrus Logic, Inc.", "country": "US"},
        {"id": "corning-incorporated", "name": "Corning Incorporated", "country": "US"},
        {"id": "hisilicon-technologies-co-ltd", "name": "HiSilicon Technologies Co., Ltd.", "country": "CN"},
        {"id": "huawei-device-co-ltd", "name": "Huawei Device Co., Ltd.", "country": "CN"},
        {"id": "lens-technology-co-ltd", "name": "Lens Technology Co., Ltd.", "country": "CN"},
        {"id": "micron-technology-inc", "name": "Micron Technology, Inc.", "country": "US"},
        {"id": "qorvo-inc", "name": "Qorvo, Inc.", "country": "US"},
        {"id": "qualcomm-technologies-inc", "name": "Qualcomm Technologies, Inc.", "country": "US"},
        {"id": "samsung-electronics-co-ltd", "name": "Samsung Electronics Co., Ltd.", "country": "KR"},
        {"id": "sk-hynix-inc", "name": "SK hynix Inc.", "country": "KR"},
        {"id": "skyworks-solutions-inc", "name": "Skyworks Solutions, Inc.", "country": "US"},
        {
            "id": "sony-semiconductor-solutions-corporation",
            "name": "Sony Semiconductor Solutions Corporation",
            "country": "JP",
        },
        {
            "id": "sunny-optical-technology-group-company-limited",
            "name": "Sunny Optical Technology (Group) Company Limited",
            "country": "CN",
        },
    ],
    "components": [
        {"id": "audio-cirrus", "name": "Cirrus Logic audio amplifier", "origin": "US", "eccn": "EAR99"},
        {"id": "camera-module", "name": "Leica quad rear camera module", "origin": "CN", "eccn": "EAR99"},
        {"id": "charger", "name": "Huawei SuperCharge 40 W charger", "origin": "CN", "eccn": "EAR99"},
        {"id": "dram-micron", "name": "Micron 8 GB LPDDR4X DRAM", "origin": "US", "eccn": "EAR99"},
        {"id": "dram-skhynix", "name": "SK hynix 8 GB LPDDR4X DRAM", "origin": "KR", "eccn": "EAR99"},
        {"id": "glass-corning", "name": "Corning Gorilla Glass cover glass", "origin": "US", "eccn": "EAR99"},
        {"id": "glass-lens", "name": "Lens Technology cover glass", "origin": "CN", "eccn": "EAR99"},
        {
            "id": "kirin-980",
            "name": "HiSilicon Kirin 980 SoC",
            "origin": "TW",
            "eccn": "5A992.c",
            "us_direct_product": True,
        },
        {"id": "oled-boe", "name": "BOE 6.47-inch flexible OLED panel", "origin": "CN", "eccn": "EAR99"},
        {"id": "rf-qualcomm", "name": "Qualcomm RF front-end part", "origin": "US", "eccn": "5A991.b"},
        {"id": "rffe-qorvo", "name": "Qorvo RF front-end module", "origin": "US", "eccn": "5A991.b"},
        {"id": "rffe-skyworks", "name": "Skyworks RF front-end module", "origin": "US", "eccn": "5A991.b"},
        {
            "id": "sensor-sony",
            "name": "Sony 40 MP RYYB main image sensor (IMX600-class)",
            "origin": "JP",
            "eccn": "EAR99",
        },
        {
            "id": "ufs-samsung",
            "name": "Samsung UFS NAND flash storage",
            "origin": "KR",
            "eccn": "3A991.b.1.a",
        },
        {
            "id": "wifi-broadcom",
            "name": "Broadcom Wi-Fi / Bluetooth combo chip",
            "origin": "US",
            "eccn": "5A992.c",
        },
    ],
    "products": [{"id": "huawei-p30-pro", "name": "Huawei P30 Pro", "maker": MAKER, "eccn": "5A992.c"}],
    "supplies": [
        {"supplier": "boe-technology-group-co-ltd", "component": "oled-boe"},
        {"supplier": "broadcom-inc", "component": "wifi-broadcom"},
        {"supplier": "cirrus-logic-inc", "component": "audio-cirrus"},
        {"supplier": "corning-incorporated", "component": "glass-corning"},
        {"supplier": "hisilicon-technologies-co-ltd", "component": "kirin-980"},
        {"supplier": "lens-technology-co-ltd", "component": "glass-lens"},
        {"supplier": "micron-technology-inc", "component": "dram-micron"},
        {"supplier": "qorvo-inc", "component": "rffe-qorvo"},
        {"supplier": "qualcomm-technologies-inc", "component": "rf-qualcomm"},
        {"supplier": "samsung-electronics-co-ltd", "component": "ufs-samsung"},
        {"supplier": "sk-hynix-inc", "component": "dram-skhynix"},
        {"supplier": "skyworks-solutions-inc", "component": "rffe-skyworks"},
        {"supplier": "sony-semiconductor-solutions-corporation", "component": "sensor-sony"},
        {"supplier": "sunny-optical-technology-group-company-limited", "component": "camera-module"},
    ],
    "bom": [
        {"parent": "camera-module", "component": "sensor-sony"},
        {"parent": "huawei-p30-pro", "component": "audio-cirrus"},
        {"parent": "huawei-p30-pro", "component": "camera-module"},
        {"parent": "huawei-p30-pro", "component": "charger", "required": False},
        {"parent": "huawei-p30-pro", "component": "dram-micron", "alternatives": ["dram-skhynix"]},
        {"parent": "huawei-p30-pro", "component": "glass-corning", "alternatives": ["glass-lens"]},
        {"parent": "huawei-p30-pro", "component": "kirin-980"},
        {"parent": "huawei-p30-pro", "component": "oled-boe"},
        {"parent": "huawei-p30-pro", "component": "rf-qualcomm"},
        {"parent": "huawei-p30-pro", "component": "rffe-qorvo"},
        {"parent": "huawei-p30-pro", "component": "rffe-skyworks"},
        {"parent": "huawei-p30-pro", "component": "ufs-samsung"},
        {"parent": "huawei-p30-pro", "component": "wifi-broadcom"},
    ],
}
WARNINGS = (
    "component 'charger': no supplier nor manufacturer: no supply written "
    "(add a supplies entry for 'charger' in your data file)",
)

#: What the warning asks for, and only that: the charger is Huawei-branded and its OEM is not public,
#: so the analyst names the maker itself as its supplier (a supply from the maker to the maker).
ANALYST_SUPPLY = {"supplier": MAKER, "component": "charger"}


def listed(items: str | None = None) -> dict[str, list[dict[str, Any]]]:
    """The imported sections, completed as the warning asks, with the maker on an Entity List entry
    from 2019-05-16 (``items``: the entry's scope, default ``all``)."""
    restriction: dict[str, Any] = {"id": "el", "targets": [MAKER], "effective_from": "2019-05-16"}
    if items is not None:
        restriction["items"] = items
    return {
        **SECTIONS,
        "supplies": [*SECTIONS["supplies"], ANALYST_SUPPLY],
        "restrictions": [restriction],
    }


def supply_to_maker(supplier: str, item: str) -> Cause:
    """A cause: ``supplier``'s supply of ``item`` to the phone's maker, caught by ``el``."""
    return Cause(restriction="el", supplier=supplier, item=item, buyer=MAKER, kind="supply")


def test_imports_to_the_expected_bom() -> None:
    got = read_cyclonedx(P30_PRO)
    assert got == Imported(sections=SECTIONS, warnings=WARNINGS)


def test_merge_check_names_only_the_warned_about_supply() -> None:
    got = read_cyclonedx(P30_PRO)
    # The one gap parse_dataset finds is the one the importer warned about (components[2]: charger).
    with pytest.raises(DataError) as caught:
        parse_dataset(got.sections, "p30")
    assert caught.value.problems == ["components[2] 'charger': has no supplier (add a 'supplies' entry)"]
    ds = parse_dataset({**got.sections, "supplies": [*got.sections["supplies"], ANALYST_SUPPLY]}, "p30")
    assert [p.id for p in ds.products] == ["huawei-p30-pro"]
    assert len(ds.components) == 15 and len(ds.supplies) == 15 and len(ds.bom) == 13


# The listing worked out by hand (rule 2 of graphlib_trade.analysis.engine): the maker buys each of the
# phone's 12 parts itself, so each supply has a restricted buyer; it is caught when the item is in the
# entry's scope (default "all": every ECCN, EAR99 included), not publicly available (none is), and of US
# origin or above 25% US content (no part gives us_content and no BOM entry carries a value, so a
# foreign part has none).  Part by part:
#   kirin-980 (TW), ufs-samsung (KR), oled-boe (CN): foreign, not caught (us_direct_product is for an
#     FDPR, which this entry does not apply);
#   camera-module (CN): not caught; its Sony sensor is bought by Sunny Optical, no restricted party;
#   charger (CN): supplied by the maker to itself, not caught (and optional anyway);
#   dram-micron (US): caught, but its alternative dram-skhynix (KR) is not: substituted, no cause;
#   glass-corning (US, EAR99): caught, but glass-lens (CN) is not: substituted, no cause;
#   rffe-skyworks, rffe-qorvo, rf-qualcomm (US, 5A991.b), wifi-broadcom (US, 5A992.c) and
#     audio-cirrus (US, EAR99): caught, no alternative: lost, each its supply a cause.
# Five required parts lost: blocked.  Causes sorted by (restriction, supplier, item, ...).
US_CAUSES = (
    supply_to_maker("broadcom-inc", "wifi-broadcom"),
    supply_to_maker("cirrus-logic-inc", "audio-cirrus"),
    supply_to_maker("qorvo-inc", "rffe-qorvo"),
    supply_to_maker("qualcomm-technologies-inc", "rf-qualcomm"),
    supply_to_maker("skyworks-solutions-inc", "rffe-skyworks"),
)


def test_entity_listing_blocks_the_phone_on_its_us_parts() -> None:
    chain = SupplyChain.from_dataset(parse_dataset(listed(), "p30 + el"))
    assert impact(chain, dt.date(2019, 5, 15)).products[0].status is Status.OK  # the day before
    phone = impact(chain, dt.date(2019, 6, 1)).products[0]
    assert phone.id == "huawei-p30-pro"
    assert phone.status is Status.BLOCKED
    assert phone.lost_required == (
        "audio-cirrus",
        "rf-qualcomm",
        "rffe-qorvo",
        "rffe-skyworks",
        "wifi-broadcom",
    )
    assert phone.lost_optional == ()
    assert phone.substituted == ("dram-micron", "glass-corning")
    assert phone.causes == US_CAUSES


def test_an_entry_scoped_to_the_ccl_spares_the_ear99_parts() -> None:
    # items "ccl" leaves EAR99 out of scope: the Cirrus Logic amplifier, the Micron DRAM and the Corning
    # glass now flow (nothing to substitute); the four classified US parts are still lost.
    chain = SupplyChain.from_dataset(parse_dataset(listed("ccl"), "p30 + el (ccl)"))
    phone = impact(chain, dt.date(2019, 6, 1)).products[0]
    assert phone.status is Status.BLOCKED
    assert phone.lost_required == ("rf-qualcomm", "rffe-qorvo", "rffe-skyworks", "wifi-broadcom")
    assert phone.substituted == ()
    assert phone.causes == tuple(c for c in US_CAUSES if c.item != "audio-cirrus")
