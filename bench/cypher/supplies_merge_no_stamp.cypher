// Variant of cypher/load/supplies.cypher without the load stamp (what the SET costs).
UNWIND $rows AS row
MATCH (s:Company {id: row.supplier}), (c:Component {id: row.component})
MERGE (s)-[:SUPPLIES]->(c)
