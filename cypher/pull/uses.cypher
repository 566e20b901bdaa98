// Pull uses as data-file entries.
MATCH (u:EndUser)-[:USES]->(p:Product)
RETURN u.id AS user, p.id AS product
ORDER BY user, product
