// Load services: (:Company)-[:SERVES {kind, eccn}]->(:Product), one relationship per kind.
UNWIND $rows AS row
MATCH (s:Company {id: row.provider}), (p:Product {id: row.product})
MERGE (s)-[r:SERVES {kind: row.kind}]->(p)
SET r += row.props, r.load_stamp = $stamp
