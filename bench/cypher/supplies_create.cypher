// Variant with CREATE: not idempotent (a re-run duplicates), the floor of a Cypher write of these rows.
UNWIND $rows AS row
MATCH (s:Company {id: row.supplier}), (c:Component {id: row.component})
CREATE (s)-[:SUPPLIES]->(c)
