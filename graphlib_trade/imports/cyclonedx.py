"""CycloneDX bills of materials (1.4, 1.5, 1.6; JSON or XML) read into data-file sections.

The file is read by the format's own library (cyclonedx-python-lib) and mapped as follows:

- ``metadata.component`` is the **product**; its maker is the first organisation with a name
  among ``metadata.component.manufacturer``, ``metadata.manufacture`` (deprecated in 1.6),
  ``metadata.manufacturer`` (1.6), ``metadata.component.supplier`` and ``metadata.supplier``.
- ``components`` (at any depth) are the **components**.
- **BOM entries**: each ``dependencies`` entry gives one per ``dependsOn`` (parent: the ``ref``),
  each component nested in another one (parent: the enclosing component; inside
  ``metadata.component``: the product).  When no ``dependencies`` entry names the product, the
  top-level ``components`` are the product's parts (the BOM describes the product).
- A component's ``supplier`` (else its ``manufacturer``) is a **company** that **supplies** it.
  The manufacturer of a component that also names a supplier only gives its origin: it is no
  party to the supply.
- A company's country is its ``address.country`` (CycloneDX 1.6; 1.4 and 1.5 have none).
  Only organisations that supply a component or make the product are written as companies; one
  without a name is left aside, with a warning.
- Other versions (1.3, 1.7) are refused, as is XML declaring entities (read with defusedxml, as
  the library advises).  The library's own errors are reworded into one line naming the entry
  it could not read; its warnings and log records are kept quiet.

Our fields are CycloneDX ``properties`` of a component (or of ``metadata.component``, except the
last two) in the ``graphlib-trade`` namespace:

====================================== =========================================================
property                               value
====================================== =========================================================
``graphlib-trade:eccn``                an ECCN, such as ``5A992.c`` or ``EAR99``
``graphlib-trade:origin``              an ISO 3166 alpha-2 country code (``tw`` reads ``TW``)
``graphlib-trade:us_content``          controlled US content by value, 0 to 1 (``0.25``: 25%)
``graphlib-trade:us_direct_product``   ``true`` or ``false`` (any case)
``graphlib-trade:publicly_available``  ``true`` or ``false`` (any case)
``graphlib-trade:required``            ``true`` or ``false``: on every BOM entry of the component
``graphlib-trade:alternatives``        bom-refs or ids, comma-separated: on every BOM entry of
                                       the component (ids from the analyst's file too)
====================================== =========================================================

A value that does not read as stated, an unknown ``graphlib-trade:`` name, or one given twice
with two values is an error naming the component (its id) and the value; every such problem
of the file is listed at once.

Choices, so the output is stable and an analyst can complete it:

- **Ids**: a component's (and the product's) ``bom-ref``; without one, the :func:`slug` of its
  name, ``@`` and its version (dots kept): ``acme-library-a@1.0.0``.  A company's id is the slug
  of its name (``Acme, Inc.`` is ``acme-inc``); two organisations whose names give the same slug
  are one company.  The same component met twice (nested in two assemblies) is one component;
  two different ones with one id are an error.  Entries are sorted by id (the library does not
  keep the file's order).
- **Countries**: a two-letter ``address.country`` is taken, upper-cased; anything else
  (``Germany``) is warned about, naming the company and the value, and the country is unknown.
- **Origin** of a component: the ``graphlib-trade:origin`` property, else its manufacturer's
  country, else its supplier's.
- **What cannot be known is left out, with a warning, and everything naming it stays**: a
  component whose origin is unknown is not written to ``components`` (its supplies and BOM
  entries are), a company without a country is not written to ``companies`` (its supplies
  are), nor a product without a maker to ``products``.  The analyst defines that one entry
  in their own data file, merged with the import (``--data``); until then
  :func:`~graphlib_trade.models.parse_dataset` names what refers to it.
- A component without a supplier or manufacturer gets no supply, with a warning (the data
  file needs one per component, from the analyst's file).
- Also warned about: no ``metadata.component`` (no product), a dependency ``ref`` that is no
  component of the file (a service), a component in no BOM entry, an alternative that is no
  component of the file.
- Defaults are left out, as :meth:`~graphlib_trade.models.Dataset.to_raw` writes them.
"""

