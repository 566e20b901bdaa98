// Pull products (with their maker) as data-file entries.
MATCH (n:Product)
OPTIONAL MATCH (maker:Company)-[:MAKES]->(n)
RETURN properties(n) AS props, maker.id AS maker
ORDER BY n.id
