"""``FraiseQLConfig``: the 1.x settings, mapped to the native server's keys.

1.x read its settings from keyword arguments and ``FRAISEQL_<FIELD>`` environment variables
(pydantic-settings). This class keeps both, without pydantic, and ``native_settings()`` gives
the native server's keys (docs/configuration.md); a 1.x setting with no native meaning that
changes behaviour is refused with its name (``unsupported()``), one that only tuned 1.x's
Python machinery is ignored and listed in docs/python.md.
"""

from __future__ import annotations

import os

# The native server's configuration keys (docs/configuration.md).
NATIVE_KEYS = frozenset(
    "schema database_url backend pool_size pool_timeout statement_timeout request_timeout "
    "shutdown_timeout port host threads environment introspection max_query_depth max_aliases "
    "max_page_size max_body_size max_batch_size max_fields max_filter_conditions "
    "max_connections header_timeout body_timeout write_timeout keepalive_timeout apq_mode "
    "plan_cache_size cors_origins jwt_secret jwt_public_key_file jwt_jwks_file jwt_issuer "
    "jwt_audience jwt_leeway allow_anonymous session_variables log_level log_format".split())

# 1.x field -> native key, for settings whose meaning carries over.
_RENAMED = {
    "database_pool_size": "pool_size",
    "database_pool_timeout": "pool_timeout",
    "query_timeout": "statement_timeout",
    "introspection_policy": "introspection",
}

# 1.x settings that tuned its Python/Rust machinery and have no effect on answers.
IGNORED = frozenset(
    "app_name app_version database_max_overflow database_pool_recycle database_echo "
    "enable_playground playground_tool auto_camel_case execution_timeout_ms "
    "include_execution_metadata jsonb_field_limit_threshold default_query_schema "
    "cache_ttl turbo_router_cache_size apq_storage_backend apq_backend_config "
    "apq_cache_responses apq_response_cache_ttl apq_queries_dir complexity_enabled "
    "complexity_max_score complexity_max_depth complexity_default_list_size "
    "complexity_include_in_response complexity_field_multipliers cors_methods cors_headers "
    "revocation_enabled revocation_ttl revocation_cleanup_interval revocation_store_type "
    "rate_limit_enabled rate_limit_requests_per_minute rate_limit_requests_per_hour "
    "rate_limit_burst_size rate_limit_window_type rate_limit_whitelist rate_limit_blacklist "
    "dev_auth_username dev_auth_password default_error_config default_string_collation "
    "coordinate_distance_method entity_routing".split())

_DEFAULTS = {
    "database_url": None, "environment": "development", "auth_enabled": True,
    "auth_provider": None, "auth0_domain": None, "auth0_api_identifier": None,
    "default_mutation_schema": "public", "session_variables": {}, "cors_enabled": False,
    "cors_origins": [], "max_query_depth": None,
}


class FraiseQLConfig:
    """1.x's configuration object: ``FraiseQLConfig(database_url=..., environment=...)``."""

    def __init__(self, **kwargs):
        values = dict(_DEFAULTS)
        for k in list(_DEFAULTS) + list(_RENAMED) + sorted(NATIVE_KEYS) + sorted(IGNORED):
            env = os.environ.get("FRAISEQL_" + k.upper())
            if env is not None and k != "backend":
                values[k] = env
        values.update(kwargs)
        object.__setattr__(self, "_values", values)

    def __getattr__(self, name):
        values = object.__getattribute__(self, "_values")
        if name in values:
            return values[name]
        raise AttributeError(name)

    def __setattr__(self, name, value):
        self._values[name] = value

    def unsupported(self) -> list[str]:
        """Settings that would change behaviour and have no native equivalent."""
        out = []
        for k, v in self._values.items():
            if k in _DEFAULTS or k in _RENAMED or k in NATIVE_KEYS or k in IGNORED:
                continue
            out.append(f"FraiseQLConfig({k}=...) has no native equivalent")
        if self._values.get("auth_provider") == "auth0" or self._values.get("auth0_domain"):
            if not (self._values.get("jwt_jwks_file") or self._values.get("jwt_public_key_file")):
                out.append("auth_provider='auth0': the native server verifies tokens with a "
                           "local key or JWKS file: download https://<auth0_domain>/.well-known/"
                           "jwks.json and set FraiseQLConfig(jwt_jwks_file=...)")
        return out

    def authenticates(self) -> bool:
        v = self._values
        return bool(v.get("auth_enabled")) and bool(
            v.get("jwt_secret") or v.get("jwt_public_key_file") or v.get("jwt_jwks_file"))

    def native_settings(self) -> dict:
        """The native server's settings (key -> string)."""
        v = self._values
        out: dict[str, str] = {}
        for k, val in v.items():
            if val is None or k in IGNORED:
                continue
            key = _RENAMED.get(k, k)
            if key not in NATIVE_KEYS or key in ("session_variables", "cors_origins"):
                continue
            if key in ("pool_timeout", "statement_timeout") and isinstance(val, (int, float)):
                val = f"{int(val)}s"
            if isinstance(val, bool):
                val = "true" if val else "false"
            out[key] = str(val)
        if out.get("environment") not in ("development", "production", None):
            out["environment"] = "development"  # 1.x's testing/staging
        if v.get("cors_enabled") and v.get("cors_origins"):
            origins = v["cors_origins"]
            out["cors_origins"] = origins if isinstance(origins, str) else ",".join(origins)
        if v.get("auth0_domain"):
            out.setdefault("jwt_issuer", f"https://{v['auth0_domain']}/")
            if v.get("auth0_api_identifier"):
                out.setdefault("jwt_audience", v["auth0_api_identifier"])
        if self.authenticates():
            out.setdefault("allow_anonymous", "false")
        sv = v.get("session_variables") or {}
        if isinstance(sv, dict) and sv:
            # 1.x: {context_key: setting}; the native server reads the value from the token.
            out["session_variables"] = ",".join(f"{setting}=claim:{key}"
                                                 for key, setting in sv.items())
        elif isinstance(sv, str) and sv:
            out["session_variables"] = sv
        return out
