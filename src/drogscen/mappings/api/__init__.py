"""The yearly mappings over HTTP: `/api/v1/mappings/` with the workflow steps as POST
sub-routes, scoped like the pages (DESIGN §5, §6)."""
