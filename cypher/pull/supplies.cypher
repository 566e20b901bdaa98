// Pull supplies as data-file entries.
MATCH (s:Company)-[:SUPPLIES]->(c:Component)
RETURN s.id AS supplier, c.id AS component
ORDER BY supplier, component
