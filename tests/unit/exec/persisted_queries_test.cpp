// Automatic persisted queries (Apollo's protocol, docs/http.md): the first stage that
// touches a request's document. No database.

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "exec/persisted_queries.hpp"
#include "fraiseql/ascii.hpp"

namespace fraiseql::exec {
namespace {

request with_hash(std::string query, std::string hash) {
    request r;
    r.query = std::move(query);
    r.extensions = boost::json::parse(R"({"persistedQuery":{"version":1,"sha256Hash":")" + hash + "\"}}");
    return r;
}

TEST(persisted_queries, sha256_hex_is_lower_case_hex_of_the_text) {
    // FIPS 180-2 test vectors.
    EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(persisted_queries, a_registered_text_is_found_by_its_hash_in_either_case) {
    persisted_queries store(apq_mode::optional);
    const std::string q = "{ __typename }";
    auto reg = with_hash(q, sha256_hex(q));
    EXPECT_FALSE(store.resolve(reg).has_value());
    EXPECT_EQ(reg.query, q);
    EXPECT_EQ(store.size(), 1u);
    auto hit = with_hash("", ascii::to_lower(sha256_hex(q)));
    EXPECT_FALSE(store.resolve(hit).has_value());
    EXPECT_EQ(hit.query, q);
    std::string upper = sha256_hex(q);
    for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    auto hit_upper = with_hash("", upper);
    EXPECT_FALSE(store.resolve(hit_upper).has_value());
    EXPECT_EQ(hit_upper.query, q);
}

TEST(persisted_queries, an_unknown_hash_is_not_found_with_200) {
    persisted_queries store(apq_mode::optional);
    auto r = with_hash("", sha256_hex("{ x }"));
    auto refused = store.resolve(r);
    ASSERT_TRUE(refused.has_value());
    EXPECT_EQ(refused->status, 200u);
    ASSERT_EQ(refused->errors.size(), 1u);
    EXPECT_EQ(refused->errors[0].code, "PERSISTED_QUERY_NOT_FOUND");
    EXPECT_FALSE(refused->request_error);
}

TEST(persisted_queries, a_wrong_or_malformed_hash_is_bad_user_input_400) {
    persisted_queries store(apq_mode::optional);
    auto wrong = with_hash("{ __typename }", sha256_hex("{ other }"));
    auto a = store.resolve(wrong);
    ASSERT_TRUE(a.has_value());
    EXPECT_EQ(a->status, 400u);
    EXPECT_EQ(a->errors.at(0).code, "BAD_USER_INPUT");
    auto short_hash = with_hash("{ __typename }", "abc");
    auto b = store.resolve(short_hash);
    ASSERT_TRUE(b.has_value());
    EXPECT_EQ(b->status, 400u);
    EXPECT_EQ(store.size(), 0u) << "nothing is registered under a hash that does not match";
}

TEST(persisted_queries, the_modes_disabled_and_required) {
    persisted_queries disabled(apq_mode::disabled);
    auto r = with_hash("{ __typename }", sha256_hex("{ __typename }"));
    auto a = disabled.resolve(r);
    ASSERT_TRUE(a.has_value());
    EXPECT_EQ(a->status, 200u);
    EXPECT_EQ(a->errors.at(0).code, "PERSISTED_QUERY_NOT_SUPPORTED");
    request plain;
    plain.query = "{ __typename }";
    EXPECT_FALSE(disabled.resolve(plain).has_value()) << "a plain request passes when disabled";

    persisted_queries required(apq_mode::required);
    auto b = required.resolve(plain);
    ASSERT_TRUE(b.has_value());
    EXPECT_EQ(b->errors.at(0).code, "PERSISTED_QUERY_NOT_FOUND");
    auto with = with_hash("{ __typename }", sha256_hex("{ __typename }"));
    EXPECT_FALSE(required.resolve(with).has_value());
}

TEST(persisted_queries, a_hash_that_is_not_hex_is_bad_user_input) {
    // Nothing that is not a SHA-256 in hex is looked up (or, with apq_store = postgres, sent
    // to the table, whose CHECK accepts only lower-case hex).
    persisted_queries store(apq_mode::optional);
    auto r = with_hash("", std::string(63, 'a') + "g");
    auto refused = store.resolve(r);
    ASSERT_TRUE(refused.has_value());
    EXPECT_EQ(refused->status, 400u);
    EXPECT_EQ(refused->errors.at(0).code, "BAD_USER_INPUT");
}

TEST(persisted_queries, the_memory_store_is_bounded_by_apq_store_size) {
    config cfg;
    cfg.apq_store_size = 2;
    persisted_queries store(cfg, nullptr);
    for (const char* q : {"{ a: __typename }", "{ b: __typename }", "{ c: __typename }"}) {
        auto reg = with_hash(q, sha256_hex(q));
        EXPECT_FALSE(store.resolve(reg).has_value());
    }
    EXPECT_EQ(store.size(), 2u);
    auto oldest = with_hash("", sha256_hex("{ a: __typename }"));
    auto refused = store.resolve(oldest);
    ASSERT_TRUE(refused.has_value());
    EXPECT_EQ(refused->errors.at(0).code, "PERSISTED_QUERY_NOT_FOUND");
}

TEST(persisted_queries, the_configuration_keys) {
    config_sources src;
    src.environment = {{"FRAISEQL_APQ_STORE", "postgres"},
                       {"FRAISEQL_APQ_STORE_SIZE", "500"},
                       {"FRAISEQL_STATEMENT_CACHE", "unnamed"}};
    auto cfg = load_config(src);
    ASSERT_TRUE(cfg) << cfg.error();
    EXPECT_EQ(cfg->apq_store, apq_store_kind::postgres);
    EXPECT_EQ(cfg->apq_store_size, 500u);
    EXPECT_EQ(cfg->statement_cache, statement_cache_mode::unnamed);
    EXPECT_EQ(to_string(cfg->statement_cache), "unnamed");
    EXPECT_EQ(to_string(cfg->apq_store), "postgres");
    config defaults;
    EXPECT_EQ(defaults.apq_store, apq_store_kind::memory);
    EXPECT_EQ(defaults.statement_cache, statement_cache_mode::named);
    EXPECT_EQ(defaults.apq_store_size, 10000u);
    for (const auto& [key, value] : std::vector<std::pair<std::string, std::string>>{
             {"apq_store", "redis"}, {"statement_cache", "session"}, {"apq_store_size", "0"}}) {
        config c;
        auto r = apply_setting(c, key, value);
        ASSERT_FALSE(r) << key;
        EXPECT_NE(r.error().find(key), std::string::npos) << r.error();
    }
}

} // namespace
} // namespace fraiseql::exec