from __future__ import annotations

import json
import logging
import math
import os
import re
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any, cast
from xml.etree.ElementTree import Element, ParseError

from cyclonedx.model.bom import Bom, BomMetaData
from cyclonedx.model.component import Component
from cyclonedx.model.contact import OrganizationalEntity
from cyclonedx.model.dependency import Dependency
from defusedxml import DefusedXmlException  # type: ignore[import-untyped]
from defusedxml import ElementTree as SafeElementTree

from graphlib_trade.errors import DataError
from graphlib_trade.files import read_text
from graphlib_trade.imports import Imported
from graphlib_trade.models.base import ECCN, short

#: The prefix of our property names: ``graphlib-trade:eccn``, ...
NAMESPACE = "graphlib-trade"

#: The CycloneDX versions read (``specVersion`` in JSON, the namespace in XML).
VERSIONS: tuple[str, ...] = ("1.4", "1.5", "1.6")

_XMLNS = re.compile(r"\{http://cyclonedx\.org/schema/bom/([^}]*)\}bom")


def slug(text: str, keep: str = "") -> str:
    """``text`` in lower case, each run of characters other than letters, digits and ``keep`` a ``-``.

    Examples
    --------
    >>> slug("Acme, Inc."), slug("  Société Générale "), slug("华为")
    ('acme-inc', 'société-générale', '华为')
    >>> slug("2.0.0-beta+1", keep=".")
    '2.0.0-beta-1'
    """
    kept = rf"(?:[^\W_]|[{re.escape(keep)}])+" if keep else r"[^\W_]+"
    return "-".join(re.findall(kept, text.lower()))


def read_cyclonedx(path: str | os.PathLike[str]) -> Imported:
    """Read a CycloneDX 1.4, 1.5 or 1.6 BOM (JSON or XML) into data-file sections.

    Parameters
    ----------
    path
        The BOM; JSON or XML is told from its first character, not its name.

    Returns
    -------
    Imported
        ``companies``, ``components``, ``products``, ``supplies`` and ``bom`` (each present,
        maybe empty), and the warnings, as the module docstring sets out.

    Raises
    ------
    DataError
        Naming the file: it cannot be read, is not JSON or XML, not a CycloneDX 1.4-1.6 BOM,
        fails the library's schema check (where and what), the library cannot read an entry
        (named), or a ``graphlib-trade:`` property has a bad
        value (the component and the value named).

    Examples
    --------
    >>> phone = Path(__file__).parents[2] / "fixtures" / "imports" / "cyclonedx" / "phone-1.6.json"
    >>> imported = read_cyclonedx(phone)
    >>> imported.sections["products"]
    [{'id': 'phone-x1', 'name': 'Phone X1', 'maker': 'orchid-devices-ltd', 'eccn': '5A992.c'}]
    >>> imported.sections["bom"][0], len(imported.sections["components"])
    ({'parent': 'phone-x1', 'component': 'charger-c1', 'required': False}, 4)
    >>> imported.warnings[0].split(":")[:2]
    ["component 'charger-c1'", ' no supplier nor manufacturer']
    """
    source = str(path)
    return _Reader(source, _load(path)).read()


# -- the file, through the library -------------------------------------------------------------


def _load(path: str | os.PathLike[str]) -> Bom:
    source = str(path)
    if Path(path).is_dir():
        raise DataError(source, ["is a folder, expected a CycloneDX JSON or XML file"])
    text = read_text(path)
    first = text.lstrip()[:1]
    if first in ("{", "["):
        return _load_json(source, text)
    if first == "<":
        return _load_xml(source, text)
    if not first:
        raise DataError(source, ["is empty, expected a CycloneDX JSON or XML file"])
    raise DataError(source, [f"is neither JSON nor XML (it starts with {first!r}): not a CycloneDX BOM"])


