// The read-replica keys (docs/scaling.md, docs/configuration.md): defaults, parsing, and the
// refusals that name the key.

#include <gtest/gtest.h>

#include "fraiseql/exec/config.hpp"

namespace fraiseql::exec {
namespace {

using namespace std::chrono_literals;

fraiseql::result<config, std::string> with(std::map<std::string, std::string> flags) {
    config_sources src;
    src.flags = std::move(flags);
    return load_config(src);
}

TEST(replica_config, defaults_have_no_replicas_and_identify_clients_by_sub) {
    auto c = load_config({});
    ASSERT_TRUE(c) << c.error();
    EXPECT_TRUE(c->replica_urls.empty());
    EXPECT_EQ(c->replica_pool_size, 10u);
    EXPECT_EQ(c->replica_max_lag, 10s);
    EXPECT_TRUE(c->replica_fallback_primary);
    EXPECT_EQ(c->read_your_writes_window, 5s);
    EXPECT_EQ(c->read_your_writes_client.source, client_identity::source_kind::claim);
    EXPECT_EQ(c->read_your_writes_client.name, "sub");
}

TEST(replica_config, values_are_parsed) {
    auto c = with({{"replica_urls", " postgres://a:1/x , postgres://b:2/x,"},
                   {"replica_pool_size", "4"},
                   {"replica_max_lag", "1500ms"},
                   {"replica_fallback", "Error"},
                   {"read_your_writes_window", "0"},
                   {"read_your_writes_client", "header:X-Client-Id"}});
    ASSERT_TRUE(c) << c.error();
    EXPECT_EQ(c->replica_urls, (std::vector<std::string>{"postgres://a:1/x", "postgres://b:2/x"}));
    EXPECT_EQ(c->replica_pool_size, 4u);
    EXPECT_EQ(c->replica_max_lag, 1500ms);
    EXPECT_FALSE(c->replica_fallback_primary);
    EXPECT_EQ(c->read_your_writes_window, 0ms);
    EXPECT_EQ(c->read_your_writes_client.source, client_identity::source_kind::header);
    EXPECT_EQ(c->read_your_writes_client.name, "x-client-id");
    auto none = with({{"read_your_writes_client", "none"}});
    ASSERT_TRUE(none) << none.error();
    EXPECT_EQ(none->read_your_writes_client.source, client_identity::source_kind::none);
}

TEST(replica_config, a_session_setting_identity_must_be_a_configured_session_variable) {
    auto ok = with({{"session_variables", "app.user_id=claim:uid"},
                    {"read_your_writes_client", "app.user_id"}});
    ASSERT_TRUE(ok) << ok.error();
    EXPECT_EQ(ok->read_your_writes_client.source, client_identity::source_kind::session);
    EXPECT_EQ(ok->read_your_writes_client.name, "app.user_id");
    auto missing = with({{"read_your_writes_client", "app.user_id"}});
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.error().find("read_your_writes_client"), std::string::npos) << missing.error();
}

TEST(replica_config, bad_values_are_refused_naming_the_key) {
    for (const auto& [key, value] :
         std::vector<std::pair<std::string, std::string>>{{"replica_fallback", "replica"},
                                                          {"replica_pool_size", "0"},
                                                          {"replica_max_lag", "10 parsecs"},
                                                          {"read_your_writes_client", "sub"},
                                                          {"read_your_writes_client", "claim:"}}) {
        auto c = with({{key, value}});
        ASSERT_FALSE(c) << key << "=" << value;
        EXPECT_NE(c.error().find(key), std::string::npos) << c.error();
    }
}

} // namespace
} // namespace fraiseql::exec
