"""The compat corpus served by the native server: each example (tests/compat/*, README there)
is loaded into its own database of the CTest cluster, run with
``python3 -m fraiseql serve app:app`` (the real binary, FRAISEQL_BACKEND selects the
backend) and answers its documented queries and mutations with the values asserted here.
"""

from __future__ import annotations

import unittest

import support

CREATE_USER = """mutation($i: CreateUserInput!) { createUser(input: $i) { __typename
  ... on CreateUserSuccess { status message user { name email role } }
  ... on CreateUserError { status code message suggestedEmail conflictUser { name } } } }"""


class Blog(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.s = support.Served("blog")

    @classmethod
    def tearDownClass(cls):
        cls.s.close()

    def test_posts_ordered_and_filtered_by_enum(self):
        r = self.s.graphql("{ posts(orderBy: [{publishedAt: DESC_NULLS_LAST}]) "
                           "{ identifier status authorId } }")
        self.assertEqual([p["identifier"] for p in r["data"]["posts"]],
                         ["news", "hello", "draft"])
        self.assertEqual(r["data"]["posts"][0]["status"], "PUBLISHED")
        r = self.s.graphql("{ posts(where: {status: {eq: DRAFT}}) { title } }")
        self.assertEqual(r, {"data": {"posts": [{"title": "Draft"}]}})

    def test_limit_default_comes_from_the_resolver_signature(self):
        # users(info, limit: int = 20): exported as `limit: Int = 20`; explicit limits win.
        r = self.s.graphql("{ users(limit: 1) { username role } }")
        self.assertEqual(r, {"data": {"users": [{"username": "alice", "role": "ADMIN"}]}})
        r = self.s.graphql("{ users { username } }")
        self.assertEqual(len(r["data"]["users"]), 2)

    def test_post_by_id(self):
        r = self.s.graphql('{ post(id: "aaaaaaaa-0000-0000-0000-000000000003") '
                           "{ title excerpt publishedAt } }")
        self.assertEqual(r["data"]["post"], {"title": "News", "excerpt": None,
                                             "publishedAt": "2024-02-03T09:00:00+00:00"})
        r = self.s.graphql('{ post(id: "aaaaaaaa-0000-0000-0000-00000000000f") { title } }')
        self.assertEqual(r, {"data": {"post": None}})

    def test_failure_spelling_mutation(self):
        q = """mutation($i: CreateCommentInput!) { createComment(input: $i) { __typename
          ... on CreateCommentSuccess { status message comment { content postId } }
          ... on CreateCommentError { status code message errors { identifier code } } } }"""
        ok = {"postId": "aaaaaaaa-0000-0000-0000-000000000001",
              "authorId": "22222222-2222-2222-2222-222222222222", "content": "Nice"}
        r = self.s.graphql(q, {"i": ok})["data"]["createComment"]
        self.assertEqual(r, {"__typename": "CreateCommentSuccess", "status": "created",
                             "message": "Comment created successfully",
                             "comment": {"content": "Nice",
                                         "postId": "aaaaaaaa-0000-0000-0000-000000000001"}})
        r = self.s.graphql(q, {"i": {**ok, "postId": "aaaaaaaa-0000-0000-0000-000000000009"}})
        self.assertEqual(r["data"]["createComment"],
                         {"__typename": "CreateCommentError", "status": "not_found:post",
                          "code": 404, "message": "No such post",
                          "errors": [{"identifier": "post", "code": 404}]})
        r = self.s.graphql(q, {"i": {**ok, "content": "  "}})
        self.assertEqual(r["data"]["createComment"]["code"], 422)


class Tenants(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.s = support.Served("tenants", {"FRAISEQL_JWT_SECRET": support.JWT_SECRET})
        cls.acme = support.jwt_hs256({"sub": "1", "tenant_id": "1"})
        cls.globex = support.jwt_hs256({"sub": "2", "tenant_id": "2"})

    @classmethod
    def tearDownClass(cls):
        cls.s.close()

    def test_each_tenant_sees_its_rows(self):
        r = self.s.graphql("{ locations { name latitude } }", token=self.acme)
        self.assertEqual(r, {"data": {"locations": [{"name": "Acme HQ", "latitude": 48.85}]}})
        r = self.s.graphql("{ locations { name } }", token=self.globex)
        names = [x["name"] for x in r["data"]["locations"]]
        self.assertIn("Globex HQ", names)
        self.assertNotIn("Acme HQ", names)
        r = self.s.graphql('{ location(id: "cccccccc-0000-0000-0000-000000000002") { name } }',
                           token=self.acme)
        self.assertEqual(r, {"data": {"location": None}})

    def test_anonymous_is_refused(self):
        import urllib.error

        with self.assertRaises(urllib.error.HTTPError) as cm:
            self.s.graphql("{ locations { name } }")
        self.assertEqual(cm.exception.code, 401)

    def test_context_params_come_from_the_token(self):
        q = """mutation($i: CreateLocationInput!) { createLocation(input: $i) { __typename
          ... on CreateLocationSuccess { status message locationId }
          ... on CreateLocationError { status code message } } }"""
        i = {"name": "Depot", "address": "3 Dock Rd", "latitude": 1.5, "longitude": 2.5}
        r = self.s.graphql(q, {"i": i}, token=self.globex)["data"]["createLocation"]
        self.assertEqual(r["__typename"], "CreateLocationSuccess")
        self.assertEqual(len(r["locationId"]), 36)
        r = self.s.graphql("{ locations { name } }", token=self.globex)
        self.assertEqual(sorted(x["name"] for x in r["data"]["locations"]),
                         ["Depot", "Globex HQ"])
        r = self.s.graphql("{ locations { name } }", token=self.acme)
        self.assertEqual(r["data"]["locations"], [{"name": "Acme HQ"}])
        # user 2 (sub) does not belong to tenant 1: the function's own check, code 401
        wrong = support.jwt_hs256({"sub": "2", "tenant_id": "1"})
        r = self.s.graphql(q, {"i": i}, token=wrong)["data"]["createLocation"]
        self.assertEqual((r["__typename"], r["status"], r["code"]),
                         ("CreateLocationError", "unauthorized:user", 401))


class Catalog(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.s = support.Served("catalog")

    @classmethod
    def tearDownClass(cls):
        cls.s.close()

    def test_nested_objects_lists_and_enums(self):
        r = self.s.graphql("""{ products(where: {status: {eq: ACTIVE}}, orderBy: [{sku: DESC}])
          { sku status category { slug } tags variants { sku price { amount currency }
            compareAtPrice { amount } attributes } images { altText isPrimary } } }""")
        ps = r["data"]["products"]
        self.assertEqual([p["sku"] for p in ps], ["TRL-2", "RUN-1"])
        self.assertEqual(ps[1]["variants"][0], {
            "sku": "RUN-1-42", "price": {"amount": 89.9, "currency": "EUR"},
            "compareAtPrice": {"amount": 119}, "attributes": {"size": 42, "color": "blue"}})
        self.assertIsNone(ps[1]["variants"][1]["compareAtPrice"])
        self.assertEqual(ps[1]["images"], [{"altText": "Runner", "isPrimary": True},
                                           {"altText": None, "isPrimary": False}])
        self.assertEqual(ps[0]["images"], [])
        self.assertEqual(ps[0]["tags"], ["trail"])

    def test_by_sku_and_list_filter(self):
        r = self.s.graphql('{ product(sku: "OLD-3") { name brand category { name } '
                           "variants { sku } } }")
        self.assertEqual(r, {"data": {"product": {"name": "Classic", "brand": "Fleet",
                                                  "category": None, "variants": []}}})
        r = self.s.graphql('{ products(where: {tags: {contains: ["trail"]}}) { sku } }')
        self.assertEqual(r, {"data": {"products": [{"sku": "TRL-2"}]}})

    def test_interface_in_introspection(self):
        r = self.s.graphql('{ __type(name: "Product") { interfaces { name } } }')
        self.assertEqual(r["data"]["__type"]["interfaces"], [{"name": "Node"}])


class Feed(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.s = support.Served("feed", args=("--skip-unsupported",))

    @classmethod
    def tearDownClass(cls):
        cls.s.close()

    def test_refused_connections_are_listed(self):
        log = "".join(self.s.log)
        src = (support.COMPAT / "feed" / "cursor_pagination_demo.py").read_text().splitlines()
        for name in ("recent_users_connection", "published_posts_connection",
                     "user_posts_connection"):
            line = src.index(f"async def {name}(") + 1
            self.assertIn(f"cursor_pagination_demo.py:{line}: query '{name}': "
                          "cursor_field='created_at'", log)

    def test_pages_forward_with_cursors(self):
        q = """query($a: String) { usersConnection(first: 10, after: $a) {
          edges { cursor node { name } } pageInfo { hasNextPage hasPreviousPage endCursor }
          totalCount } }"""
        names, after, pages = [], None, 0
        while True:
            c = self.s.graphql(q, {"a": after})["data"]["usersConnection"]
            self.assertEqual(c["totalCount"], 25)
            names += [e["node"]["name"] for e in c["edges"]]
            pages += 1
            if not c["pageInfo"]["hasNextPage"]:
                break
            after = c["pageInfo"]["endCursor"]
        self.assertEqual(pages, 3)
        self.assertEqual(names, [f"User {n}" for n in range(1, 26)])


class Accounts(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.s = support.Served("accounts")

    @classmethod
    def tearDownClass(cls):
        cls.s.close()

    def test_create_and_conflict(self):
        r = self.s.graphql(CREATE_USER, {"i": {"name": "Cy", "email": "cy@example.com"}})
        self.assertEqual(r["data"]["createUser"], {
            "__typename": "CreateUserSuccess", "status": "created",
            "message": "User created successfully",
            "user": {"name": "Cy", "email": "cy@example.com", "role": "user"}})
        r = self.s.graphql(CREATE_USER, {"i": {"name": "A", "email": "ada@example.com"}})
        self.assertEqual(r["data"]["createUser"], {
            "__typename": "CreateUserError", "status": "conflict:email", "code": 409,
            "message": "Email address already exists",
            "suggestedEmail": "new.ada@example.com", "conflictUser": {"name": "Ada"}})

    def test_update_noop_and_not_found(self):
        q = """mutation($i: UpdateUserInput!) { updateUser(input: $i) { __typename
          ... on UpdateUserSuccess { updatedFields user { role } }
          ... on UpdateUserError { status code notFound } } }"""
        i = {"id": "dddddddd-0000-0000-0000-000000000002", "role": "auditor"}
        self.assertEqual(self.s.graphql(q, {"i": i})["data"]["updateUser"], {
            "__typename": "UpdateUserSuccess", "updatedFields": ["role"],
            "user": {"role": "auditor"}})
        self.assertEqual(self.s.graphql(q, {"i": i})["data"]["updateUser"], {
            "__typename": "UpdateUserError", "status": "noop:unchanged", "code": 422,
            "notFound": None})
        i = {"id": "dddddddd-0000-0000-0000-000000000009"}
        self.assertEqual(self.s.graphql(q, {"i": i})["data"]["updateUser"], {
            "__typename": "UpdateUserError", "status": "not_found:user", "code": 404,
            "notFound": True})

    def test_failure_spelling_and_plain_jsonb(self):
        q = """mutation($id: UUID!) { archiveUser(input: {id: $id}) { __typename
          ... on ArchiveUserSuccess { user { name } }
          ... on ArchiveUserFailure { status code } } }"""
        r = self.s.graphql(q, {"id": "dddddddd-0000-0000-0000-000000000001"})
        self.assertEqual(r["data"]["archiveUser"],
                         {"__typename": "ArchiveUserSuccess", "user": {"name": "Ada"}})
        r = self.s.graphql(q, {"id": "dddddddd-0000-0000-0000-00000000000f"})
        self.assertEqual(r["data"]["archiveUser"], {"__typename": "ArchiveUserFailure",
                                                    "status": "failed:no_result", "code": 500})
        r = self.s.graphql('{ users(where: {email: {eq: "ada@example.com"}}) { name } }')
        self.assertEqual(r, {"data": {"users": []}})


if __name__ == "__main__":
    unittest.main()
