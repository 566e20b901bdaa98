// The load query over all rows at once, batched and run in parallel by the server (Neo4j 5.21+).
UNWIND $rows AS row
CALL (row) {
  MATCH (s:Company {id: row.supplier}), (c:Component {id: row.component})
  MERGE (s)-[r:SUPPLIES]->(c)
  SET r.load_stamp = $stamp
} IN CONCURRENT TRANSACTIONS OF 5000 ROWS