def _load_json(source: str, text: str) -> Bom:
    try:
        raw = json.loads(text)
    except RecursionError:
        raise DataError(source, ["is nested too deeply to be read"]) from None
    except json.JSONDecodeError as exc:
        raise DataError(
            source, [f"is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"]
        ) from None
    if not isinstance(raw, dict):
        raise DataError(
            source,
            [
                f"is not a CycloneDX BOM: the top level is a {type(raw).__name__}, "
                'expected an object with "bomFormat": "CycloneDX"'
            ],
        )
    if raw.get("bomFormat") != "CycloneDX":
        got = f"bomFormat is {short(raw['bomFormat'])}" if "bomFormat" in raw else "it has no bomFormat"
        raise DataError(source, [f"is not a CycloneDX BOM: {got}, expected 'CycloneDX'"])
    version = raw.get("specVersion")
    _check_version(source, version, "specVersion")
    _check_schema(source, str(version), text, xml=False)
    return _through_library(source, str(version), lambda: _from_json(Bom, raw), lambda: _locate_json(raw))


def _load_xml(source: str, text: str) -> Bom:
    try:
        root = cast(Element, SafeElementTree.fromstring(text))
    except ParseError as exc:
        raise DataError(source, [f"is not valid XML: {exc}"]) from None
    except DefusedXmlException:
        raise DataError(
            source, ["is refused: it declares XML entities or a DTD (unsafe to expand; CycloneDX needs none)"]
        ) from None
    match = _XMLNS.fullmatch(root.tag)
    if match is None:
        raise DataError(
            source,
            [
                f"is not a CycloneDX BOM: the root element is {root.tag!r}, expected 'bom' in the "
                "namespace http://cyclonedx.org/schema/bom/1.6 (or 1.4, 1.5)"
            ],
        )
    version = match.group(1)
    _check_version(source, version, "the namespace's version")
    _check_schema(source, version, text, xml=True)
    namespace = f"http://cyclonedx.org/schema/bom/{version}"
    return _through_library(
        source,
        version,
        lambda: _from_xml(Bom, root),
        lambda: _locate_xml(root, namespace),
    )


def _check_schema(source: str, version: str, text: str, *, xml: bool) -> None:
    """The library's schema check (strict for JSON, as the library's own tests use it): the first
    problem, naming where in the BOM and the value."""
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator
    from cyclonedx.validation.xml import XmlValidator

    schema = SchemaVersion.from_version(version)
    validator = XmlValidator(schema) if xml else JsonStrictValidator(schema)
    try:
        with _quiet():
            error = validator.validate_str(text)
    except RecursionError:
        raise DataError(source, ["is nested too deeply to be read"]) from None
    except Exception as exc:  # lxml's own limits (depth, size): one line, no traceback
        if "depth" in str(exc).lower():
            raise DataError(source, ["is nested too deeply to be read"]) from None
        raise DataError(
            source, [f"cannot be checked against the CycloneDX {version} schema: {exc}"]
        ) from None
    if error is None:
        return
    data: Any = error.data
    if xml:
        where, message = f"line {getattr(data, 'line', '?')}", str(getattr(data, "message", data))
    else:
        path = "".join(
            f"[{p}]" if isinstance(p, int) else f".{p}" for p in getattr(data, "absolute_path", ())
        )
        where, message = (path.lstrip(".") or "the top level"), str(getattr(data, "message", data))
    if len(message) > 200:
        message = message[:200] + "..."
    raise DataError(source, [f"fails the CycloneDX {version} schema at {where}: {message}"])


