// Load the lists restrictions belong to (the Entity List, ...): one node per list, merged on id.
UNWIND $rows AS row
MERGE (n:RestrictionList {id: row.id})
SET n += row.props, n.load_stamp = $stamp
