"""Catalog (compat corpus): the product entities of the original's
examples/ecommerce_api/models.py (MIT, (c) 2025 Lionel Hamayon) — Product, ProductVariant,
ProductImage, Category — declared with the 1.x decorators (the original used pydantic models
and `register_type`, which need pydantic), with enums, nested objects and lists, an
interface, and `fraiseql.types` scalars."""

import os
from datetime import datetime
from decimal import Decimal
from enum import Enum
from uuid import UUID

import fraiseql
from fraiseql.fastapi import create_fraiseql_app
from fraiseql.types import JSON


@fraiseql.enum
class ProductStatus(str, Enum):
    """Publication state of a product."""

    ACTIVE = "ACTIVE"
    DRAFT = "DRAFT"
    DISCONTINUED = "DISCONTINUED"


@fraiseql.enum
class Currency(Enum):
    EUR = "EUR"
    USD = "USD"


@fraiseql.interface
class Node:
    id: UUID


@fraiseql.type
class Money:
    amount: Decimal
    currency: Currency


@fraiseql.type
class ProductImage:
    url: str
    alt_text: str | None
    position: int
    is_primary: bool


@fraiseql.type
class ProductVariant:
    sku: str
    name: str
    price: Money
    compare_at_price: Money | None
    attributes: JSON


@fraiseql.type
class CategoryRef:
    id: UUID
    name: str
    slug: str


@fraiseql.type(sql_source="v_product", implements=[Node])
class Product:
    """A product with its variants and images (one document per product)."""

    id: UUID
    sku: str
    name: str
    status: ProductStatus
    description: str | None
    category: CategoryRef | None
    brand: str | None
    tags: list[str]
    is_featured: bool
    variants: list[ProductVariant]
    images: list[ProductImage]
    created_at: datetime


@fraiseql.query
async def products(info, where=None, order_by=None, limit: int = 20,
                   offset: int = 0) -> list[Product]:
    """Products, filtered and ordered by the client."""
    db = info.context["db"]
    return await db.find("v_product", "products", info, where=where, order_by=order_by,
                         limit=limit, offset=offset)


@fraiseql.query
async def product(info, sku: str) -> Product | None:
    """One product by SKU."""
    return await info.context["db"].find_one("v_product", "product", info, sku=sku)


app = create_fraiseql_app(
    database_url=os.getenv("DATABASE_URL", "postgresql://localhost/ecommerce"),
    types=[Product, ProductStatus, Currency, Node],
    queries=[products, product],
    title="E-commerce catalog",
)
