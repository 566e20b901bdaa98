// Load components: one node per component, merged on id.
UNWIND $rows AS row
MERGE (n:Component {id: row.id})
SET n += row.props, n.load_stamp = $stamp
