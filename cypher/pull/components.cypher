// Pull components as data-file entries: every stored property (the store keeps only known ones).
MATCH (n:Component)
RETURN properties(n) AS props
ORDER BY n.id
