// Pull supplies as data-file entries.
MATCH (s:Company)-[r:SUPPLIES]->(c:Component)
RETURN properties(r) AS props, s.id AS supplier, c.id AS component
ORDER BY supplier, component
