// Load end users: one node per end user, merged on id.
UNWIND $rows AS row
MERGE (n:EndUser {id: row.id})
SET n += row.props, n.load_stamp = $stamp
