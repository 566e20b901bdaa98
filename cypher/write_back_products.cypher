// Write impact results onto products, for colouring and filtering in Neo4j Browser.
UNWIND $rows AS row
MATCH (n:Product {id: row.id})
SET n.impact_status = row.status,
    n.impact_as_of = row.as_of,
    n.impact_without_licences = row.without_licences,
    n.impact_restrictions = row.restrictions,
    n.impact_suppliers = row.suppliers,
    n.impact_lost = row.lost,
    n.impact_relies_on = row.relies_on
