// Pull ownership as data-file entries.
MATCH (a:Company)-[r:OWNS]->(b:Company)
RETURN a.id AS owner, b.id AS owned, r.share AS share, r.note AS note
ORDER BY owner, owned
