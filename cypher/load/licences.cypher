// Load licences and the restriction each one lifts: (:Licence)-[:LICENSES]->(:Restriction).
UNWIND $rows AS row
MERGE (n:Licence {id: row.id})
SET n += row.props, n.load_stamp = $stamp
WITH n, row
MATCH (res:Restriction {id: row.restriction})
MERGE (n)-[r:LICENSES]->(res)
SET r.load_stamp = $stamp
