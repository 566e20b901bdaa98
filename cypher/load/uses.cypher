// Load uses: (:EndUser)-[:USES]->(:Product).
UNWIND $rows AS row
MATCH (u:EndUser {id: row.user}), (p:Product {id: row.product})
MERGE (u)-[r:USES]->(p)
SET r.load_stamp = $stamp
