"""Export without a database: the SDL a 1.x application maps to, and the precise refusal of
every construct the native core cannot serve with the same meaning (docs/python.md)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import unittest
from pathlib import Path

import support

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def run_cli(*args, cwd=FIXTURES):
    env = dict(os.environ, PYTHONPATH=str(support.PACKAGE_ROOT))
    return subprocess.run([sys.executable, "-m", "fraiseql", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=60)


class Refusals(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.r = run_cli("export", "refused:app")
        src = (FIXTURES / "refused.py").read_text().splitlines()
        cls.lines = {m.group(1): i + 1 for i, text in enumerate(src)
                     if (m := re.search(r"# refuse:(\w+)", text))}
        cls.path = str(FIXTURES / "refused.py")

    def expect(self, marker: str, message: str):
        self.assertIn(f"{self.path}:{self.lines[marker]}: {message}", self.r.stderr)

    def test_exit_status_and_count(self):
        self.assertEqual(self.r.returncode, 1)
        self.assertEqual(self.r.stdout, "")  # no partial schema
        self.assertIn("fraiseql: 10 construct(s) cannot be served", self.r.stderr)

    def test_each_construct_is_named_at_its_line(self):
        self.expect("field", "field 'Post.url' is a Python method (@fraiseql.field)")
        self.expect("branch", "query 'branchy' is custom Python (argument 'id' is tested in a "
                              "branch (if/and/or)): move it into a view or a function")
        self.expect("order", "query 'sideways' orders by a constant ({'created_at': "
                             "'sideways'}) that cannot be written as a default orderBy "
                             "(direction 'sideways')")
        self.expect("context", "query 'tenant_posts' filters on context['tenant_id']")
        self.expect("run", "query 'raw' is custom Python (calls db.run")
        self.expect("mapped", "query 'mapped' is custom Python (the result of db.find_one is "
                              "used in Python")
        self.expect("nodb", "query 'in_python' is custom Python (makes no database call")
        self.expect("auth", "query 'me' uses @requires_auth but the application allows "
                            "anonymous requests")
        self.expect("resolve", "mutation 'CreatePost' is custom Python (it defines resolve())")
        self.expect("fnmutation", "mutation 'delete_post' is custom Python (a resolver function)")

    def test_serve_refuses_before_starting_anything(self):
        r = run_cli("serve", "refused:app", "--port", "0")
        self.assertEqual(r.returncode, 1)
        self.assertIn("fraiseql: 10 construct(s) cannot be served", r.stderr)
        self.assertNotIn("serving", r.stderr + r.stdout)

    def test_opt_outs_export_the_rest(self):
        r = run_cli("export", "refused:app", "--skip-unsupported", "--drop-python-fields")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("  fine(limit: Int = 5): [Post!]!\n", r.stdout)
        # A constant order and limit become the field's defaults (docs/filtering.md).
        self.assertIn("  ordered(orderBy: [PostOrderByInput!] = [{createdAt: DESC}, "
                      "{title: ASC}], limit: Int = 10): [Post!]!", r.stdout)
        self.assertIn("note: query 'ordered': the constant order is the field's default "
                      "orderBy", r.stderr)
        # An argument passed as an equality filter of a list is a bound argument.
        self.assertIn("  byStatus(status: String): [Post!]!", r.stdout)
        self.assertIn("note: query 'by_status': status filter(s) the list by equality when "
                      "given", r.stderr)
        self.assertNotIn("branchy", r.stdout)
        self.assertNotIn("url", r.stdout)
        self.assertIn("(left out: --skip-unsupported)", r.stderr)
        self.assertIn("note: dropped: field 'Post.url'", r.stderr)
        # snake_case keys the naming rule cannot reach get @key; descriptions are kept.
        self.assertIn('  "Street"\n  addressLine1: String @key(name: "address_line_1")',
                      r.stdout)


class Registered(unittest.TestCase):
    def test_queries_not_passed_are_found_in_the_module(self):
        r = run_cli("export", "registered:create_app")  # a factory is called
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("type Query {\n  notes: [Note!]!\n}", r.stdout)


class Mapping(unittest.TestCase):
    """The SDL of the compat examples: types, results, mutations, session variables."""

    def export(self, example: str, *args):
        r = run_cli("export", "app:app", *args, cwd=support.COMPAT / example)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r.stdout

    def test_blog(self):
        sdl = self.export("blog")
        self.assertIn('type Post @view(name: "v_posts", jsonbColumn: null) {', sdl)
        self.assertIn("enum PostStatus {\n  DRAFT\n  PUBLISHED\n  ARCHIVED\n}", sdl)
        self.assertIn("  status: PostStatus!\n", sdl)
        self.assertIn("  excerpt: String\n", sdl)
        self.assertIn("  posts(limit: Int = 20): [Post!]!", sdl)
        self.assertIn("  post(id: UUID!): Post\n", sdl)
        self.assertIn("type CreateCommentSuccess {\n  status: String!\n  message: String\n"
                      "  updatedFields: [String!]\n  id: String\n  comment: Comment!\n}", sdl)
        self.assertIn("type CreateCommentError {\n  status: String!\n  message: String\n"
                      "  code: Int!\n  errors: [Error!]\n}", sdl)
        self.assertIn("union CreateCommentResult = CreateCommentSuccess | CreateCommentError",
                      sdl)
        self.assertIn('  createComment(input: CreateCommentInput!): CreateCommentResult! '
                      '@function(name: "create_comment", schema: "public")', sdl)

    def test_tenants_context_params(self):
        sdl = self.export("tenants")
        self.assertIn('@function(name: "create_location", schema: "app", '
                      'context: ["tenant_id", "user_id"])', sdl)
        # undecorated result class: fields from its constructor's annotations
        self.assertIn("  locationId: UUID\n", sdl)
        sys.path.insert(0, str(support.COMPAT / "tenants"))
        try:
            import app as tenants
            _, settings = tenants.app.export()
        finally:
            sys.path.pop(0)
            sys.modules.pop("app", None)
        self.assertEqual(settings.session_variables,
                         {"app.tenant_id": "claim:tenant_id", "app.user_id": "claim:sub"})

    def test_catalog_and_feed(self):
        sdl = self.export("catalog")
        self.assertIn('type Product implements Node @view(name: "v_product") {', sdl)
        self.assertIn("  variants: [ProductVariant!]!\n", sdl)
        self.assertIn("  attributes: JSON!\n", sdl)
        self.assertIn("  amount: Decimal!\n", sdl)
        self.assertIn("  product(sku: String!): Product\n", sdl)
        sdl = self.export("feed", "--skip-unsupported")
        self.assertIn('type User @view(name: "v_users") {', sdl)
        self.assertIn("  users: [User!]!\n", sdl)

    def test_input_defaults(self):
        sdl = self.export("accounts")
        self.assertIn('  role: String! = "user"\n', sdl)
        self.assertIn("input UpdateUserInput {\n  id: UUID!\n  name: String\n", sdl)
        self.assertIn("  conflictUser: User\n  suggestedEmail: String\n", sdl)
        # a type without sql_source read from one view gets the view on the type
        self.assertIn('type User @view(name: "graphql.v_user") {', sdl)
        self.assertIn("  users(limit: Int = 100): [User!]!\n", sdl)


class Config(unittest.TestCase):
    def test_native_settings(self):
        sys.path.insert(0, str(support.PACKAGE_ROOT))
        from fraiseql import FraiseQLConfig

        c = FraiseQLConfig(database_url="postgresql://h/db", database_pool_size=7,
                           query_timeout=12, environment="testing", jwt_secret="s",
                           session_variables={"locale": "app.locale"})
        self.assertEqual(c.native_settings(), {
            "database_url": "postgresql://h/db", "pool_size": "7",
            "statement_timeout": "12s", "environment": "development", "jwt_secret": "s",
            "allow_anonymous": "false", "session_variables": "app.locale=claim:locale"})
        self.assertEqual(FraiseQLConfig(redis_url="x").unsupported(),
                         ["FraiseQLConfig(redis_url=...) has no native equivalent"])


if __name__ == "__main__":
    unittest.main()
