// After a bulk import: restrictions whose origins list is empty (neo4j-admin stores no property
// for an empty array, which would read back as the default ["US"]).
UNWIND $rows AS row
MATCH (n:Restriction {id: row.id})
SET n.origins = []
