"""The demo county: the demo users' password, shared by the `demo` command (which prints
it) and `accounts.demo` (which sets it). The demo data itself comes from the domain apps'
registered demo steps (`core.registry`)."""

DEMO_PASSWORD = "drogscen-demo"  # noqa: S105 - printed on start, demo machines only
