// After `load --replace`: delete up to $batch nodes that this load did not stamp.
// Run repeatedly until it returns 0.
MATCH (n)
WHERE (n:Company OR n:Component OR n:Product OR n:EndUser OR n:Restriction OR n:Licence OR n:RestrictionList)
  AND (n.load_stamp IS NULL OR n.load_stamp <> $stamp)
WITH n LIMIT $batch
DETACH DELETE n
RETURN count(*) AS deleted
