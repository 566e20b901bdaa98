// Pull end users as data-file entries.
MATCH (n:EndUser)
RETURN n.id AS id, n.name AS name, n.region AS region, n.note AS note
ORDER BY id
