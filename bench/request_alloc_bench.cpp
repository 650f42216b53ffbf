// Heap allocations of writing one response (issue 15: zero per request after warm-up),
// counted by a replaced global operator new (tests/unit/json/counting_new.hpp), and its time.
//
//   BM_head_beast           : what the server did before: a Beast response with its header
//                             map (Content-Type, X-Request-Id, Content-Length via
//                             prepare_payload) serialised by Beast's serializer
//   BM_head_prebuilt        : src/http/response_head.hpp into the connection's kept buffer
//   BM_write_response_by_id : exec::write_response for the by-id shape, the value and the
//                             body from the per-thread spare buffers (json/buffer_pool.hpp)
//
// Counter allocs_per_response: operator new calls per iteration (a count: it does not move
// with the machine's load). bench/counts.sh measures the whole request in the server.

#include <benchmark/benchmark.h>

#include <boost/beast/http.hpp>

#include "exec/response_writer.hpp"
#include "fraiseql/json/buffer_pool.hpp"
#include "http/response_head.hpp"
#include "unit/json/counting_new.hpp"

namespace {

namespace bhttp = boost::beast::http;
using fraiseql::test::allocation_count;

constexpr std::string_view by_id_value =
    R"({"id":"24c9e15e-52af-c47c-225b-757e7bee1f9d","email":"user42@example.com",)"
    R"("firstName":"Ada"})";

void report(benchmark::State& state, const allocation_count& count) {
    state.counters["allocs_per_response"] =
        static_cast<double>(count()) / static_cast<double>(state.iterations());
}

void BM_head_beast(benchmark::State& state) {
    std::string out;
    std::string body(by_id_value);
    allocation_count count;
    for (auto _ : state) {
        bhttp::response<bhttp::string_body> res(bhttp::status::ok, 11);
        res.set(bhttp::field::content_type, "application/json; charset=utf-8");
        res.set("X-Request-Id", "0123abcd-000001");
        res.body() = std::move(body);
        res.keep_alive(true);
        res.prepare_payload();
        bhttp::serializer<false, bhttp::string_body> sr(res);
        out.clear();
        boost::system::error_code ec;
        while (!sr.is_done()) {
            sr.next(ec, [&](boost::system::error_code&, const auto& buffers) {
                std::size_t n = 0;
                for (auto b : boost::beast::buffers_range_ref(buffers)) {
                    out.append(static_cast<const char*>(b.data()), b.size());
                    n += b.size();
                }
                sr.consume(n);
            });
        }
        body = std::move(res.body());
        benchmark::DoNotOptimize(out.data());
    }
    report(state, count);
}
BENCHMARK(BM_head_beast);

void BM_head_prebuilt(benchmark::State& state) {
    std::string head;
    std::string body(by_id_value);
    fraiseql::http::head_options opt;
    opt.request_id = "0123abcd-000001";
    allocation_count count;
    for (auto _ : state) {
        fraiseql::http::response res(200, fraiseql::http::json_media, std::move(body));
        head.clear();
        fraiseql::http::append_head(head, res, opt);
        body = std::move(res.body);
        benchmark::DoNotOptimize(head.data());
    }
    report(state, count);
}
BENCHMARK(BM_head_prebuilt);

void BM_write_response_by_id(benchmark::State& state) {
    using namespace fraiseql;
    graphql::field_def user;
    user.name = "user";
    user.type = graphql::type_expr::named("User");
    graphql::operation_plan plan;
    graphql::field_plan fp;
    fp.response_key = fp.name = "user";
    fp.field = &user;
    plan.root_fields.push_back(std::move(fp));
    std::vector<graphql::error> errors;
    std::size_t outside = 0; // the runner's result vector: not the response stage's
    allocation_count count;
    for (auto _ : state) {
        allocation_count setup;
        exec::roots_outcome o;
        o.results.resize(1);
        outside += setup();
        o.results[0].json = json::take_buffer();
        o.results[0].json.append(by_id_value);
        auto res = exec::write_response(plan, std::move(o), errors);
        benchmark::DoNotOptimize(res.body.data());
        json::give_back(res.body);
    }
    state.counters["allocs_per_response"] =
        static_cast<double>(count() - outside) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_write_response_by_id);

} // namespace

BENCHMARK_MAIN();
