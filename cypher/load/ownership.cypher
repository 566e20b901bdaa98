// Load ownership: (:Company)-[:OWNS {share, valid_from, valid_until}]->(:Company).  One owner
// may hold the same company in several windows (a holding sold, then bought back): a holding is
// known by its owner, the company and its first day.
UNWIND $rows AS row
MATCH (owner:Company {id: row.owner}), (owned:Company {id: row.owned})
// The owner's write lock, held to the end of the transaction, before the holding is looked for:
// two loads at once would each find none and each create it (MERGE locks so; a look-up and a
// CREATE do not).  A deadlock between two loads is retried by the driver.
SET owner._locked = true
REMOVE owner._locked
WITH owner, owned, row
OPTIONAL MATCH (owner)-[old:OWNS]->(owned)
  WHERE coalesce(old.valid_from, date({year: 1})) = coalesce(row.props.valid_from, date({year: 1}))
WITH owner, owned, row, head(collect(old)) AS found
CALL {
  WITH owner, owned, found
  WITH owner, owned, found WHERE found IS NULL
  CREATE (owner)-[r:OWNS]->(owned)
  RETURN r
  UNION
  WITH found
  WITH found WHERE found IS NOT NULL
  RETURN found AS r
}
SET r += row.props, r.load_stamp = $stamp
