#!/usr/bin/env bash
# The Huawei 2019 case end to end through Neo4j: load, impact over time, what-if, write-back,
# explain, rank, timeline, scenario files and pictures.
# It never touches the analyst's own graph: without NEO4J_URI it runs its own local instance
# (run-demo, Bolt 7690, Browser 7477); with NEO4J_URI it loads only into an empty database.
set -euo pipefail
cd "$(dirname "$0")/.."
GT=.venv/bin/graphlib-trade
DATA=fixtures/huawei_2019.yaml
export COLUMNS="${COLUMNS:-150}"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

if [ -z "${NEO4J_URI:-}" ]; then
  export GRAPHLIB_TRADE_NEO4J_INSTANCE=run-demo GRAPHLIB_TRADE_BOLT_PORT=7690 GRAPHLIB_TRADE_HTTP_PORT=7477
  step "Neo4j: the demo's own local instance (Neo4j Community from Maven Central; yours is left alone)"
  $GT server start
  LOAD=(--replace)  # its own instance: replacing the demo's previous load is safe
else
  step "Neo4j: using NEO4J_URI=${NEO4J_URI} (the demo loads only into an empty database)"
  LOAD=(--empty-only)
fi

step "Validate and load the Huawei 2019 case into Neo4j (idempotent)"
$GT validate "$DATA"
$GT load "$DATA" "${LOAD[@]}"

step "16 May 2019: Huawei and affiliates on the Entity List, before any licence (read from Neo4j)"
$GT impact --as-of 2019-05-17

step "20 May 2019: the Temporary General License keeps existing handsets and networks updated"
$GT impact --as-of 2019-05-20

step "What-if on 20 May 2019: Google stops supplying and serving altogether (a disruption)"
$GT whatif --as-of 2019-05-20 --drop-supplier google

step "20 Nov 2019: Microsoft's licence brings back Windows updates for the MateBook installed base (CSV)"
$GT impact --as-of 2019-11-20 --format csv | grep -E '^(type|product,matebook)'

step "15 Sep 2020: the Foreign Direct Product Rule cuts HiSilicon off from TSMC (multi-tier)"
$GT impact --as-of 2020-09-15 --write-back

step "What-if on 1 Jun 2019: a licence for Qorvo, Skyworks, Qualcomm, Broadcom, Cirrus and Corning parts"
$GT whatif --as-of 2019-06-01 --grant 'qorvo:*:huawei-device' --grant 'skyworks:*:huawei-device' \
  --grant 'qualcomm:*:huawei-device' --grant 'broadcom:*:huawei-device' \
  --grant 'cirrus-logic:*:huawei-device' --grant 'corning:*:huawei-device'

step "Why is the Skyworth set-top box (a non-Huawei product) blocked on 15 Sep 2020?"
$GT explain skyworth-stb --as-of 2020-09-15

step "Who matters most on 1 Jun 2019: suppliers by what would be lost without them (or if listed)"
$GT rank suppliers --as-of 2019-06-01 --top 8

step "Every date on which a status changes, with licence expiry warnings"
$GT timeline

step "Two scenarios kept as files, compared on 15 Sep 2020: a Google licence vs. a TGL extension"
$GT diff fixtures/scenarios/google_licence.yaml fixtures/scenarios/tgl_extended.yaml

step "Briefing material: a picture of 15 Sep 2020 and an HTML report of a scenario"
mkdir -p out
$GT impact --as-of 2020-09-15 --format svg -o out/impact-2020-09-15.svg
$GT whatif --scenario fixtures/scenarios/no_fdpr_second_source.yaml --format html -o out/scenario-no-fdpr.html

step "Explore it in Neo4j Browser"
if [ -z "${NEO4J_URI:-}" ]; then
  PASSWORD_FILE=$($GT server status --password-file)
  cat <<TXT
Open http://127.0.0.1:7477/browser/ and connect to bolt://127.0.0.1:7690 as user neo4j;
the password is in $PASSWORD_FILE (readable only by you).  The statuses of 15 Sep 2020
are written on the nodes (impact_status): paste the queries from cypher/browser/ and drag
cypher/browser/style.grass onto Browser to colour them.  This is the demo's own instance;
stop it with: GRAPHLIB_TRADE_NEO4J_INSTANCE=run-demo GRAPHLIB_TRADE_BOLT_PORT=7690 $GT server stop
TXT
else
  echo "Open Neo4j Browser on your server; the statuses are on the nodes as impact_status."
fi
