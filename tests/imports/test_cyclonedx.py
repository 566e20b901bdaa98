"""read_cyclonedx: hand-made BOMs checked against sections worked out by hand, the library's own
example files checked against counts taken by hand, every warning and every kind of bad input."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path
from typing import Any, ClassVar

import pytest

from graphlib_trade.errors import DataError
from graphlib_trade.imports import Imported
from graphlib_trade.imports.cyclonedx import NAMESPACE, read_cyclonedx, slug
from graphlib_trade.models import parse_dataset

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "imports" / "cyclonedx"
UPSTREAM = FIXTURES / "upstream"

#: The first warning of a BOM without metadata.component.
NO_PRODUCT = "no metadata.component: the BOM names no product (define the products in your data file)"
#: The warning about a component in no BOM entry, ``.format(id)``.
IN_NO_BOM = "component '{}': in no bill of materials (no dependency or nesting names it)"


def org(name: str, country: str | None = None) -> dict[str, Any]:
    """An organizational entity, with an address when ``country`` is given."""
    return {"name": name, **({"address": {"country": country}} if country is not None else {})}


def part(ref: str | None, name: str | None = None, **kw: Any) -> dict[str, Any]:
    """A component: ``props`` are our properties (``{"origin": "US"}``), the rest as given."""
    props = kw.pop("props", {})
    c: dict[str, Any] = {"type": "device", "name": name or ref, **kw}
    if ref is not None:
        c["bom-ref"] = ref
    if props:
        c["properties"] = [{"name": f"{NAMESPACE}:{k}", "value": v} for k, v in props.items()]
    return c


def cdx(
    tmp_path: Path,
    components: list[dict[str, Any]],
    *,
    metadata: dict[str, Any] | None = None,
    dependencies: list[dict[str, Any]] | None = None,
    version: str = "1.6",
    name: str = "bom.json",
) -> Path:
    """A CycloneDX JSON file in ``tmp_path``."""
    doc: dict[str, Any] = {"bomFormat": "CycloneDX", "specVersion": version, "version": 1}
    if metadata is not None:
        doc["metadata"] = metadata
    doc["components"] = components
    if dependencies is not None:
        doc["dependencies"] = dependencies
    path = tmp_path / name
    path.write_text(json.dumps(doc))
    return path


def error(path: Path) -> DataError:
    """The DataError reading ``path`` raises, checked to name the file and to hide the library's own."""
    with pytest.raises(DataError) as caught:
        read_cyclonedx(path)
    exc = caught.value
    assert exc.source == str(path)
    assert str(exc).startswith(str(path))
    assert exc.__cause__ is None  # no library traceback chained
    assert exc.__context__ is None or exc.__suppress_context__
    return exc


def one_line(path: Path) -> str:
    """The single problem reading ``path`` raises."""
    exc = error(path)
    assert len(exc.problems) == 1, exc.problems
    return exc.problems[0]


class TestSlug:
    def test_company_names(self) -> None:
        assert slug("Acme, Inc.") == "acme-inc"
        assert slug("Formosa Foundry Co.") == "formosa-foundry-co"
        assert slug("  Silicon Peak,   Inc. ") == "silicon-peak-inc"

    def test_letters_of_any_script_are_kept(self) -> None:
        assert slug("Société Générale") == "société-générale"
        assert slug("华为技术有限公司") == "华为技术有限公司"

    def test_underscores_are_separators(self) -> None:
        assert slug("a_b") == "a-b"

    def test_keep(self) -> None:
        assert slug("1.0.0") == "1-0-0"
        assert slug("1.0.0", keep=".") == "1.0.0"
        assert slug("2.0.0-beta+1 (RC)", keep=".") == "2.0.0-beta-1-rc"

    def test_nothing_to_keep(self) -> None:
        assert slug("+++") == ""


class TestReadCyclonedxPhone:
    """``phone-1.6.json`` and ``phone-1.6.xml``: the same BOM by hand, in JSON and in XML."""

    #: Worked out by hand from phone-1.6.json:
    #: - companies: Orchid Devices Ltd (metadata.manufacturer, GB) is the product's maker;
    #:   Formosa Foundry Co. (TW) supplies soc-a1 and modem-m4; Bay Radio Inc. is modem-m5's
    #:   manufacturer and, without a supplier, its supplier ("us" upper-cased).  Sorted by id.
    #: - components, sorted by bom-ref:
    #:   charger-c1: origin CN (property), no supplier;
    #:   modem-m4: origin KR (the property, over its supplier's TW);
    #:   modem-m5: origin US (its manufacturer's country), eccn 5A991.b;
    #:   soc-a1: origin TW (its supplier's), eccn 3A991.p, us_content 0.3, us_direct_product.
    #: - products: phone-x1 (metadata.component), maker orchid-devices-ltd, eccn 5A992.c.
    #: - supplies: one per component with a supplier or manufacturer: 3 (not charger-c1).
    #: - bom: phone-x1 dependsOn soc-a1, modem-m5, charger-c1: 3 entries; charger-c1 is
    #:   required: false, modem-m5 has modem-m4 as alternative; the other dependencies
    #:   entries have empty dependsOn.
    #: - warnings: charger-c1 has no supplier (modem-m4 is in no BOM entry but is an
    #:   alternative, so it is not warned about).
    SECTIONS: ClassVar[dict[str, list[dict[str, Any]]]] = {
        "companies": [
            {"id": "bay-radio-inc", "name": "Bay Radio Inc.", "country": "US"},
            {"id": "formosa-foundry-co", "name": "Formosa Foundry Co.", "country": "TW"},
            {"id": "orchid-devices-ltd", "name": "Orchid Devices Ltd", "country": "GB"},
        ],
        "components": [
            {"id": "charger-c1", "name": "USB-C Charger", "origin": "CN"},
            {"id": "modem-m4", "name": "M4 Modem", "origin": "KR"},
            {"id": "modem-m5", "name": "M5 Modem", "origin": "US", "eccn": "5A991.b"},
            {
                "id": "soc-a1",
                "name": "A1 SoC",
                "origin": "TW",
                "eccn": "3A991.p",
                "us_content": 0.3,
                "us_direct_product": True,
            },
        ],
        "products": [
            {"id": "phone-x1", "name": "Phone X1", "maker": "orchid-devices-ltd", "eccn": "5A992.c"}
        ],
        "supplies": [
            {"supplier": "bay-radio-inc", "component": "modem-m5"},
            {"supplier": "formosa-foundry-co", "component": "modem-m4"},
            {"supplier": "formosa-foundry-co", "component": "soc-a1"},
        ],
        "bom": [
            {"parent": "phone-x1", "component": "charger-c1", "required": False},
            {"parent": "phone-x1", "component": "modem-m5", "alternatives": ["modem-m4"]},
            {"parent": "phone-x1", "component": "soc-a1"},
        ],
    }
    WARNINGS = (
        "component 'charger-c1': no supplier nor manufacturer: no supply written "
        "(add a supplies entry for 'charger-c1' in your data file)",
    )

    def test_json(self) -> None:
        got = read_cyclonedx(FIXTURES / "phone-1.6.json")
        assert got == Imported(sections=self.SECTIONS, warnings=self.WARNINGS)

    def test_xml_gives_the_same_as_json(self) -> None:
        assert read_cyclonedx(FIXTURES / "phone-1.6.xml") == read_cyclonedx(FIXTURES / "phone-1.6.json")

    def test_a_path_object_or_text(self) -> None:
        assert read_cyclonedx(str(FIXTURES / "phone-1.6.json")) == read_cyclonedx(FIXTURES / "phone-1.6.json")

    def test_validation_names_the_missing_supply(self) -> None:
        got = read_cyclonedx(FIXTURES / "phone-1.6.json")
        with pytest.raises(DataError) as caught:
            parse_dataset(got.sections, "phone")
        assert caught.value.problems == [
            "components[0] 'charger-c1': has no supplier (add a 'supplies' entry)"
        ]

    def test_completed_by_the_analysts_file_it_validates(self) -> None:
        got = read_cyclonedx(FIXTURES / "phone-1.6.json")
        analyst = {
            "companies": [{"id": "pearl-power", "name": "Pearl Power", "country": "CN"}],
            "supplies": [{"supplier": "pearl-power", "component": "charger-c1"}],
        }
        ds = parse_dataset(_together(got.sections, analyst), "phone + analyst")
        assert [p.id for p in ds.products] == ["phone-x1"]
        assert {(b.component, b.required, b.alternatives) for b in ds.bom} == {
            ("charger-c1", False, ()),
            ("modem-m5", True, ("modem-m4",)),
            ("soc-a1", True, ()),
        }
        soc = next(c for c in ds.components if c.id == "soc-a1")
        assert (soc.origin, soc.us_content, soc.us_direct_product) == ("TW", 0.3, True)


