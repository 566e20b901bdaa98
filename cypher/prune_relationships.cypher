// After `load --replace`: delete up to $batch relationships that this load did not stamp.
// Run repeatedly until it returns 0.
MATCH ()-[r:OWNS|SUPPLIES|PART_OF|MAKES|SERVES|USES|TARGETS|LICENSES|ON_LIST]->()
WHERE r.load_stamp IS NULL OR r.load_stamp <> $stamp
WITH r LIMIT $batch
DELETE r
RETURN count(*) AS deleted
