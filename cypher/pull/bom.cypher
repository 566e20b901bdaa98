// Pull BOM entries (parent is a product or a component) as data-file entries.
MATCH (c:Component)-[r:PART_OF]->(p)
WHERE p:Product OR p:Component
WITH properties(r) AS props, p.id AS parent, c.id AS component
ORDER BY parent, component
// One wide record (fewer, wider records: the driver decodes them three times faster).
RETURN collect({props: props, parent: parent, component: component}) AS rows
