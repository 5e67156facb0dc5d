"""The only place with select() statements, one module an area, so services stay free of SQL."""
