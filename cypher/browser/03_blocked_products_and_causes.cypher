// Blocked and exposed products, the restrictions that cause it, and the suppliers named
// as causes (impact_suppliers), with the parts they supply into the product's BOM.
MATCH (p:Product)
WHERE p.impact_status IN ['blocked', 'exposed']
MATCH (r:Restriction) WHERE r.id IN p.impact_restrictions
MATCH (s:Company) WHERE s.id IN p.impact_suppliers
OPTIONAL MATCH path = (s)-[:SUPPLIES]->(:Component)-[:PART_OF*1..6]->(p)
RETURN p, r, s, path
