// Pull lists as data-file entries: every stored property (the store keeps only known ones).
MATCH (n:RestrictionList)
RETURN properties(n) AS props
ORDER BY n.id
