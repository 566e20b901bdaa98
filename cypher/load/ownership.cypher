// Load ownership: (:Company)-[:OWNS {share}]->(:Company).
UNWIND $rows AS row
MATCH (owner:Company {id: row.owner}), (owned:Company {id: row.owned})
MERGE (owner)-[r:OWNS]->(owned)
SET r += row.props, r.load_stamp = $stamp
