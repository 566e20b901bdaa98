// Pull services as data-file entries.
MATCH (s:Company)-[r:SERVES]->(p:Product)
RETURN properties(r) AS props, s.id AS provider, p.id AS product
ORDER BY provider, product, r.kind
