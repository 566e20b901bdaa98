// Pull ownership as data-file entries.
MATCH (a:Company)-[r:OWNS]->(b:Company)
RETURN properties(r) AS props, a.id AS owner, b.id AS owned
ORDER BY owner, owned, r.valid_from
