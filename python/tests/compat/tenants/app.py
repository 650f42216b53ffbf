"""Multi-tenant locations (compat corpus; from the original's examples/context_parameters/
mutations.py, MIT, (c) 2025 Lionel Hamayon). The mutation classes are the original's, unchanged
(undecorated input/success/error classes, `from fraiseql.mutations import mutation`,
context_params mapping the tenant and the user to the function's leading parameters); the
queries and the app object were added, as the original shipped none. Run with
FRAISEQL_JWT_SECRET set: context values come from the token's claims (tenant_id, sub)."""

import os
from uuid import UUID

import fraiseql
from fraiseql.fastapi import create_fraiseql_app
from fraiseql.mutations import mutation


class CreateLocationInput:
    """Input for creating a new location."""

    name: str
    address: str
    latitude: float
    longitude: float

    def to_dict(self):
        return {
            "name": self.name,
            "address": self.address,
            "latitude": self.latitude,
            "longitude": self.longitude,
        }


class CreateLocationSuccess:
    """Success response for location creation."""

    def __init__(self, location_id: UUID, message: str = "Location created successfully"):
        self.location_id = location_id
        self.message = message


class CreateLocationError:
    """Error response for location creation."""

    def __init__(self, message: str, code: str):
        self.message = message
        self.code = code


@mutation(
    function="create_location",
    schema="app",
    context_params={
        "tenant_id": "input_pk_organization",  # Maps context["tenant_id"] to first parameter
        "user": "input_created_by",  # Maps context["user"].user_id to second parameter
    },
)
class CreateLocation:
    """Create a new location with tenant isolation and user tracking."""

    input: CreateLocationInput
    success: CreateLocationSuccess
    failure: CreateLocationError


@fraiseql.type(sql_source="app.v_location")
class Location:
    """A location of the caller's organization (the view filters on app.tenant_id)."""

    id: UUID
    name: str
    address: str
    latitude: float | None
    longitude: float | None


@fraiseql.query
async def locations(info, where=None, limit: int = 50) -> list[Location]:
    """The caller's organization's locations."""
    return await info.context["db"].find("app.v_location", "locations", info, where=where,
                                         limit=limit)


@fraiseql.query
async def location(info, id: UUID) -> Location | None:
    return await info.context["db"].find_one("app.v_location", "location", info, id=id)


app = create_fraiseql_app(
    database_url=os.getenv("DATABASE_URL", "postgresql://localhost/context_parameters"),
    types=[Location],
    queries=[locations, location],
    mutations=[CreateLocation],
)
