// Pull products (with their maker) as data-file entries.
MATCH (n:Product)
OPTIONAL MATCH (maker:Company)-[:MAKES]->(n)
RETURN n.id AS id, n.name AS name, maker.id AS maker, n.lifecycle AS lifecycle,
       n.units AS units, n.value AS value, n.note AS note
ORDER BY id