class TestReadCyclonedxNesting:
    """``router-1.4.json``: CycloneDX 1.4, nested components, no dependencies, no bom-refs."""

    #: Worked out by hand from router-1.4.json:
    #: - no bom-ref anywhere: ids are slug(name)@version: Edge Router 2.1 -> edge-router@2.1,
    #:   Mainboard B -> mainboard@b, Network Processor 7.2 -> network-processor@7.2,
    #:   Flash 8GB 1 -> flash-8gb@1, Power Supply 12V -> power-supply@12v.
    #: - 1.4 organisations have no address: all three companies (Nordic Net AB, Silicon Peak,
    #:   Inc., Han River Memory) are left out, each with a warning; their supplies stay.
    #: - product: edge-router@2.1, maker nordic-net-ab (metadata.component.supplier), origin SE.
    #: - components: origins all from properties ("se" upper-cased); network-processor has an ECCN.
    #: - bom: no dependencies, so the two top-level components are the product's parts
    #:   (power-supply required: false); the two nested in mainboard@b are its parts
    #:   (flash-8gb@1 with alternative flash-8gb-alt, which the file does not hold).
    #: - supplies: 3 (power-supply@12v has no supplier: warned).
    SECTIONS: ClassVar[dict[str, list[dict[str, Any]]]] = {
        "companies": [],
        "components": [
            {"id": "flash-8gb@1", "name": "Flash 8GB", "origin": "KR"},
            {"id": "mainboard@b", "name": "Mainboard", "origin": "SE"},
            {"id": "network-processor@7.2", "name": "Network Processor", "origin": "US", "eccn": "5A991.b"},
            {"id": "power-supply@12v", "name": "Power Supply", "origin": "CN"},
        ],
        "products": [
            {"id": "edge-router@2.1", "name": "Edge Router", "maker": "nordic-net-ab", "origin": "SE"}
        ],
        "supplies": [
            {"supplier": "han-river-memory", "component": "flash-8gb@1"},
            {"supplier": "nordic-net-ab", "component": "mainboard@b"},
            {"supplier": "silicon-peak-inc", "component": "network-processor@7.2"},
        ],
        "bom": [
            {"parent": "edge-router@2.1", "component": "mainboard@b"},
            {"parent": "edge-router@2.1", "component": "power-supply@12v", "required": False},
            {"parent": "mainboard@b", "component": "flash-8gb@1", "alternatives": ["flash-8gb-alt"]},
            {"parent": "mainboard@b", "component": "network-processor@7.2"},
        ],
    }

    def test_sections(self) -> None:
        assert read_cyclonedx(FIXTURES / "router-1.4.json").sections == self.SECTIONS

    def test_warnings(self) -> None:
        assert read_cyclonedx(FIXTURES / "router-1.4.json").warnings == (
            "component 'power-supply@12v': no supplier nor manufacturer: no supply written "
            "(add a supplies entry for 'power-supply@12v' in your data file)",
            "component 'flash-8gb@1': alternative 'flash-8gb-alt' is not a component of this file "
            "(define it in your data file)",
            "company 'han-river-memory' (Han River Memory): country unknown (no two-letter "
            "address.country): left out of companies (define company 'han-river-memory' in your data file)",
            "company 'nordic-net-ab' (Nordic Net AB): country unknown (no two-letter address.country): "
            "left out of companies (define company 'nordic-net-ab' in your data file)",
            "company 'silicon-peak-inc' (Silicon Peak, Inc.): country unknown (no two-letter "
            "address.country): left out of companies (define company 'silicon-peak-inc' in your data file)",
        )

    def test_completed_by_the_analysts_file_it_validates(self) -> None:
        analyst = {
            "companies": [
                {"id": "nordic-net-ab", "name": "Nordic Net AB", "country": "SE"},
                {"id": "silicon-peak-inc", "name": "Silicon Peak, Inc.", "country": "US"},
                {"id": "han-river-memory", "name": "Han River Memory", "country": "KR"},
                {"id": "volt-works", "name": "Volt Works", "country": "CN"},
            ],
            "components": [{"id": "flash-8gb-alt", "name": "Flash 8GB (second source)", "origin": "JP"}],
            "supplies": [
                {"supplier": "volt-works", "component": "power-supply@12v"},
                {"supplier": "han-river-memory", "component": "flash-8gb-alt"},
            ],
        }
        ds = parse_dataset(_together(self.SECTIONS, analyst), "router + analyst")
        assert len(ds.bom) == 4 and len(ds.supplies) == 5


