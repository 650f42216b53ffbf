#pragma once
// How a stage of the request pipeline refuses a request before any root field runs
// (docs/adr/0012-engine-stages-and-auth.md): the errors of the body and the HTTP answer.

#include <string>
#include <utility>
#include <vector>

#include "fraiseql/graphql/error.hpp"

namespace fraiseql::exec {

struct refusal {
    std::vector<graphql::error> errors;
    unsigned status = 400;
    /// A GraphQL request error: the document did not parse, failed validation or a limit,
    /// or its variables could not be coerced. GraphQL-over-HTTP answers it 200 to a client
    /// that accepts only application/json and 400 with application/graphql-response+json;
    /// the HTTP layer knows the media type and decides (docs/http.md).
    bool request_error = false;
    bool mutation_over_get = false; ///< the GET rule: the HTTP layer answers 405, Allow: POST
    std::string www_authenticate;   ///< with 401: the RFC 6750 §3 challenge

    static refusal of(graphql::error e, unsigned status) {
        refusal r;
        r.errors.push_back(std::move(e));
        r.status = status;
        return r;
    }
    static refusal request_errors(std::vector<graphql::error> errors) {
        refusal r;
        r.errors = std::move(errors);
        r.request_error = true;
        return r;
    }
};

} // namespace fraiseql::exec
