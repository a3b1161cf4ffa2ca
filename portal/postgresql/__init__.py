"""Django's PostgreSQL backend, failing fast while the server is unreachable
(see `base.DatabaseWrapper`). The settings use it for every PostgreSQL
`DATABASE_URL`."""