class TestReadCyclonedxMapping:
    """One rule of the mapping each, on small BOMs."""

    def test_maker_is_the_product_manufacturer_first(self, tmp_path: Path) -> None:
        metadata = {
            "component": part("p", manufacturer=org("Maker", "DE"), supplier=org("Seller", "FR")),
            "manufacturer": org("Bom Writer", "US"),
        }
        got = read_cyclonedx(cdx(tmp_path, [], metadata=metadata))
        assert got.sections["products"] == [{"id": "p", "name": "p", "maker": "maker"}]
        assert got.sections["companies"] == [{"id": "maker", "name": "Maker", "country": "DE"}]

    def test_maker_from_metadata_manufacturer_before_the_supplier(self, tmp_path: Path) -> None:
        metadata = {"component": part("p", supplier=org("Seller", "FR")), "manufacturer": org("Maker", "DE")}
        got = read_cyclonedx(cdx(tmp_path, [], metadata=metadata))
        assert got.sections["products"][0]["maker"] == "maker"

    def test_maker_from_the_product_supplier_last(self, tmp_path: Path) -> None:
        got = read_cyclonedx(
            cdx(tmp_path, [], metadata={"component": part("p", supplier=org("Seller", "FR"))})
        )
        assert got.sections["products"][0]["maker"] == "seller"

    def test_product_fields_from_properties(self, tmp_path: Path) -> None:
        props = {"origin": "de", "eccn": "EAR99", "us_content": "0", "us_direct_product": "FALSE"}
        metadata = {"component": part("p", manufacturer=org("Maker", "DE"), props=props)}
        got = read_cyclonedx(cdx(tmp_path, [], metadata=metadata))
        # us_direct_product false is the default: left out; us_content 0 is not.
        assert got.sections["products"] == [
            {"id": "p", "name": "p", "maker": "maker", "origin": "DE", "eccn": "EAR99", "us_content": 0.0}
        ]

    def test_origin_property_then_manufacturer_then_supplier(self, tmp_path: Path) -> None:
        components = [
            part("a", supplier=org("S", "FR"), manufacturer=org("M", "DE"), props={"origin": "JP"}),
            part("b", supplier=org("S", "FR"), manufacturer=org("M", "DE")),
            part("c", supplier=org("S", "FR")),
        ]
        got = read_cyclonedx(cdx(tmp_path, components))
        assert {c["id"]: c["origin"] for c in got.sections["components"]} == {"a": "JP", "b": "DE", "c": "FR"}

    def test_the_supplier_supplies_and_the_manufacturer_only_when_alone(self, tmp_path: Path) -> None:
        components = [
            part("a", supplier=org("Distributor", "NL"), manufacturer=org("Fab", "TW")),
            part("b", manufacturer=org("Fab", "TW")),
        ]
        got = read_cyclonedx(cdx(tmp_path, components))
        assert got.sections["supplies"] == [
            {"supplier": "distributor", "component": "a"},
            {"supplier": "fab", "component": "b"},
        ]
        # Fab is named by a supply (of b): written; a's manufacturer alone would not be.
        assert [c["id"] for c in got.sections["companies"]] == ["distributor", "fab"]

    def test_a_manufacturer_giving_only_the_origin_is_no_company(self, tmp_path: Path) -> None:
        components = [part("a", supplier=org("Distributor", "NL"), manufacturer=org("Fab", "TW"))]
        got = read_cyclonedx(cdx(tmp_path, components))
        assert [c["id"] for c in got.sections["companies"]] == ["distributor"]
        assert got.sections["components"][0]["origin"] == "TW"

    def test_two_organisations_with_one_slug_are_one_company(self, tmp_path: Path) -> None:
        components = [part("a", supplier=org("Acme, Inc.", "US")), part("b", supplier=org("ACME Inc", "US"))]
        got = read_cyclonedx(cdx(tmp_path, components))
        assert got.sections["companies"] == [{"id": "acme-inc", "name": "Acme, Inc.", "country": "US"}]
        assert len(got.sections["supplies"]) == 2

    def test_ids_without_bom_ref(self, tmp_path: Path) -> None:
        components = [
            part(None, "Wi-Fi Module", version="3.1.4 beta", props={"origin": "US"}),
            part(None, "Antenna", props={"origin": "US"}),
        ]
        got = read_cyclonedx(cdx(tmp_path, components))
        assert [c["id"] for c in got.sections["components"]] == ["antenna", "wi-fi-module@3.1.4-beta"]

    def test_bom_refs_are_taken_verbatim(self, tmp_path: Path) -> None:
        got = read_cyclonedx(cdx(tmp_path, [part("pkg:x/Y@1?a=b", "y", props={"origin": "US"})]))
        assert got.sections["components"][0]["id"] == "pkg:x/Y@1?a=b"

    def test_dependencies_with_a_listed_product_leave_other_top_level_parts_out(self, tmp_path: Path) -> None:
        components = [part(r, props={"origin": "US"}, supplier=org("S", "US")) for r in ("a", "b", "c")]
        metadata = {"component": part("p", manufacturer=org("M", "US"))}
        dependencies = [{"ref": "p", "dependsOn": ["a"]}, {"ref": "a", "dependsOn": ["b"]}]
        got = read_cyclonedx(cdx(tmp_path, components, metadata=metadata, dependencies=dependencies))
        assert got.sections["bom"] == [{"parent": "a", "component": "b"}, {"parent": "p", "component": "a"}]
        assert got.warnings == ("component 'c': in no bill of materials (no dependency or nesting names it)",)

    def test_top_level_parts_belong_to_the_product_when_dependencies_do_not_name_it(
        self, tmp_path: Path
    ) -> None:
        components = [part(r, props={"origin": "US"}, supplier=org("S", "US")) for r in ("a", "b")]
        metadata = {"component": part("p", manufacturer=org("M", "US"))}
        dependencies = [{"ref": "a", "dependsOn": ["b"]}]
        got = read_cyclonedx(cdx(tmp_path, components, metadata=metadata, dependencies=dependencies))
        # a -> b from dependencies; p -> a and p -> b as top-level parts (kept once each).
        assert got.sections["bom"] == [
            {"parent": "a", "component": "b"},
            {"parent": "p", "component": "a"},
            {"parent": "p", "component": "b"},
        ]
        assert got.warnings == ()

    def test_nested_in_the_product(self, tmp_path: Path) -> None:
        product = part("p", manufacturer=org("M", "US"))
        product["components"] = [part("a", supplier=org("S", "US"), props={"origin": "US"})]
        got = read_cyclonedx(cdx(tmp_path, [], metadata={"component": product}))
        assert got.sections["bom"] == [{"parent": "p", "component": "a"}]
        assert [c["id"] for c in got.sections["components"]] == ["a"]

    def test_nesting_and_dependencies_together_give_each_entry_once(self, tmp_path: Path) -> None:
        outer = part("a", supplier=org("S", "US"), props={"origin": "US"})
        outer["components"] = [part("b", supplier=org("S", "US"), props={"origin": "US"})]
        got = read_cyclonedx(cdx(tmp_path, [outer], dependencies=[{"ref": "a", "dependsOn": ["b"]}]))
        assert got.sections["bom"] == [{"parent": "a", "component": "b"}]

    def test_required_and_alternatives_go_on_every_entry_of_the_component(self, tmp_path: Path) -> None:
        components = [
            part("x", supplier=org("S", "US"), props={"origin": "US"}),
            part("y", supplier=org("S", "US"), props={"origin": "US"}),
            part(
                "c",
                supplier=org("S", "US"),
                props={"origin": "US", "required": "False", "alternatives": " y , x,"},
            ),
            part("alt", supplier=org("S", "US"), props={"origin": "US"}),
        ]
        dependencies = [{"ref": "x", "dependsOn": ["c"]}, {"ref": "y", "dependsOn": ["c"]}]
        got = read_cyclonedx(cdx(tmp_path, components, dependencies=dependencies))
        entry = {"component": "c", "required": False, "alternatives": ["y", "x"]}
        assert got.sections["bom"] == [{"parent": "x", **entry}, {"parent": "y", **entry}]

    def test_the_same_component_twice_is_kept_once(self, tmp_path: Path) -> None:
        twin = part(None, "Screw", version="M2", supplier=org("S", "US"), props={"origin": "US"})
        a = part("a", supplier=org("S", "US"), props={"origin": "US"}, components=[twin])
        b = part("b", supplier=org("S", "US"), props={"origin": "US"}, components=[dict(twin)])
        got = read_cyclonedx(cdx(tmp_path, [a, b]))
        assert [c["id"] for c in got.sections["components"]] == ["a", "b", "screw@m2"]
        assert got.sections["bom"] == [
            {"parent": "a", "component": "screw@m2"},
            {"parent": "b", "component": "screw@m2"},
        ]

    def test_the_product_listed_again_among_components(self, tmp_path: Path) -> None:
        metadata = {"component": part("p", manufacturer=org("M", "US"))}
        components = [
            part("p", manufacturer=org("M", "US")),
            part("a", supplier=org("S", "US"), props={"origin": "US"}),
        ]
        got = read_cyclonedx(
            cdx(tmp_path, components, metadata=metadata, dependencies=[{"ref": "p", "dependsOn": ["a"]}])
        )
        assert [c["id"] for c in got.sections["components"]] == ["a"]
        assert got.warnings == ("component 'p': is metadata.component itself: kept as the product only",)

    def test_the_format_is_told_from_the_content(self, tmp_path: Path) -> None:
        misnamed = tmp_path / "phone.json"
        misnamed.write_bytes((FIXTURES / "phone-1.6.xml").read_bytes())
        assert read_cyclonedx(misnamed) == read_cyclonedx(FIXTURES / "phone-1.6.json")

    def test_versions_1_4_and_1_5_are_read(self, tmp_path: Path) -> None:
        for version in ("1.4", "1.5"):
            got = read_cyclonedx(
                cdx(tmp_path, [part("a", supplier=org("S"), props={"origin": "US"})], version=version)
            )
            assert got.sections["components"] == [{"id": "a", "name": "a", "origin": "US"}]

    def test_what_is_not_ours_is_ignored(self, tmp_path: Path) -> None:
        c = part("a", supplier=org("S", "US"), props={"origin": "US"})
        c["properties"] += [
            {"name": "cdx:npm:package:path", "value": "x"},
            {"name": "graphlib-tradeeccn", "value": "?"},
        ]
        got = read_cyclonedx(cdx(tmp_path, [c]))
        assert got.sections["components"] == [{"id": "a", "name": "a", "origin": "US"}]

    def test_nothing_from_the_library_reaches_the_log(
        self, tmp_path: Path, caplog: pytest.LogCaptureFixture
    ) -> None:
        caplog.set_level(logging.DEBUG)
        with pytest.raises(DataError):
            read_cyclonedx(cdx(tmp_path, [{"type": "spaceship", "name": "x"}]))
        read_cyclonedx(FIXTURES / "phone-1.6.xml")
        assert [r for r in caplog.records if r.name.startswith(("py_serializable", "cyclonedx"))] == []
        assert logging.getLogger("py_serializable").propagate is True  # restored


