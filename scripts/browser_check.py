"""Check Neo4j Browser on the local server in a real headless Chromium.

Runs on the demo's own local instance (``run-demo``, Bolt 7690, Browser 7477), never on the
analyst's.  Loads the Huawei case, writes back the statuses of 15 Sep 2020, logs in to Browser,
applies ``cypher/browser/style.grass``, runs ``01_impact_overview.cypher`` and then:

* counts the product and end-user circles Browser drew in each status colour and
  compares them with the statuses graphlib-trade computed (exit 1 when they differ);
* saves a screenshot to ``out/browser-huawei.png`` for a person to look at.

Needs Debian's ``chromium`` (``apt-get install chromium``) and the ``playwright``
package (its bundled driver only; no browser download).  Run by ``make browser-check``.
The password is typed into the form and never printed.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GT = str(ROOT / ".venv" / "bin" / "graphlib-trade")
DATA = str(ROOT / "fixtures" / "huawei_2019.yaml")
AS_OF = "2020-09-15"
OUT = ROOT / "out" / "browser-huawei.png"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def grass_colours() -> dict[str, str]:
    """Status -> fill colour, read from the style file."""
    text = (ROOT / "cypher" / "browser" / "style.grass").read_text()
    names = {
        "ImpactBlocked": "blocked",
        "ImpactExposed": "exposed",
        "ImpactDegraded": "degraded",
        "ImpactAtRisk": "at_risk",
        "ImpactOk": "ok",
    }
    out = {}
    for label, status in names.items():
        block = re.search(r"node\." + label + r"\s*\{([^}]*)\}", text)
        assert block, label
        colour = re.search(r"(?<!-)color:\s*(#[0-9A-Fa-f]{6})", block.group(1))
        assert colour, label
        out[status] = colour.group(1).lower()
    return out


#: The demo's own instance: the analyst's graph (instance ``run``, 7687/7474) is never touched.
DEMO = {
    "GRAPHLIB_TRADE_NEO4J_INSTANCE": "run-demo",
    "GRAPHLIB_TRADE_BOLT_PORT": "7690",
    "GRAPHLIB_TRADE_HTTP_PORT": "7477",
}


def main() -> int:
    if os.environ.get("NEO4J_URI"):
        print("browser-check runs on its own local instance: unset NEO4J_URI", file=sys.stderr)
        return 2
    os.environ.update(DEMO)
    from graphlib_trade.store import LocalServer

    server = LocalServer.from_env()
    subprocess.run([GT, "server", "start"], check=True)
    subprocess.run([GT, "load", DATA, "--replace"], check=True)
    result = subprocess.run(
        [GT, "impact", "--as-of", AS_OF, "--write-back", "--format", "json"],
        check=True,
        capture_output=True,
        text=True,
    )
    impact = json.loads(result.stdout)
    expected = Counter(p["status"] for p in impact["products"]) + Counter(
        u["status"] for u in impact["end_users"]
    )

    from playwright.sync_api import sync_playwright

    password = server.password() or ""
    grass = " ".join((ROOT / "cypher" / "browser" / "style.grass").read_text().split())
    query = " ".join(
        line
        for line in (ROOT / "cypher" / "browser" / "01_impact_overview.cypher").read_text().splitlines()
        if not line.startswith("//")
    )
    OUT.parent.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        page = browser.new_page(viewport={"width": 1600, "height": 1000})
        page.goto(server.browser_url)
        page.wait_for_selector("[data-testid=connect]", timeout=60_000)
        page.select_option("select", "bolt://")
        page.fill("[data-testid=boltaddress]", f"127.0.0.1:{server.bolt_port}")
        page.fill("[data-testid=username]", "neo4j")
        page.fill("[data-testid=password]", password)
        page.click("[data-testid=connect]")
        page.wait_for_selector("text=You are connected as user", timeout=60_000)

        def run(command: str) -> None:
            page.click("[data-testid=activeEditor]")
            page.keyboard.insert_text(command)
            page.keyboard.press("Control+Enter")
            page.wait_for_timeout(2500)

        run(f":style {grass}")
        run(query)
        page.wait_for_selector("svg .node", timeout=60_000)
        page.wait_for_timeout(6000)  # let the force layout settle
        fills = [c.get_attribute("fill") or "" for c in page.query_selector_all("svg .node circle.b-outline")]
        page.screenshot(path=str(OUT))
        browser.close()

    colour_to_status = {v: k for k, v in grass_colours().items()}
    drawn = Counter(colour_to_status[f.lower()] for f in fills if f.lower() in colour_to_status)
    print(f"Screenshot: {OUT}")
    print(f"Drawn by status colour: {dict(sorted(drawn.items()))}")
    print(f"Computed statuses:      {dict(sorted(expected.items()))}")
    if drawn != expected:
        print("MISMATCH: Browser's colours do not match the computed statuses", file=sys.stderr)
        return 1
    print("Browser shows every product and end user in the colour of its status.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
