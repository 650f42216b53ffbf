#pragma once
// A GraphQL input value from JSON (variables written as JSON in tests): one conversion for
// every test that needs it.
#include <string>

#include <boost/json/value.hpp>

#include "fraiseql/graphql/value.hpp"

namespace fraiseql::test {

inline graphql::input_value input_from_json(const boost::json::value& v) {
    using graphql::input_value;
    switch (v.kind()) {
    case boost::json::kind::null: return input_value::null();
    case boost::json::kind::bool_: return input_value::boolean(v.get_bool());
    case boost::json::kind::int64: return input_value::integer(v.get_int64());
    case boost::json::kind::uint64: return input_value::floating(double(v.get_uint64()));
    case boost::json::kind::double_: return input_value::floating(v.get_double());
    case boost::json::kind::string: return input_value::string(std::string(v.get_string()));
    case boost::json::kind::array: {
        input_value::list_t items;
        for (const auto& x : v.get_array()) items.push_back(input_from_json(x));
        return input_value::list(std::move(items));
    }
    case boost::json::kind::object: {
        input_value::object_t fields;
        for (const auto& [k, x] : v.get_object())
            fields.emplace_back(std::string(k), input_from_json(x));
        return input_value::object(std::move(fields));
    }
    }
    return input_value::null();
}

} // namespace fraiseql::test
