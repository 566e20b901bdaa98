// Write impact results onto end users, for colouring and filtering in Neo4j Browser.
UNWIND $rows AS row
MATCH (n:EndUser {id: row.id})
SET n.impact_status = row.status,
    n.impact_as_of = row.as_of,
    n.impact_via = row.via
