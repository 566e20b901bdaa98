// PROFILE of one batch of the load query: database hits per row.
PROFILE UNWIND $rows AS row
MATCH (s:Company {id: row.supplier}), (c:Component {id: row.component})
MERGE (s)-[r:SUPPLIES]->(c)
SET r.load_stamp = $stamp
