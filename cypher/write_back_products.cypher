// Write impact results onto products, for colouring and filtering in Neo4j Browser.
// Properties: impact_status, impact_as_of, impact_without_licences, impact_restrictions,
// impact_suppliers, impact_lost, impact_relies_on, impact_unclassified (causes resting on an item
// without an ECCN under a scoped restriction), impact_review_policies.  One status label (ImpactBlocked,
// ImpactExposed, ImpactDegraded, ImpactAtRisk, ImpactOk) so that style.grass can colour it.
UNWIND $rows AS row
MATCH (n:Product {id: row.id})
REMOVE n:ImpactBlocked:ImpactExposed:ImpactDegraded:ImpactAtRisk:ImpactOk
SET n.impact_status = row.status,
    n.impact_as_of = row.as_of,
    n.impact_without_licences = row.without_licences,
    n.impact_restrictions = row.restrictions,
    n.impact_suppliers = row.suppliers,
    n.impact_lost = row.lost,
    n.impact_relies_on = row.relies_on,
    n.impact_unclassified = row.unclassified,
    n.impact_review_policies = row.review_policies
FOREACH (_ IN CASE WHEN row.status = 'blocked' THEN [1] ELSE [] END | SET n:ImpactBlocked)
FOREACH (_ IN CASE WHEN row.status = 'exposed' THEN [1] ELSE [] END | SET n:ImpactExposed)
FOREACH (_ IN CASE WHEN row.status = 'degraded' THEN [1] ELSE [] END | SET n:ImpactDegraded)
FOREACH (_ IN CASE WHEN row.status = 'at_risk' THEN [1] ELSE [] END | SET n:ImpactAtRisk)
FOREACH (_ IN CASE WHEN row.status = 'ok' THEN [1] ELSE [] END | SET n:ImpactOk)
