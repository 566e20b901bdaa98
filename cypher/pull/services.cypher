// Pull services as data-file entries.
MATCH (s:Company)-[r:SERVES]->(p:Product)
WITH properties(r) AS props, s.id AS provider, p.id AS product
ORDER BY provider, product, r.kind
// One wide record (fewer, wider records: the driver decodes them three times faster).
RETURN collect({props: props, provider: provider, product: product}) AS rows