class TestReadCyclonedxWarnings:
    """Each warning, alone, naming the entry (and the value)."""

    def test_no_supplier(self, tmp_path: Path) -> None:
        got = read_cyclonedx(cdx(tmp_path, [part("a", props={"origin": "US"})]))
        assert got.sections["supplies"] == []
        assert got.warnings == (
            NO_PRODUCT,
            "component 'a': no supplier nor manufacturer: no supply written "
            "(add a supplies entry for 'a' in your data file)",
            IN_NO_BOM.format("a"),
        )

    def test_a_supplier_without_a_name_is_no_supplier(self, tmp_path: Path) -> None:
        got = read_cyclonedx(
            cdx(tmp_path, [part("a", supplier={"url": ["https://x.example"]}, props={"origin": "US"})])
        )
        assert got.warnings == (
            NO_PRODUCT,
            "the supplier of component 'a' has no name: left aside",
            "component 'a': no supplier nor manufacturer: no supply written "
            "(add a supplies entry for 'a' in your data file)",
            IN_NO_BOM.format("a"),
        )

    def test_origin_unknown_leaves_the_component_out_and_keeps_what_names_it(self, tmp_path: Path) -> None:
        components = [
            part("a", supplier=org("S", "US"), props={"origin": "US"}),
            part("b", supplier=org("T")),
        ]
        got = read_cyclonedx(cdx(tmp_path, components, dependencies=[{"ref": "a", "dependsOn": ["b"]}]))
        assert [c["id"] for c in got.sections["components"]] == ["a"]
        assert {"supplier": "t", "component": "b"} in got.sections["supplies"]
        assert got.sections["bom"] == [{"parent": "a", "component": "b"}]
        assert (
            "component 'b': origin unknown (no graphlib-trade:origin property, no manufacturer or supplier "
            "country): left out of components (define component 'b' in your data file, or give the property)"
        ) in got.warnings
        # Validation then names it, and the analyst's entry for it completes the file.
        with pytest.raises(DataError, match=r"unknown component 'b'"):
            parse_dataset(got.sections, "x")
        analyst = {
            "companies": [{"id": "t", "name": "T", "country": "JP"}],
            "components": [{"id": "b", "name": "b", "origin": "JP"}],
        }
        parse_dataset(_together(got.sections, analyst), "x + analyst")

    def test_country_not_two_letters(self, tmp_path: Path) -> None:
        got = read_cyclonedx(cdx(tmp_path, [part("a", supplier=org("Berlin Parts", "Germany"))]))
        assert got.sections["companies"] == [] and got.sections["components"] == []
        assert got.sections["supplies"] == [{"supplier": "berlin-parts", "component": "a"}]
        assert got.warnings == (
            NO_PRODUCT,
            "company 'berlin-parts' (Berlin Parts): address.country 'Germany' is not an ISO 3166 "
            "alpha-2 code such as 'US': country unknown",
            "component 'a': origin unknown (no graphlib-trade:origin property, no manufacturer or supplier "
            "country): left out of components (define component 'a' in your data file, or give the property)",
            IN_NO_BOM.format("a"),
            "company 'berlin-parts' (Berlin Parts): country unknown (no two-letter address.country): "
            "left out of companies (define company 'berlin-parts' in your data file)",
        )

    def test_two_countries_for_one_company(self, tmp_path: Path) -> None:
        components = [part("a", supplier=org("Acme", "US")), part("b", supplier=org("ACME", "DE"))]
        got = read_cyclonedx(cdx(tmp_path, components))
        assert got.sections["companies"] == [{"id": "acme", "name": "Acme", "country": "US"}]
        # Each component's origin is its own supplier's country.
        assert [(c["id"], c["origin"]) for c in got.sections["components"]] == [("a", "US"), ("b", "DE")]
        assert got.warnings == (
            NO_PRODUCT,
            "company 'acme' (ACME): address.country is 'US' in one entry and 'DE' in another: 'US' kept",
            IN_NO_BOM.format("a"),
            IN_NO_BOM.format("b"),
        )

    def test_no_metadata_component(self, tmp_path: Path) -> None:
        got = read_cyclonedx(cdx(tmp_path, []))
        assert got == Imported(
            sections={"companies": [], "components": [], "products": [], "supplies": [], "bom": []},
            warnings=(
                "no metadata.component: the BOM names no product (define the products in your data file)",
            ),  # NO_PRODUCT
        )

    def test_product_without_maker(self, tmp_path: Path) -> None:
        got = read_cyclonedx(cdx(tmp_path, [], metadata={"component": part("p")}))
        assert got.sections["products"] == []
        assert got.warnings == (
            "product 'p': no manufacturer nor supplier with a name: left out of products "
            "(define product 'p' in your data file)",
        )

    def test_maker_without_country(self, tmp_path: Path) -> None:
        got = read_cyclonedx(cdx(tmp_path, [], metadata={"component": part("p", manufacturer=org("M"))}))
        assert got.sections["products"] == [{"id": "p", "name": "p", "maker": "m"}]
        assert got.warnings == (
            "company 'm' (M): country unknown (no two-letter address.country): left out of companies "
            "(define company 'm' in your data file)",
        )

    def test_dependency_on_what_is_no_component(self, tmp_path: Path) -> None:
        components = [part("a", supplier=org("S", "US"), props={"origin": "US"})]
        doc = cdx(tmp_path, components, dependencies=[{"ref": "a", "dependsOn": ["svc-1"]}])
        got = read_cyclonedx(doc)
        assert got.sections["bom"] == []
        assert got.warnings == (
            NO_PRODUCT,
            "dependencies: 'svc-1' is not a component of this file (a service, or a ref to nothing): "
            "its dependencies are left out",
            IN_NO_BOM.format("a"),
        )

    def test_component_in_no_bom(self, tmp_path: Path) -> None:
        got = read_cyclonedx(cdx(tmp_path, [part("a", supplier=org("S", "US"), props={"origin": "US"})]))
        assert got.warnings == (
            NO_PRODUCT,
            "component 'a': in no bill of materials (no dependency or nesting names it)",
        )

    def test_alternative_not_in_the_file(self, tmp_path: Path) -> None:
        components = [
            part("p", supplier=org("S", "US"), props={"origin": "US"}),
            part("a", supplier=org("S", "US"), props={"origin": "US", "alternatives": "elsewhere"}),
        ]
        got = read_cyclonedx(cdx(tmp_path, components, dependencies=[{"ref": "p", "dependsOn": ["a"]}]))
        assert got.sections["bom"] == [{"parent": "p", "component": "a", "alternatives": ["elsewhere"]}]
        assert got.warnings == (
            NO_PRODUCT,
            "component 'a': alternative 'elsewhere' is not a component of this file "
            "(define it in your data file)",
        )


