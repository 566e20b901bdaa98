// Pull companies as data-file entries.
MATCH (n:Company)
RETURN n.id AS id, n.name AS name, n.country AS country, n.note AS note
ORDER BY id
