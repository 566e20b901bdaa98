// Pull BOM entries (parent is a product or a component) as data-file entries.
MATCH (c:Component)-[r:PART_OF]->(p)
WHERE p:Product OR p:Component
RETURN properties(r) AS props, p.id AS parent, c.id AS component
ORDER BY parent, component