class TestReadCyclonedxErrors:
    """Bad input: one DataError naming the file, the entry and the value; never the library's own."""

    def test_missing(self, tmp_path: Path) -> None:
        assert one_line(tmp_path / "nope.json") == "no such file"

    def test_folder(self, tmp_path: Path) -> None:
        assert one_line(tmp_path) == "is a folder, expected a CycloneDX JSON or XML file"

    def test_empty(self, tmp_path: Path) -> None:
        (tmp_path / "b.json").write_text("  \n")
        assert one_line(tmp_path / "b.json") == "is empty, expected a CycloneDX JSON or XML file"

    def test_neither_json_nor_xml(self, tmp_path: Path) -> None:
        (tmp_path / "b.yaml").write_text("bomFormat: CycloneDX\n")
        assert (
            one_line(tmp_path / "b.yaml")
            == "is neither JSON nor XML (it starts with 'b'): not a CycloneDX BOM"
        )

    def test_not_utf8(self, tmp_path: Path) -> None:
        (tmp_path / "b.json").write_bytes(b'{"name": "\xff"}')
        assert "is not UTF-8 text" in one_line(tmp_path / "b.json")

    def test_invalid_json(self, tmp_path: Path) -> None:
        (tmp_path / "b.json").write_text('{"bomFormat": "CycloneDX",\n "components": [}')
        assert one_line(tmp_path / "b.json").startswith("is not valid JSON: ")
        assert "(line 2, column " in one_line(tmp_path / "b.json")

    def test_json_list(self, tmp_path: Path) -> None:
        (tmp_path / "b.json").write_text("[]")
        assert one_line(tmp_path / "b.json") == (
            "is not a CycloneDX BOM: the top level is a list, "
            'expected an object with "bomFormat": "CycloneDX"'
        )

    def test_other_json(self, tmp_path: Path) -> None:
        (tmp_path / "b.json").write_text('{"spdxVersion": "SPDX-2.3"}')
        assert (
            one_line(tmp_path / "b.json")
            == "is not a CycloneDX BOM: it has no bomFormat, expected 'CycloneDX'"
        )
        (tmp_path / "b.json").write_text('{"bomFormat": "SPDX"}')
        assert (
            one_line(tmp_path / "b.json")
            == "is not a CycloneDX BOM: bomFormat is 'SPDX', expected 'CycloneDX'"
        )

    @pytest.mark.parametrize(("version", "shown"), [("1.3", "'1.3'"), ("1.7", "'1.7'"), (1.6, "1.6")])
    def test_other_spec_version(self, tmp_path: Path, version: Any, shown: str) -> None:
        (tmp_path / "b.json").write_text(json.dumps({"bomFormat": "CycloneDX", "specVersion": version}))
        assert one_line(tmp_path / "b.json") == (
            f"is not a CycloneDX BOM this reader takes: specVersion is {shown}, "
            "expected one of '1.4', '1.5', '1.6'"
        )

    def test_no_spec_version(self, tmp_path: Path) -> None:
        (tmp_path / "b.json").write_text('{"bomFormat": "CycloneDX"}')
        assert "it has no specVersion" in one_line(tmp_path / "b.json")

    def test_invalid_xml(self, tmp_path: Path) -> None:
        (tmp_path / "b.xml").write_text(
            '<bom xmlns="http://cyclonedx.org/schema/bom/1.6">\n<components>\n</bom>'
        )
        assert one_line(tmp_path / "b.xml") == "is not valid XML: mismatched tag: line 3, column 2"

    def test_xml_entities_are_refused(self, tmp_path: Path) -> None:
        (tmp_path / "b.xml").write_text(
            '<?xml version="1.0"?>\n<!DOCTYPE bom [<!ENTITY a "aaaaaaaaaa">]>\n'
            '<bom xmlns="http://cyclonedx.org/schema/bom/1.6"><components>&a;</components></bom>'
        )
        assert one_line(tmp_path / "b.xml").startswith("is refused: it declares XML entities or a DTD")

    def test_other_xml(self, tmp_path: Path) -> None:
        (tmp_path / "b.xml").write_text('<spdx xmlns="urn:x"/>')
        assert one_line(tmp_path / "b.xml").startswith(
            "is not a CycloneDX BOM: the root element is '{urn:x}spdx', expected 'bom' in the namespace"
        )

    def test_xml_of_another_version(self, tmp_path: Path) -> None:
        (tmp_path / "b.xml").write_text('<bom xmlns="http://cyclonedx.org/schema/bom/1.3"/>')
        assert one_line(tmp_path / "b.xml") == (
            "is not a CycloneDX BOM this reader takes: the namespace's version is '1.3', "
            "expected one of '1.4', '1.5', '1.6'"
        )

    # The library's schema check comes first (strict for JSON): its first problem, where and what.
    def test_the_schema_refuses_a_component_json(self, tmp_path: Path) -> None:
        ok = part("a", props={"origin": "US"})
        path = cdx(tmp_path, [ok, {"type": "spaceship", "name": "rocket", "bom-ref": "r1"}])
        assert one_line(path).startswith(
            "fails the CycloneDX 1.6 schema at components[1].type: 'spaceship' is not one of ['application'"
        )

    def test_the_schema_refuses_a_nested_component_json(self, tmp_path: Path) -> None:
        outer = part("a", components=[part("b"), {"type": "library", "version": "1"}])
        assert one_line(cdx(tmp_path, [outer])) == (
            "fails the CycloneDX 1.6 schema at components[0].components[1]: 'name' is a required property"
        )

    def test_the_schema_refuses_the_product_json(self, tmp_path: Path) -> None:
        path = cdx(tmp_path, [], metadata={"component": {"type": "device", "name": "P", "version": 2}})
        assert one_line(path) == (
            "fails the CycloneDX 1.6 schema at metadata.component.version: 2 is not of type 'string'"
        )

    def test_the_schema_refuses_components_that_are_no_list(self, tmp_path: Path) -> None:
        (tmp_path / "b.json").write_text('{"bomFormat": "CycloneDX", "specVersion": "1.5", "components": 5}')
        assert one_line(tmp_path / "b.json") == (
            "fails the CycloneDX 1.5 schema at components: 5 is not of type 'array'"
        )

    def test_the_schema_refuses_a_component_xml(self, tmp_path: Path) -> None:
        # modem-m4's <component> element is on line 53 of phone-1.6.xml.
        text = (
            (FIXTURES / "phone-1.6.xml")
            .read_text()
            .replace('type="device" bom-ref="modem-m4"', 'type="x" bom-ref="modem-m4"')
        )
        (tmp_path / "b.xml").write_text(text)
        line = next(i for i, row in enumerate(text.splitlines(), 1) if 'bom-ref="modem-m4"' in row)
        got = one_line(tmp_path / "b.xml")
        assert got.startswith(f"fails the CycloneDX 1.6 schema at line {line}: ")
        assert "attribute 'type'" in got and "The value 'x' is not an element of the set" in got

    def test_the_schema_refuses_a_dependency_json(self, tmp_path: Path) -> None:
        path = cdx(tmp_path, [part("a")], dependencies=[{"ref": "a"}, {"dependsOn": ["a"]}])
        assert (
            one_line(path)
            == "fails the CycloneDX 1.6 schema at dependencies[1]: 'ref' is a required property"
        )

    def test_the_schema_refuses_a_supplier_given_as_text(self, tmp_path: Path) -> None:
        path = cdx(tmp_path, [part("a", supplier="Acme")])
        assert one_line(path) == (
            "fails the CycloneDX 1.6 schema at components[0].supplier: 'Acme' is not of type 'object'"
        )

    @pytest.mark.parametrize("suffix", ["json", "xml"])
    def test_nested_too_deeply(self, tmp_path: Path, suffix: str) -> None:
        n = 3000
        if suffix == "json":
            opening = '{"type": "library", "name": "x", "components": ['
            text = '{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": ['
            text += opening * n + "]}" * n + "]}"
        else:
            opening = '<component type="library"><name>x</name><components>'
            text = '<bom xmlns="http://cyclonedx.org/schema/bom/1.6"><components>'
            text += opening * n + "</components></component>" * n + "</components></bom>"
        (tmp_path / f"b.{suffix}").write_text(text)
        assert one_line(tmp_path / f"b.{suffix}") == "is nested too deeply to be read"

    @pytest.mark.parametrize(
        ("key", "value", "why"),
        [
            ("us_content", "abc", "must be a number from 0 to 1 (0.25 for 25%)"),
            ("us_content", "1.5", "must be a number from 0 to 1 (0.25 for 25%)"),
            ("us_content", "nan", "must be a number from 0 to 1 (0.25 for 25%)"),
            ("us_content", "", "has no value"),
            ("eccn", "5A99", "must be an ECCN such as '5A992' or 'EAR99'"),
            ("origin", "Germany", "must be an ISO 3166 alpha-2 country code such as 'US'"),
            ("us_direct_product", "yes", "must be true or false"),
            ("publicly_available", "1", "must be true or false"),
            ("required", "no", "must be true or false"),
            ("alternatives", " , ", "must name components: bom-refs or ids, separated by commas"),
        ],
    )
    def test_bad_property_value(self, tmp_path: Path, key: str, value: str, why: str) -> None:
        path = cdx(tmp_path, [part("modem-m5", props={key: value})])
        assert (
            one_line(path)
            == f"component 'modem-m5': property 'graphlib-trade:{key}': {why}, got {value.strip()!r}"
        )

    def test_bad_property_on_the_product(self, tmp_path: Path) -> None:
        path = cdx(tmp_path, [], metadata={"component": part("p", props={"us_content": "30%"})})
        assert one_line(path) == (
            "metadata.component 'p': property 'graphlib-trade:us_content': must be a number from 0 to 1 "
            "(0.25 for 25%), got '30%'"
        )

    def test_bad_property_without_bom_ref_names_the_id(self, tmp_path: Path) -> None:
        path = cdx(tmp_path, [part(None, "Modem", version="5", props={"eccn": "none"})])
        assert one_line(path).startswith("component 'modem@5': property 'graphlib-trade:eccn'")

    def test_unknown_property(self, tmp_path: Path) -> None:
        assert one_line(cdx(tmp_path, [part("a", props={"ecn": "5A992"})])) == (
            "component 'a': property 'graphlib-trade:ecn': unknown (expected one of: graphlib-trade:eccn, "
            "graphlib-trade:origin, graphlib-trade:us_content, graphlib-trade:us_direct_product, "
            "graphlib-trade:publicly_available, graphlib-trade:required, graphlib-trade:alternatives)"
        )

    def test_entry_property_on_the_product(self, tmp_path: Path) -> None:
        path = cdx(tmp_path, [], metadata={"component": part("p", props={"required": "false"})})
        assert one_line(path) == (
            "metadata.component 'p': property 'graphlib-trade:required': belongs on a component "
            "(its BOM entries), not on metadata.component"
        )

    def test_property_given_twice(self, tmp_path: Path) -> None:
        c = part("a")
        c["properties"] = [
            {"name": "graphlib-trade:origin", "value": "US"},
            {"name": "graphlib-trade:origin", "value": "CN"},
        ]
        assert (
            one_line(cdx(tmp_path, [c]))
            == "component 'a': property 'graphlib-trade:origin': given twice, 'CN' and 'US'"
        )

    def test_the_same_property_twice_with_one_value_is_fine(self, tmp_path: Path) -> None:
        c = part("a", supplier=org("S", "US"))
        c["properties"] = [{"name": "graphlib-trade:origin", "value": v} for v in ("US", " US ")]
        assert read_cyclonedx(cdx(tmp_path, [c])).sections["components"][0]["origin"] == "US"

    def test_every_bad_property_is_named(self, tmp_path: Path) -> None:
        components = [part("a", props={"us_content": "x"}), part("b", props={"origin": "X1", "eccn": "?"})]
        assert error(cdx(tmp_path, components)).problems == [
            "component 'a': property 'graphlib-trade:us_content': "
            "must be a number from 0 to 1 (0.25 for 25%), got 'x'",
            "component 'b': property 'graphlib-trade:eccn': "
            "must be an ECCN such as '5A992' or 'EAR99', got '?'",
            "component 'b': property 'graphlib-trade:origin': "
            "must be an ISO 3166 alpha-2 country code such as 'US', got 'X1'",
        ]

    def test_two_different_components_with_one_id(self, tmp_path: Path) -> None:
        components = [
            part(None, "Screw", version="M2", props={"origin": "US"}),
            part("b", components=[part(None, "Screw", version="M2", props={"origin": "CN"})]),
        ]
        assert one_line(cdx(tmp_path, components)) == (
            "component 'screw@m2': two different components have this id (bom-refs are unique in a BOM; "
            "without one the id is name@version): give each its own bom-ref"
        )


