"""The yearly mappings over HTTP: `/api/v1/mappings/` with the workflow steps as POST
sub-routes, scoped like the pages (docs/domain-rules.md#access, docs/contracts.md#http-api)."""
