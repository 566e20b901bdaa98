// The database the commands read ($name, else the user's home database) and its store id: the
// id changes when the store is replaced (neo4j-admin import, a restored dump), so it is part of
// the key of a snapshot of the graph.  Run on the system database.
SHOW DATABASES YIELD name, databaseID, home
WHERE name = coalesce($name, name) AND ($name IS NOT NULL OR home)
RETURN name, databaseID
