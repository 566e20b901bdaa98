// Load restrictions, their named parties (companies or end users) and their list:
// (:Restriction)-[:TARGETS]->(:Company|:EndUser), (:Restriction)-[:ON_LIST]->(:RestrictionList).
UNWIND $rows AS row
MERGE (n:Restriction {id: row.id})
SET n += row.props, n.load_stamp = $stamp
WITH n, row
CALL {
  WITH n, row
  UNWIND row.targets AS target
  OPTIONAL MATCH (c:Company {id: target})
  OPTIONAL MATCH (u:EndUser {id: target})
  WITH n, coalesce(c, u) AS party
  WHERE party IS NOT NULL
  MERGE (n)-[r:TARGETS]->(party)
  SET r.load_stamp = $stamp
}
CALL {
  WITH n, row
  MATCH (l:RestrictionList {id: row.list})
  MERGE (n)-[r:ON_LIST]->(l)
  SET r.load_stamp = $stamp
}