def _from_json(model: type[Any], data: Any) -> Any:
    """``model.from_json(data)``: py-serializable adds the method, which type checkers do not see."""
    return model.from_json(data)


def _from_xml(model: type[Any], data: Element, namespace: str | None = None) -> Any:
    """``model.from_xml(data)``, as :func:`_from_json`."""
    return model.from_xml(data, default_namespace=namespace)


def _check_version(source: str, version: Any, what: str) -> None:
    if version not in VERSIONS:
        took = ", ".join(repr(v) for v in VERSIONS)
        got = f"{what} is {short(version)}" if version is not None else "it has no specVersion"
        raise DataError(source, [f"is not a CycloneDX BOM this reader takes: {got}, expected one of {took}"])


@contextmanager
def _quiet() -> Iterator[None]:
    """The library's warnings (deprecated fields) and log records (its errors, which we reword) off."""
    logger = logging.getLogger("py_serializable")
    propagate = logger.propagate
    logger.propagate = False  # it has a NullHandler of its own
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.propagate = propagate


def _through_library(source: str, version: str, parse: Callable[[], Any], locate: Callable[[], str]) -> Bom:
    """``parse()``'s BOM; whatever the library raises becomes one line naming the entry."""
    try:
        with _quiet():
            bom = parse()
    except RecursionError:
        raise DataError(source, ["is nested too deeply to be read"]) from None
    except Exception as exc:  # the library raises what its models raise: reworded, never shown raw
        try:
            where = locate()
        except RecursionError:
            where = "the BOM"
        raise DataError(
            source, [f"{where}: the CycloneDX library cannot read it as CycloneDX {version}: {_reason(exc)}"]
        ) from None
    if not isinstance(bom, Bom):
        raise DataError(source, [f"the CycloneDX library read no BOM from it (CycloneDX {version})"])
    return bom


def _reason(exc: BaseException) -> str:
    """The innermost error's message, in words an analyst can act on."""
    while exc.__cause__ is not None:
        exc = exc.__cause__
    if isinstance(exc, RecursionError):
        return "nested too deeply"
    lines = str(exc).strip().splitlines()
    text = lines[0] if lines else type(exc).__name__
    missing = re.search(r"(\w+)\.__init__\(\) missing \d+ required (?:\S+ )?arguments?: (.*)", text)
    if missing:
        return f"a {missing.group(1)} without {missing.group(2)}"
    for pattern, expected in _EXPECTED:
        found = re.fullmatch(pattern, text)
        if found:
            got = _JSON_TYPES.get(found.group(1), found.group(1))
            return f"expected {expected}, got {got}"
    return text if len(text) <= 160 else text[:157] + "..."


#: The library's messages when a value is of the wrong kind, and the kind it wanted.
_EXPECTED = (
    (r"'(\w+)' object has no attribute 'items'", "an object"),
    (r"'(\w+)' object is not iterable", "a list"),
    (r"object of type '(\w+)' has no len\(\)", "text"),
)
_JSON_TYPES = {
    "str": "text",
    "int": "a number",
    "float": "a number",
    "bool": "true or false",
    "list": "a list",
    "dict": "an object",
    "NoneType": "null",
}


def _fails(read: Callable[[], object]) -> bool:
    try:
        with _quiet():
            read()
    except Exception:  # whatever the library raises: this part is the culprit
        return True
    return False


def _label(where: str, ref: Any, name: Any) -> str:
    shown = ref if isinstance(ref, str) and ref else name
    return f"{where} {short(shown)}" if isinstance(shown, str) and shown else where


