"""In-process export of small declarations: each 1.x construct's SDL, and refusals that need
no fixture file (docs/python.md)."""


import contextlib
import io
import unittest
from enum import Enum
from typing import Annotated, Any
from uuid import UUID

import support  # noqa: F401 - puts the package on sys.path

import fraiseql
from fraiseql import ExportError, fraise_field
from fraiseql.export import Options, export, field_key, to_camel


def sdl_of(types=(), queries=(), mutations=(), **opts):
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        sdl, settings = export(types, queries, mutations, Options(**opts))
    return sdl, settings, err.getvalue()


def problems_of(types=(), queries=(), mutations=(), **opts):
    with contextlib.redirect_stderr(io.StringIO()):
        with unittest.TestCase().assertRaises(ExportError) as cm:
            export(types, queries, mutations, Options(**opts))
    return cm.exception.problems


@fraiseql.enum
class Color(Enum):
    RED = "red"
    BLUE = "BLUE"


@fraiseql.interface
class Named:
    name: str


@fraiseql.type(sql_source="v_shop", implements=[Named])
class Shop:
    id: UUID
    name: str
    owner: "Person"
    staff: list["Person"]
    settings: dict[str, Any] | None
    score: Annotated[float, "0..1"]
    nick: str = fraise_field(graphql_name="alias", description="Display name")


class Person:  # undecorated, used as a field type
    first_name: str
    line_2: str | None


@fraiseql.query
@fraiseql.requires_role("admin")
async def shops(info, where=None) -> list[Shop]:
    return await info.context["db"].find("v_shop", info=info, where=where)


@fraiseql.query
async def shop(info, id: UUID | None = None) -> Shop | None:
    return await info.context.get("db").find_one("v_shop", "shop", info, id=id)


class Mapping(unittest.TestCase):
    def test_naming_rules(self):
        self.assertEqual(to_camel("address_line_1"), "addressLine1")
        self.assertEqual(to_camel("_private_x"), "_privateX")
        self.assertEqual(field_key("addressLine1"), "address_line1")
        self.assertEqual(field_key("firstName"), "first_name")

    def test_types(self):
        sdl, _, err = sdl_of([Shop, Color], [shops, shop])
        self.assertIn('type Shop implements Named @view(name: "v_shop") {', sdl)
        self.assertIn("interface Named {\n  name: String!\n}", sdl)
        self.assertIn("  owner: Person!\n  staff: [Person!]!\n  settings: JSON\n"
                      "  score: Float!\n", sdl)
        self.assertIn('  "Display name"\n  alias: String! @key(name: "nick")', sdl)
        self.assertIn('type Person {\n  firstName: String!\n  line2: String @key(name: "line_2")',
                      sdl)
        self.assertIn("enum Color {\n  RED\n  BLUE\n}", sdl)
        self.assertIn("enum 'Color': values differ from the names (RED)", err)
        self.assertIn('  shops: [Shop!]! @auth(roles: ["admin"])', sdl)
        # an optional equality argument becomes required, with a note
        self.assertIn("  shop(id: UUID!): Shop\n", sdl)
        self.assertIn("argument 'id' is required in the native schema", err)

    def test_requires_auth_needs_authentication(self):
        @fraiseql.query
        @fraiseql.requires_auth
        async def me(info, id: UUID) -> Shop | None:
            return await info.context["db"].find_one("v_shop", id=id)

        (msg,) = problems_of([Shop], [me])
        self.assertIn("query 'me' uses @requires_auth but the application allows anonymous", msg)
        sdl, _, _ = sdl_of([Shop], [me], allow_anonymous=False)
        self.assertIn("  me(id: UUID!): Shop\n", sdl)

    def test_input_defaults_and_mutation_naming(self):
        @fraiseql.input
        class PaintInput:
            color: Color = Color.BLUE
            layers: list[int] = [1, 2]  # noqa: RUF012
            glossy: bool = False
            note: str | None = None

        @fraiseql.success
        class PaintDone:
            shop: Shop

        @fraiseql.error
        class PaintError:
            retry_after: int

        @fraiseql.mutation(function="ops.paint_shop", context_params={"user": "p_user"})
        class PaintShop:
            input: PaintInput
            success: PaintDone
            failure: PaintError

        sdl, settings, _ = sdl_of([Shop], [shops], [PaintShop])
        self.assertIn("input PaintInput {\n  color: Color! = BLUE\n  layers: [Int!]! = [1, 2]\n"
                      "  glossy: Boolean! = false\n  note: String\n}", sdl)
        self.assertIn("  retryAfter: Int\n", sdl)  # metadata fields are nullable
        self.assertIn('  paintShop(input: PaintInput!): PaintShopResult! @function(name: '
                      '"paint_shop", schema: "ops", context: ["user_id"])', sdl)
        self.assertEqual(settings.session_variables, {"app.user_id": "claim:sub"})

    def test_result_member_names(self):
        @fraiseql.success
        class Saved:
            shop: Shop

        @fraiseql.error
        class Problem:
            message: str

        @fraiseql.mutation
        class SaveShop:
            input: Shop
            success: Saved
            error: Problem

        (msg,) = problems_of([Shop], [shops], [SaveShop])
        self.assertIn("mutation 'SaveShop': the error type 'Problem' must end with Error or "
                      "Failure", msg)

    def test_renamed_and_computed_arguments(self):
        @fraiseql.query
        async def by_owner(info, owner: UUID) -> Shop | None:
            return await info.context["db"].find_one("v_shop", id=owner)

        @fraiseql.query
        async def named(info, name: str) -> Shop | None:
            return await info.context["db"].find_one("v_shop", name=f"{name}!")

        @fraiseql.query
        async def first_shop(info) -> Shop | None:
            return await info.context["db"].find("v_shop")

        @fraiseql.query
        async def filtered(info, filters=None) -> list[Shop]:
            return await info.context["db"].find("v_shop", where=filters)

        p = problems_of([Shop], [by_owner, named, first_shop, filtered])
        self.assertIn("query 'filtered' passes argument 'filters' as where=: the native list "
                      "field's argument is 'where'", p[3])
        self.assertIn("query 'by_owner' passes argument 'owner' as filter 'id': name the "
                      "parameter as the field", p[0])
        self.assertIn("query 'named' is custom Python (argument 'name' is formatted into a "
                      "string)", p[1])
        self.assertIn("query 'first_shop' returns one object but calls db.find", p[2])

    def test_connection_naming(self):
        @fraiseql.connection(node_type=Shop)
        @fraiseql.query
        async def all_shops(info, first: int | None = None) -> fraiseql.Connection[Shop]:
            pass

        (msg,) = problems_of([Shop], [shops, all_shops])
        self.assertIn("rename the query to 'allShops_connection'", msg)


if __name__ == "__main__":
    unittest.main()
