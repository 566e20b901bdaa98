// Pull uses as data-file entries.
MATCH (u:EndUser)-[r:USES]->(p:Product)
WITH properties(r) AS props, u.id AS user, p.id AS product
ORDER BY user, product
// One wide record (fewer, wider records: the driver decodes them three times faster).
RETURN collect({props: props, user: user, product: product}) AS rows
