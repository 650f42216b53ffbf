"""Feed (compat corpus): serves the original's examples/cursor_pagination_demo.py, which is
copied unchanged beside this file (MIT, (c) 2025 Lionel Hamayon). The demo shipped no app
object; this one is the 1.x way of serving its declarations."""

import os

from cursor_pagination_demo import Post, User, users_connection

from fraiseql.fastapi import create_fraiseql_app

app = create_fraiseql_app(
    database_url=os.getenv("DATABASE_URL", "postgresql://localhost/cursor_demo"),
    types=[User, Post],
    queries=[users_connection],
)
