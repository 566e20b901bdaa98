// Lists and their entries (ON_LIST), each list's affiliates rule (affiliates_threshold, and
// affiliates_windows as FROM..UNTIL), and the holdings (OWNS {share, valid_from, valid_until})
// from the entries' named parties that the rule aggregates across the whole list.
MATCH (l:RestrictionList)<-[o:ON_LIST]-(r:Restriction)
OPTIONAL MATCH (r)-[t:TARGETS]->(c:Company)
OPTIONAL MATCH chain = (c)-[:OWNS*1..4]->(:Company)
RETURN l, o, r, t, c, chain