#: The library's own example files (see upstream/NOTICE.md), and what each yields, counted by hand
#: from the file: ids of companies, components, products written; supplies and BOM entries as
#: (supplier, component) and (parent, component); the number of warnings.
UPSTREAM_EXPECTED: dict[str, dict[str, Any]] = {
    # 1 entry in `components` (acme-library-a 1.0.0) with 1 nested (acme-library-b 2.0.0), no
    # bom-refs: ids are name@version.  No metadata, no supplier, no origin: both left out.
    # The nesting gives 1 BOM entry.  `services` are not read.  Warnings: no metadata.component
    # (1), no supplier (2), origin unknown (2) = 5.
    "valid-assembly-1.4.json": {
        "companies": [],
        "components": [],
        "products": [],
        "supplies": [],
        "bom": [("acme-library-a@1.0.0", "acme-library-b@2.0.0")],
        "warnings": 5,
    },
    # metadata.component "Acme Application" 9.1.1 (no bom-ref), metadata/manufacture "Acme, Inc."
    # (no address in 1.4): product acme-application@9.1.1 by acme-inc (left out).  3 top-level
    # components, no bom-refs (tomcat-catalina's <pedigree> ancestor is no component); only
    # mylibrary has a supplier ("Example Inc.").  No <dependencies>: the 3 are the product's parts.
    # Warnings: no supplier (tomcat, myframework: 2), origin unknown (3), companies without
    # country (acme-inc, example-inc: 2) = 7.
    "valid-bom-1.4.xml": {
        "companies": [],
        "components": [],
        "products": ["acme-application@9.1.1"],
        "supplies": [("example-inc", "mylibrary@1.0.0")],
        "bom": [
            ("acme-application@9.1.1", "myframework@1.0.0"),
            ("acme-application@9.1.1", "mylibrary@1.0.0"),
            ("acme-application@9.1.1", "tomcat-catalina@9.0.14"),
        ],
        "warnings": 7,
    },
    # 3 components with bom-refs library-a, -b, -c; dependencies: library-a on nothing,
    # library-b on library-c (1 entry).  Warnings: no metadata.component (1), no supplier (3),
    # origin unknown (3), library-a in no BOM (1) = 8.
    "valid-dependency-1.5.json": {
        "companies": [],
        "components": [],
        "products": [],
        "supplies": [],
        "bom": [("library-b", "library-c")],
        "warnings": 8,
    },
    # Product acme-application-1.0 (no maker: left out).  Components: shaded-library with
    # ossproject/library nested, and acme/library: 3.  dependencies: the product on shaded-library
    # and acme/library (2 entries, and it is named, so no top-level rule); nesting: 1 entry.
    # Warnings: product without maker (1), no supplier (3), origin unknown (3) = 7.
    "valid-compositions-1.5.json": {
        "companies": [],
        "components": [],
        "products": [],
        "supplies": [],
        "bom": [
            ("acme-application-1.0", "pkg:maven/acme/library@3.0"),
            ("acme-application-1.0", "pkg:maven/partner/shaded-library@1.0"),
            ("pkg:maven/partner/shaded-library@1.0", "pkg:maven/ossproject/library@2.0"),
        ],
        "warnings": 7,
    },
    # metadata.component "Acme Application" 9.1.1 (no bom-ref); metadata.manufacturer
    # "Acme, Inc." (no address) is the maker.  3 components: tomcat-catalina and mylibrary with
    # purl bom-refs (mylibrary's is ...myapplication@1.0.0?packaging=war), myframework without
    # (myframework@1.0.0).  mylibrary's supplier "Example, Inc." supplies it (its manufacturer
    # "Example-2, Inc." does not).  dependencies: tomcat-catalina on mylibrary (1); the product is
    # in no dependencies entry: its 3 top-level components are its parts (3).  Warnings: no
    # supplier (2), origin unknown (3), companies without country (2) = 7.
    "valid-bom-1.6.json": {
        "companies": [],
        "components": [],
        "products": ["acme-application@9.1.1"],
        "supplies": [("example-inc", "pkg:maven/com.example/myapplication@1.0.0?packaging=war")],
        "bom": [
            ("acme-application@9.1.1", "myframework@1.0.0"),
            ("acme-application@9.1.1", "pkg:maven/com.acme/tomcat-catalina@9.0.14?packaging=jar"),
            ("acme-application@9.1.1", "pkg:maven/com.example/myapplication@1.0.0?packaging=war"),
            (
                "pkg:maven/com.acme/tomcat-catalina@9.0.14?packaging=jar",
                "pkg:maven/com.example/myapplication@1.0.0?packaging=war",
            ),
        ],
        "warnings": 7,
    },
    # 3 components all named acme-library 1.0.0, told apart by bom-ref: 123 (with 456 nested)
    # and 789.  Nesting: 123 -> 456.  Warnings: no metadata.component (1), no supplier (3),
    # origin unknown (3), 789 in no BOM (1) = 8.
    "valid-component-ref-1.6.xml": {
        "companies": [],
        "components": [],
        "products": [],
        "supplies": [],
        "bom": [("123", "456")],
        "warnings": 8,
    },
    # 1 component (bom-ref huggingface.co-meta-llama-Llama-2-7b) supplied by "Hugging Face"
    # (no address: left out).  The "Meta" organisation with an address is an energy provider
    # inside the model card, not a supplier.  Warnings: no metadata.component (1), origin
    # unknown (1), in no BOM (1), company without country (1) = 4.
    "valid-machine-learning-considerations-env-1.6.json": {
        "companies": [],
        "components": [],
        "products": [],
        "supplies": [("hugging-face", "huggingface.co-meta-llama-Llama-2-7b")],
        "bom": [],
        "warnings": 4,
    },
    # 1 component (setuptools) whose manufacturer "CycloneDX" has address.country GB and no
    # supplier: company cyclonedx (GB) supplies it, origin GB.  Its dependencies entry has no
    # dependsOn: no BOM entry.  Warnings: no metadata.component (1), in no BOM (1) = 2.
    "get_bom_with_component_setuptools_with_v16_fields-1.6.json": {
        "companies": ["cyclonedx"],
        "components": ["pkg:pypi/setuptools@50.3.2?extension=tar.gz"],
        "products": [],
        "supplies": [("cyclonedx", "pkg:pypi/setuptools@50.3.2?extension=tar.gz")],
        "bom": [],
        "warnings": 2,
    },
}


