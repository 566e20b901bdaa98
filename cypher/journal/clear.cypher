// Delete the load journal (with `clear`, which empties what graphlib-trade manages).
MATCH (l:GraphlibTradeLoad)
DELETE l
RETURN count(*) AS deleted
