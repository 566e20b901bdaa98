// Load restrictions and their listed parties: (:Restriction)-[:TARGETS]->(:Company).
UNWIND $rows AS row
MERGE (n:Restriction {id: row.id})
SET n += row.props, n.load_stamp = $stamp
WITH n, row
UNWIND row.targets AS target
MATCH (c:Company {id: target})
MERGE (n)-[r:TARGETS]->(c)
SET r.load_stamp = $stamp