def _locate_json(raw: dict[str, Any]) -> str:
    """The first part of a JSON BOM the library cannot read (``components[1] 'modem'``, ...)."""

    def component(c: Any, where: str) -> str | None:
        if not isinstance(c, dict):
            return where
        if not _fails(lambda: _from_json(Component, c)):
            return None
        nested = c.get("components")
        for j, sub in enumerate(nested if isinstance(nested, list) else ()):
            found = component(sub, f"{where}.components[{j}]")
            if found is not None:
                return found
        return _label(where, c.get("bom-ref"), c.get("name"))

    metadata = raw.get("metadata")
    if isinstance(metadata, dict) and "component" in metadata:
        found = component(metadata["component"], "metadata.component")
        if found is not None:
            return found
    if metadata is not None and _fails(lambda: _from_json(BomMetaData, metadata)):
        return "metadata"
    components = raw.get("components")
    if components is not None and not isinstance(components, list):
        return "components"
    for i, c in enumerate(components or ()):
        found = component(c, f"components[{i}]")
        if found is not None:
            return found
    dependencies = raw.get("dependencies")
    if dependencies is not None and not isinstance(dependencies, list):
        return "dependencies"
    for i, d in enumerate(dependencies or ()):
        if not isinstance(d, dict) or _fails(partial(_from_json, Dependency, d)):
            return _label(f"dependencies[{i}]", d.get("ref") if isinstance(d, dict) else None, None)
    return "the BOM"


def _locate_xml(root: Element, namespace: str) -> str:
    """The first part of an XML BOM the library cannot read (``components[1] 'modem'``, ...)."""

    def tag(name: str) -> str:
        return f"{{{namespace}}}{name}"

    def component(e: Element, where: str) -> str | None:
        if not _fails(lambda: _from_xml(Component, e, namespace)):
            return None
        for j, sub in enumerate(e.findall(f"{tag('components')}/{tag('component')}")):
            found = component(sub, f"{where}.components[{j}]")
            if found is not None:
                return found
        return _label(where, e.get("bom-ref"), e.findtext(tag("name")))

    metadata = root.find(tag("metadata"))
    if metadata is not None:
        product = metadata.find(tag("component"))
        if product is not None:
            found = component(product, "metadata.component")
            if found is not None:
                return found
        if _fails(lambda: _from_xml(BomMetaData, metadata, namespace)):
            return "metadata"
    for i, c in enumerate(root.findall(f"{tag('components')}/{tag('component')}")):
        found = component(c, f"components[{i}]")
        if found is not None:
            return found
    for i, d in enumerate(root.findall(f"{tag('dependencies')}/{tag('dependency')}")):
        if _fails(partial(_from_xml, Dependency, d, namespace)):
            return _label(f"dependencies[{i}]", d.get("ref"), None)
    return "the BOM"


# -- our properties -----------------------------------------------------------------------------


def _present(value: str) -> str:
    if not value:
        raise ValueError("has no value")
    return value


def _eccn(value: str) -> str:
    if not ECCN.match(_present(value)):
        raise ValueError("must be an ECCN such as '5A992' or 'EAR99'")
    return value


def _code(value: str) -> str:
    if not re.fullmatch(r"[A-Za-z]{2}", _present(value)):
        raise ValueError("must be an ISO 3166 alpha-2 country code such as 'US'")
    return value.upper()


def _share(value: str) -> float:
    _present(value)
    try:
        share = float(value)
    except ValueError:
        share = math.nan
    if not 0.0 <= share <= 1.0:  # NaN fails too
        raise ValueError("must be a number from 0 to 1 (0.25 for 25%)")
    return share


def _flag(value: str) -> bool:
    if _present(value).lower() not in ("true", "false"):
        raise ValueError("must be true or false")
    return value.lower() == "true"


def _ids(value: str) -> tuple[str, ...]:
    ids = tuple(part.strip() for part in _present(value).split(",") if part.strip())
    if not ids:
        raise ValueError("must name components: bom-refs or ids, separated by commas")
    return ids


