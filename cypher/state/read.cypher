// An empty read: the bookmark the server gives for it names the last transaction committed
// before it (see Store.state).
RETURN 1 AS one
