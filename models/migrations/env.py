"""Alembic environment: migrations run on the connection `mrv.models.connect` passes."""

from alembic import context

from mrv.models._tables import SQLModel

target_metadata = SQLModel.metadata
connection = context.config.attributes.get("connection")
context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
