// Where a classification would change the answer: products whose written-back impact rests on
// items without an ECCN under a restriction scoped by classification (impact_unclassified > 0),
// with the parts below them that carry no ECCN.
MATCH (p:Product)
WHERE p.impact_unclassified > 0
MATCH (c:Component)-[:PART_OF*1..8]->(p)
WHERE c.eccn IS NULL
RETURN p.id AS product, p.impact_status AS status, p.impact_unclassified AS causes,
       collect(DISTINCT c.id) AS unclassified_parts
ORDER BY product
