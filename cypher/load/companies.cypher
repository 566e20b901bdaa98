// Load companies: one node per company, merged on id.
UNWIND $rows AS row
MERGE (n:Company {id: row.id})
SET n += row.props, n.load_stamp = $stamp