#: Our properties: name after ``graphlib-trade:`` -> how its value reads.
_PROPERTIES: dict[str, Callable[[str], Any]] = {
    "eccn": _eccn,
    "origin": _code,
    "us_content": _share,
    "us_direct_product": _flag,
    "publicly_available": _flag,
    "required": _flag,
    "alternatives": _ids,
}
#: Properties of a BOM entry, given on its component (not on the product).
_ENTRY_PROPERTIES = ("required", "alternatives")
#: Item fields in the order they are written (after id, name, maker, origin).
_ITEM_FIELDS = ("eccn", "us_content", "us_direct_product", "publicly_available")


def _properties(c: Component, who: str, product: bool, problems: list[str]) -> dict[str, Any]:
    """Our fields from ``c``'s properties; each bad one appended to ``problems``, naming ``who``."""
    given: dict[str, str] = {}
    for prop in c.properties:
        name = prop.name or ""
        if not name.startswith(f"{NAMESPACE}:"):
            continue
        key = name.removeprefix(f"{NAMESPACE}:")
        value = (prop.value or "").strip()
        where = f"{who}: property {name!r}"
        if key not in _PROPERTIES:
            known = ", ".join(f"{NAMESPACE}:{k}" for k in _PROPERTIES)
            problems.append(f"{where}: unknown (expected one of: {known})")
        elif product and key in _ENTRY_PROPERTIES:
            problems.append(f"{where}: belongs on a component (its BOM entries), not on metadata.component")
        elif key in given and given[key] != value:
            problems.append(f"{where}: given twice, {given[key]!r} and {value!r}")
        else:
            given[key] = value
    fields: dict[str, Any] = {}
    for key, value in given.items():
        try:
            fields[key] = _PROPERTIES[key](value)
        except ValueError as exc:
            problems.append(f"{who}: property '{NAMESPACE}:{key}': {exc}, got {value!r}")
    return fields


# -- the mapping --------------------------------------------------------------------------------


def _component_id(c: Component) -> str:
    """The ``bom-ref``, else ``slug(name)@version`` (dots kept in the version)."""
    if c.bom_ref.value:
        return c.bom_ref.value
    name = c.name or ""
    base = slug(name) or name.strip()
    if c.version:
        return f"{base}@{slug(c.version, keep='.') or c.version.strip()}"
    return base


def _walk(components: Any, parent: str | None) -> Iterator[tuple[Component, str | None]]:
    """Every component at any depth, with the id of the component enclosing it (None: top level)."""
    stack: list[tuple[Component, str | None]] = [(c, parent) for c in reversed(components)]
    while stack:
        c, enclosing = stack.pop()
        yield c, enclosing
        stack.extend((sub, _component_id(c)) for sub in reversed(c.components))


