// Empty the SUPPLIES relationships between variants.
MATCH ()-[r:SUPPLIES]->()
CALL (r) { DELETE r } IN TRANSACTIONS OF 20000 ROWS
