#!/usr/bin/env bash
# The Huawei 2019 case end to end through Neo4j: load, impact over time, what-if, write-back,
# explain, rank, timeline, scenario files and pictures.
# Uses NEO4J_URI/NEO4J_USER/NEO4J_PASSWORD when set, else starts the local server.
set -euo pipefail
cd "$(dirname "$0")/.."
GT=.venv/bin/graphlib-trade
DATA=fixtures/huawei_2019.yaml
export COLUMNS="${COLUMNS:-150}"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

if [ -z "${NEO4J_URI:-}" ]; then
  step "Neo4j: local server (Neo4j Community from Maven Central)"
  $GT server start
else
  step "Neo4j: using NEO4J_URI=${NEO4J_URI}"
fi

step "Validate and load the Huawei 2019 case into Neo4j (idempotent; --replace keeps it exact)"
$GT validate "$DATA"
$GT load "$DATA" --replace

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
  cat <<TXT
Open http://127.0.0.1:7474/browser/ and connect to bolt://127.0.0.1:7687 as user neo4j;
the password is in neo4j/run/password (readable only by you).  The statuses of 15 Sep 2020
are written on the nodes (impact_status): paste the queries from cypher/browser/ and drag
cypher/browser/style.grass onto Browser to colour them.  Stop the server with: make neo4j-stop
TXT
else
  echo "Open Neo4j Browser on your server; the statuses are on the nodes as impact_status."
fi
