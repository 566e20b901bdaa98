// Restrictions, their listed targets, and the ownership chains (OWNS {share}) from them:
// affiliates owned 50% or more by listed parties are restricted too.
MATCH (r:Restriction)-[t:TARGETS]->(c:Company)
OPTIONAL MATCH chain = (c)-[:OWNS*1..4]->(:Company)
RETURN r, t, c, chain
