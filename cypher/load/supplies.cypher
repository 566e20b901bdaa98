// Load supplies: (:Company)-[:SUPPLIES {via}]->(:Component).
UNWIND $rows AS row
MATCH (s:Company {id: row.supplier}), (c:Component {id: row.component})
MERGE (s)-[r:SUPPLIES]->(c)
SET r += row.props, r.load_stamp = $stamp
