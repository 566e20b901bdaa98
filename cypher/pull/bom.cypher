// Pull BOM entries (parent is a product or a component) as data-file entries.
MATCH (c:Component)-[r:PART_OF]->(p)
WHERE p:Product OR p:Component
RETURN p.id AS parent, c.id AS component, r.required AS required, r.alternatives AS alternatives,
       r.value AS value, r.note AS note
ORDER BY parent, component
