"""Blog (compat corpus; from the original's examples/blog_simple/models.py + app.py, MIT,
(c) 2025 Lionel Hamayon). Enums, plain-column views (jsonb_column=None), list and by-id
queries, and a class mutation declared with 1.8's `failure` spelling."""

import os
from datetime import datetime
from enum import Enum
from uuid import UUID

import fraiseql
from fraiseql.fastapi import create_fraiseql_app


@fraiseql.enum
class UserRole(str, Enum):
    """User roles in the blog system."""

    ADMIN = "admin"
    AUTHOR = "author"
    USER = "user"


@fraiseql.enum
class PostStatus(str, Enum):
    """Post publication status."""

    DRAFT = "draft"
    PUBLISHED = "published"
    ARCHIVED = "archived"


@fraiseql.type(sql_source="v_users", jsonb_column=None)
class User:
    """User with profile."""

    id: UUID
    identifier: str | None
    username: str
    email: str
    role: UserRole
    created_at: datetime


@fraiseql.type(sql_source="v_posts", jsonb_column=None)
class Post:
    """Blog post."""

    id: UUID
    identifier: str | None
    title: str
    content: str
    excerpt: str | None
    status: PostStatus
    published_at: datetime | None
    author_id: UUID


@fraiseql.type(sql_source="v_comments", jsonb_column=None)
class Comment:
    """Comment on a post."""

    id: UUID
    content: str
    post_id: UUID
    author_id: UUID


@fraiseql.input
class CreateCommentInput:
    """Input for creating a comment."""

    post_id: UUID
    author_id: UUID
    content: str


@fraiseql.success
class CreateCommentSuccess:
    """Success response for comment creation."""

    comment: Comment
    message: str = "Comment created successfully"


@fraiseql.failure
class CreateCommentError:
    """Validation error."""

    message: str


@fraiseql.mutation(function="create_comment")
class CreateComment:
    """Create a comment."""

    input: CreateCommentInput
    success: CreateCommentSuccess
    failure: CreateCommentError


@fraiseql.query
async def posts(info, where=None, order_by=None, limit: int = 20, offset: int = 0) -> list[Post]:
    """Query posts with filtering and pagination."""
    db = info.context["db"]
    return await db.find("v_posts", "posts", info, where=where, order_by=order_by, limit=limit,
                         offset=offset)


@fraiseql.query
async def post(info, id: UUID) -> Post | None:
    """Get a single post by UUID."""
    db = info.context["db"]
    return await db.find_one("v_posts", "post", info, id=id)


@fraiseql.query
async def users(info, limit: int = 20) -> list[User]:
    """Get users."""
    db = info.context["db"]
    return await db.find("v_users", "users", info, limit=limit)


BLOG_TYPES = [User, Post, Comment, UserRole, PostStatus]
BLOG_MUTATIONS = [CreateComment]
BLOG_QUERIES = [posts, post, users]

app = create_fraiseql_app(
    database_url=os.getenv("DATABASE_URL", "postgresql://localhost/fraiseql_blog_simple"),
    types=BLOG_TYPES,
    mutations=BLOG_MUTATIONS,
    queries=BLOG_QUERIES,
    title="FraiseQL Simple Blog",
    description="Simple blog built with FraiseQL",
    production=False,
)
