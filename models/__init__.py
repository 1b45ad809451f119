"""Storage layer (DESIGN.md §3): SQLModel tables and the functions that read and write
them. It may import `mrv` and `mrv.factors`; the engine never imports it."""
