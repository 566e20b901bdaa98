// Write impact results onto end users, for colouring and filtering in Neo4j Browser.
// Properties: impact_status, impact_as_of, impact_via; one status label as for products.
UNWIND $rows AS row
MATCH (n:EndUser {id: row.id})
REMOVE n:ImpactBlocked:ImpactExposed:ImpactDegraded:ImpactAtRisk:ImpactOk
SET n.impact_status = row.status,
    n.impact_as_of = row.as_of,
    n.impact_via = row.via
FOREACH (_ IN CASE WHEN row.status = 'blocked' THEN [1] ELSE [] END | SET n:ImpactBlocked)
FOREACH (_ IN CASE WHEN row.status = 'exposed' THEN [1] ELSE [] END | SET n:ImpactExposed)
FOREACH (_ IN CASE WHEN row.status = 'degraded' THEN [1] ELSE [] END | SET n:ImpactDegraded)
FOREACH (_ IN CASE WHEN row.status = 'at_risk' THEN [1] ELSE [] END | SET n:ImpactAtRisk)
FOREACH (_ IN CASE WHEN row.status = 'ok' THEN [1] ELSE [] END | SET n:ImpactOk)
