// Pull uses as data-file entries.
MATCH (u:EndUser)-[r:USES]->(p:Product)
RETURN properties(r) AS props, u.id AS user, p.id AS product
ORDER BY user, product