class _Reader:
    """One BOM's sections and warnings, built in one pass over the library's model."""

    def __init__(self, source: str, bom: Bom) -> None:
        self.source = source
        self.bom = bom
        self.warnings: list[str] = []
        self.problems: list[str] = []
        #: Company id -> [name, country or None], for every organisation met.
        self.companies: dict[str, list[str | None]] = {}
        self.said: set[str] = set()

    def warn(self, line: str) -> None:
        if line not in self.said:
            self.said.add(line)
            self.warnings.append(line)

    def read(self) -> Imported:
        metadata = self.bom.metadata
        product = metadata.component
        product_id = _component_id(product) if product is not None else None
        product_fields = (
            _properties(product, f"metadata.component {product_id!r}", True, self.problems) if product else {}
        )

        nodes = list(_walk(self.bom.components, None))
        if product is not None:
            nodes += list(_walk(product.components, product_id))
        by_id: dict[str, tuple[Component, dict[str, Any]]] = {}
        parents: list[tuple[str, str]] = []  # (parent, component) by nesting
        top: list[str] = []
        for c, parent in nodes:
            cid = _component_id(c)
            if not cid:
                self.problems.append(
                    f"component {short(c.name)}: has no bom-ref and no name to make an id of"
                )
                continue
            if cid == product_id:
                self.warn(f"component {cid!r}: is metadata.component itself: kept as the product only")
                continue
            fields = _properties(c, f"component {cid!r}", False, self.problems)
            if cid in by_id and _differs(by_id[cid], (c, fields)):
                self.problems.append(
                    f"component {cid!r}: two different components have this id (bom-refs are unique in a "
                    "BOM; without one the id is name@version): give each its own bom-ref"
                )
            by_id.setdefault(cid, (c, fields))
            if parent is not None:
                parents.append((parent, cid))
            elif product_id is not None:
                top.append(cid)
        if self.problems:  # a component met twice (nested in two places) is named once
            raise DataError(self.source, list(dict.fromkeys(self.problems)))

        products = self._product(product, product_id, product_fields)
        components: list[dict[str, Any]] = []
        supplies: set[tuple[str, str]] = set()
        referenced: set[str] = {p["maker"] for p in products}
        for cid in sorted(by_id):
            c, fields = by_id[cid]
            entry, supplier = self._component(cid, c, fields)
            if entry is not None:
                components.append(entry)
            if supplier is not None:
                supplies.add((supplier, cid))
                referenced.add(supplier)
        bom = self._bom(product_id, by_id, parents, top)
        return Imported(
            sections={
                "companies": self._companies(referenced),
                "components": components,
                "products": products,
                "supplies": [{"supplier": s, "component": c} for s, c in sorted(supplies)],
                "bom": bom,
            },
            warnings=tuple(self.warnings),
        )

    def _company(self, entity: OrganizationalEntity | None, role: str) -> tuple[str | None, str | None]:
        """The company id of ``entity`` and its own country (None, None: no entity or no name)."""
        if entity is None:
            return None, None
        name = (entity.name or "").strip()
        if not name:
            self.warn(f"{role} has no name: left aside")
            return None, None
        kid = slug(name) or name
        raw = entity.address.country if entity.address is not None else None
        text = str(raw).strip() if raw is not None else ""
        country = text.upper() if re.fullmatch(r"[A-Za-z]{2}", text) else None
        if text and country is None:
            self.warn(
                f"company {kid!r} ({name}): address.country {text!r} is not an ISO 3166 alpha-2 code "
                "such as 'US': country unknown"
            )
        known = self.companies.setdefault(kid, [name, country])
        if known[1] is None:
            known[1] = country
        elif country is not None and country != known[1]:
            self.warn(
                f"company {kid!r} ({name}): address.country is {known[1]!r} in one entry and "
                f"{country!r} in another: {known[1]!r} kept"
            )
        return kid, country

    def _product(
        self, product: Component | None, pid: str | None, fields: dict[str, Any]
    ) -> list[dict[str, Any]]:
        if product is None or pid is None:
            self.warn(
                "no metadata.component: the BOM names no product (define the products in your data file)"
            )
            return []
        metadata = self.bom.metadata
        maker = None
        for entity, role in (
            (product.manufacturer, "metadata.component.manufacturer"),
            (metadata.manufacture, "metadata.manufacture"),
            (metadata.manufacturer, "metadata.manufacturer"),
            (product.supplier, "metadata.component.supplier"),
            (metadata.supplier, "metadata.supplier"),
        ):
            maker, _ = self._company(entity, role)
            if maker is not None:
                break
        if maker is None:
            self.warn(
                f"product {pid!r}: no manufacturer nor supplier with a name: left out of products "
                f"(define product {pid!r} in your data file)"
            )
            return []
        entry: dict[str, Any] = {"id": pid, "name": product.name, "maker": maker}
        if "origin" in fields:
            entry["origin"] = fields["origin"]
        return [_with_item_fields(entry, fields)]

    def _component(
        self, cid: str, c: Component, fields: dict[str, Any]
    ) -> tuple[dict[str, Any] | None, str | None]:
        """The component's entry (None: origin unknown) and its supplier's company id (None: none)."""
        maker, maker_country = self._company(c.manufacturer, f"the manufacturer of component {cid!r}")
        seller, seller_country = self._company(c.supplier, f"the supplier of component {cid!r}")
        origin = fields.get("origin") or maker_country or seller_country
        supplier = seller or maker
        if supplier is None:
            self.warn(
                f"component {cid!r}: no supplier nor manufacturer: no supply written "
                f"(add a supplies entry for {cid!r} in your data file)"
            )
        if origin is None:
            self.warn(
                f"component {cid!r}: origin unknown (no {NAMESPACE}:origin property, no manufacturer or "
                f"supplier country): left out of components (define component {cid!r} in your data file, "
                "or give the property)"
            )
            return None, supplier
        return _with_item_fields({"id": cid, "name": c.name, "origin": origin}, fields), supplier

    def _bom(
        self,
        product_id: str | None,
        by_id: dict[str, tuple[Component, dict[str, Any]]],
        nested: list[tuple[str, str]],
        top: list[str],
    ) -> list[dict[str, Any]]:
        known = set(by_id) | ({product_id} if product_id is not None else set())
        pairs = set(nested)
        unknown: set[str] = set()
        product_listed = False
        for d in self.bom.dependencies:
            ref = d.ref.value or ""
            children = [dd.ref.value or "" for dd in d.dependencies]
            product_listed |= ref == product_id and bool(children)
            for name in (ref, *children):
                if name not in known:
                    unknown.add(name)
            if ref in known:
                pairs.update((ref, child) for child in children if child in known)
        for name in sorted(unknown):
            self.warn(
                f"dependencies: {name!r} is not a component of this file (a service, or a ref to "
                "nothing): its dependencies are left out"
            )
        if product_id is not None and not product_listed:
            pairs.update((product_id, cid) for cid in top)
        placed = {name for pair in pairs for name in pair}
        entries: list[dict[str, Any]] = []
        for parent, child in sorted(pairs):
            entry: dict[str, Any] = {"parent": parent, "component": child}
            fields = by_id[child][1] if child in by_id else {}
            if fields.get("required") is False:
                entry["required"] = False
            if fields.get("alternatives"):
                entry["alternatives"] = list(fields["alternatives"])
            entries.append(entry)
        for cid in sorted(by_id):
            alternatives = by_id[cid][1].get("alternatives", ())
            placed.update(alternatives)
            for alt in alternatives:
                if alt not in by_id:
                    self.warn(
                        f"component {cid!r}: alternative {alt!r} is not a component of this file "
                        "(define it in your data file)"
                    )
        for cid in sorted(by_id):
            if cid not in placed:
                self.warn(f"component {cid!r}: in no bill of materials (no dependency or nesting names it)")
        return entries

    def _companies(self, referenced: set[str]) -> list[dict[str, Any]]:
        entries = []
        for kid in sorted(referenced):
            name, country = self.companies[kid]
            if country is None:
                self.warn(
                    f"company {kid!r} ({name}): country unknown (no two-letter address.country): left out "
                    f"of companies (define company {kid!r} in your data file)"
                )
                continue
            entries.append({"id": kid, "name": name, "country": country})
        return entries


def _with_item_fields(entry: dict[str, Any], fields: dict[str, Any]) -> dict[str, Any]:
    """``entry`` with the item fields of ``fields`` that are not the defaults."""
    for key in _ITEM_FIELDS:
        if key in fields and fields[key] is not False:
            entry[key] = fields[key]
    return entry


def _differs(a: tuple[Component, dict[str, Any]], b: tuple[Component, dict[str, Any]]) -> bool:
    """Whether two components given the same id say different things (a repeat is kept once)."""

    def said(c: Component) -> tuple[Any, ...]:
        entities = (c.supplier, c.manufacturer)
        return (
            c.name,
            tuple((e.name, e.address.country if e and e.address else None) if e else None for e in entities),
        )

    return said(a[0]) != said(b[0]) or a[1] != b[1]
