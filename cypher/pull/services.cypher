// Pull services as data-file entries.
MATCH (s:Company)-[r:SERVES]->(p:Product)
RETURN s.id AS provider, p.id AS product, r.kind AS kind
ORDER BY provider, product, kind