class TestReadCyclonedxUpstream:
    """Files written by others (cyclonedx-python-lib 11.12.0's tests): read, counted, validated."""

    def test_every_file_is_listed(self) -> None:
        files = {p.name for p in UPSTREAM.iterdir() if p.suffix in (".json", ".xml")}
        assert files == set(UPSTREAM_EXPECTED)

    @pytest.mark.parametrize("name", sorted(UPSTREAM_EXPECTED))
    def test_what_it_yields(self, name: str) -> None:
        expected = UPSTREAM_EXPECTED[name]
        got = read_cyclonedx(UPSTREAM / name)
        s = got.sections
        assert [c["id"] for c in s["companies"]] == expected["companies"]
        assert [c["id"] for c in s["components"]] == expected["components"]
        assert [p["id"] for p in s["products"]] == expected["products"]
        assert [(x["supplier"], x["component"]) for x in s["supplies"]] == expected["supplies"]
        assert [(b["parent"], b["component"]) for b in s["bom"]] == expected["bom"]
        assert len(got.warnings) == expected["warnings"], got.warnings

    @pytest.mark.parametrize("name", sorted(UPSTREAM_EXPECTED))
    def test_it_validates_or_the_warnings_say_why(self, name: str) -> None:
        got = read_cyclonedx(UPSTREAM / name)
        try:
            parse_dataset(got.sections, name)
        except DataError as exc:
            for problem in exc.problems:
                # Each problem is about an id a warning names: one left out, or without supplier.
                found = re.search(r"unknown [a-z ]+ '(.+)'$", problem) or re.match(
                    r"components\[\d+\] '(.+)': has no supplier", problem
                )
                assert found is not None, problem
                assert any(f"'{found.group(1)}'" in w for w in got.warnings), problem
        else:
            assert name == "get_bom_with_component_setuptools_with_v16_fields-1.6.json"

    def test_the_setuptools_snapshot_validates(self) -> None:
        got = read_cyclonedx(UPSTREAM / "get_bom_with_component_setuptools_with_v16_fields-1.6.json")
        ds = parse_dataset(got.sections, "setuptools")
        assert [(c.id, c.origin) for c in ds.components] == [
            ("pkg:pypi/setuptools@50.3.2?extension=tar.gz", "GB")
        ]
        assert [(c.id, c.country) for c in ds.companies] == [("cyclonedx", "GB")]


def _together(*parts: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """Sections of several files side by side (no two define the same id here)."""
    merged: dict[str, list[dict[str, Any]]] = {}
    for sections in parts:
        for name, entries in sections.items():
            merged.setdefault(name, []).extend(entries)
    return merged
