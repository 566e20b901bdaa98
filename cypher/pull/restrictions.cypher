// Pull restrictions (with their targets) as data-file entries.
MATCH (n:Restriction)
OPTIONAL MATCH (n)-[:TARGETS]->(c:Company)
WITH n, c ORDER BY c.id
RETURN n.id AS id, n.name AS name, n.authority AS authority, collect(c.id) AS targets,
       n.origins AS origins, n.de_minimis AS de_minimis, n.affiliates_threshold AS affiliates_threshold,
       n.foreign_direct_product AS foreign_direct_product, n.effective_from AS effective_from,
       n.effective_until AS effective_until, n.note AS note
ORDER BY id
