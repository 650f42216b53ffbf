"""Accounts (compat corpus): the declarations of the original's examples/mutations_demo/demo.py
(MIT, (c) 2025 Lionel Hamayon), unchanged — inputs, the User type, success/error classes and
the three class mutations declared with `error:` and `schema="graphql"`. Left out: the demo's
psycopg driver code (`demo()`, `QueryRoot`), which called the resolvers by hand. Added: a
`users` query and `ArchiveUser`, a mutation declared with 1.8's `failure:` spelling."""

import os
from uuid import UUID

import fraiseql
from fraiseql.fastapi import create_fraiseql_app


# Define input types
@fraiseql.input
class CreateUserInput:
    name: str
    email: str
    role: str = "user"


@fraiseql.input
class UpdateUserInput:
    id: UUID
    name: str | None = None
    email: str | None = None
    role: str | None = None


@fraiseql.input
class DeleteUserInput:
    id: UUID


# Define the User type
@fraiseql.type
class User:
    id: UUID
    name: str
    email: str
    role: str
    created_at: str


# Define Success/Error types for mutations
@fraiseql.success
class CreateUserSuccess:
    message: str
    user: User


@fraiseql.error
class CreateUserError:
    message: str
    conflict_user: User | None = None
    suggested_email: str | None = None


@fraiseql.success
class UpdateUserSuccess:
    message: str
    user: User
    updated_fields: list[str] | None = None  # Make it optional


@fraiseql.error
class UpdateUserError:
    message: str
    not_found: bool = False
    validation_errors: dict[str, str] | None = None


@fraiseql.success
class DeleteUserSuccess:
    message: str
    user: User  # The deleted user data


@fraiseql.error
class DeleteUserError:
    message: str
    not_found: bool = False


# Define mutations using the @mutation decorator
@fraiseql.mutation(schema="graphql")
class CreateUser:
    """Create a new user account."""

    input: CreateUserInput
    success: CreateUserSuccess
    error: CreateUserError


@fraiseql.mutation(function="update_user_account", schema="graphql")  # Custom function name
class UpdateUser:
    """Update an existing user account."""

    input: UpdateUserInput
    success: UpdateUserSuccess
    error: UpdateUserError


@fraiseql.mutation(schema="graphql")
class DeleteUser:
    """Delete a user account."""

    input: DeleteUserInput
    success: DeleteUserSuccess
    error: DeleteUserError


# ---- added for the compat corpus -------------------------------------------------------

@fraiseql.input
class ArchiveUserInput:
    id: UUID


@fraiseql.success
class ArchiveUserSuccess:
    user: User


@fraiseql.failure
class ArchiveUserFailure:
    message: str


@fraiseql.mutation(function="archive_user", schema="graphql")
class ArchiveUser:
    """Archive a user account (1.8.0 spelling: failure)."""

    input: ArchiveUserInput
    success: ArchiveUserSuccess
    failure: ArchiveUserFailure


@fraiseql.query
async def users(info, where=None, order_by=None, limit: int = 100) -> list[User]:
    """User accounts."""
    return await info.context["db"].find("graphql.v_user", "users", info, where=where,
                                         order_by=order_by, limit=limit)


app = create_fraiseql_app(
    database_url=os.getenv("DATABASE_URL", "postgresql://localhost/fraiseql_demo"),
    types=[User],
    queries=[users],
    mutations=[CreateUser, UpdateUser, DeleteUser, ArchiveUser],
)
