// Paths and query strings as DIS's own SDKs write them (shared/reference/dis-native-sdks.md §2, §4, §5):
// every DIS route also answers with a trailing '/', the same operation in the journal and the metrics;
// DMS and control-plane paths keep their one spelling; query strings with a trailing '&', empty pairs and
// unencoded base64. The routes only the native SDKs call are in native_routes_test.cpp, each SDK's request
// shapes in native_{java,python,go}_test.cpp.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "routes/pipeline.hpp"
#include "tests/support/dis_client.hpp"
#include "tests/support/native_dis_client.hpp"
#include "tests/support/test_server.hpp"

namespace emu::test {
namespace {

// A concrete path for a route template: the test project, "x" for every other parameter.
std::string concrete(const routes::route& r) {
    std::string out;
    for (const auto& segment : r.segments) {
        out += "/";
        out += !segment.is_param              ? segment.text
               : segment.text == "project_id" ? project_id
                                              : std::string("x");
    }
    return out;
}

std::vector<routes::route> dis_routes() {
    std::vector<routes::route> out;
    const auto table = routes::make_pipeline();
    for (const auto& r : table.routes()) {
        if (r.family == routes::service::dis) out.push_back(r);
    }
    return out;
}

// The last `n` journal entries, oldest first.
rapidjson::Document journal(const test_server& server, int n) {
    return http_request(server.port(), "GET", "/_emulator/requests?limit=" + std::to_string(n)).json();
}

http_reply create_stream(const test_server& server, const std::string& name, int partitions) {
    return server.request(
        "POST", path("/streams/"),
        R"({"stream_name":")" + name + R"(","partition_count":)" + std::to_string(partitions) + "}");
}

// ==== the trailing '/' ==================================================================================

TEST(native_paths, every_dis_route_answers_with_a_trailing_slash_exactly_as_without) {
    test_server server;
    const auto routes = dis_routes();
    ASSERT_GE(routes.size(), 16U);
    for (const auto& r : routes) {
        const std::string target = concrete(r);
        SCOPED_TRACE(r.method + " " + target + " (" + r.operation + ")");
        // Requests that change nothing (unknown names, empty bodies): both spellings get the same answer.
        const auto plain = server.request(r.method, target);
        const auto slashed = server.request(r.method, target + "/");
        EXPECT_NE(slashed.status, 404U) << slashed.body;
        EXPECT_EQ(slashed.status, plain.status);
        EXPECT_EQ(slashed.body, plain.body);
        EXPECT_EQ(slashed.header("content-type"), plain.header("content-type"));
        // One route, so one operation in the journal; its path is the one sent.
        const auto entries = journal(server, 2);
        ASSERT_EQ(entries["requests"].Size(), 2U);
        EXPECT_TRUE(has_string(entries["requests"][0], "operation", r.operation));
        EXPECT_TRUE(has_string(entries["requests"][1], "operation", r.operation));
        EXPECT_TRUE(has_string(entries["requests"][0], "path", target));
        EXPECT_TRUE(has_string(entries["requests"][1], "path", target + "/"));
    }
}

TEST(native_paths, a_slashed_request_counts_under_its_operation_in_the_metrics) {
    test_server server;
    ASSERT_EQ(server.request("GET", path("/streams")).status, 200U);
    ASSERT_EQ(server.request("GET", path("/streams/")).status, 200U);
    ASSERT_EQ(server.request("GET", path("/streams/?limit=5&")).status, 200U);
    const auto metrics = http_request(server.port(), "GET", "/_emulator/metrics").body;
    EXPECT_NE(metrics.find(R"(stream_emulator_requests_total{operation="ListStreams",status="200"} 3)"),
              std::string::npos)
        << metrics;
    EXPECT_EQ(metrics.find(R"(stream_emulator_requests_total{operation="unknown")"), std::string::npos)
        << metrics;
}

TEST(native_paths, path_parameters_are_the_same_with_the_slash) {
    test_server server;
    ASSERT_TRUE(is_empty_answer(create_stream(server, "orders", 2), 201));
    const auto body = server.request("GET", path("/streams/orders/")).json();
    EXPECT_TRUE(has_string(body, "stream_name", "orders"));
    EXPECT_EQ(body["partitions"].Size(), 2U);
    ASSERT_TRUE(is_empty_answer(create_app(server, "billing"), 201));
    const auto state =
        server.request("GET", path("/apps/billing/streams/orders/?checkpoint_type=LAST_READ&"));
    ASSERT_TRUE(is_json_answer(state));
    EXPECT_TRUE(has_string(state.json(), "app_name", "billing"));
    EXPECT_TRUE(is_empty_answer(server.request("DELETE", path("/apps/billing/")), 204));
    EXPECT_TRUE(is_empty_answer(server.request("DELETE", path("/streams/orders/")), 204));
    EXPECT_TRUE(is_dis_error(server.request("GET", path("/streams/orders")), "DIS.4301",
                             "The stream does not exist. [orders][" + project_id + "]"));
}

TEST(native_paths, only_one_trailing_slash_and_no_empty_inner_segment) {
    test_server server;
    for (const std::string rest :
         {"/streams//", "//streams", "/streams//x", "/apps/x//", "/checkpoints///"}) {
        SCOPED_TRACE(rest);
        const auto reply = server.request("GET", path(rest));
        EXPECT_EQ(reply.status, 404U);
        EXPECT_TRUE(has_string(reply.json(), "error_code", "APIGW.0101"));
    }
}

// The DMS SDKs (the generic v3 SDKs) never end a path with '/', so DMS keeps one spelling, as do the
// emulator's own routes.
TEST(native_paths, dms_and_control_plane_paths_take_no_trailing_slash) {
    test_server server;
    auto reply = server.request("GET", "/v2/" + project_id + "/instances/?engine=kafka");
    EXPECT_EQ(reply.status, 404U);
    EXPECT_TRUE(has_string(reply.json(), "error_code", "APIG.0101"));
    ASSERT_EQ(server.request("GET", "/v2/" + project_id + "/instances?engine=kafka").status, 200U);
    reply = http_request(server.port(), "GET", "/_emulator/health/");
    EXPECT_EQ(reply.status, 404U);
    EXPECT_TRUE(has_string(reply.json(), "error_code", "APIGW.0101"));
}

TEST(native_paths, a_fault_rule_on_the_route_template_catches_the_slashed_path) {
    test_server server;
    const auto added = http_request(server.port(), "POST", "/_emulator/faults",
                                    R"({"path":"/v2/{project_id}/streams","method":"GET","status":503})",
                                    {{"Content-Type", "application/json"}});
    ASSERT_EQ(added.status, 201U) << added.body;
    for (const std::string rest : {"/streams", "/streams/"}) {
        SCOPED_TRACE(rest);
        EXPECT_TRUE(is_dis_error(server.request("GET", path(rest)), "DIS.5000", "System error.", 503));
    }
}

// Both canonical forms end the URI with one '/' whatever the path (auth.md §2.3, §5), so a slashed path
// verifies in strict mode signed either way.
TEST(native_paths, strict_mode_verifies_a_slashed_path_in_the_sdk_core_and_the_legacy_form) {
    test_server server(native_strict_settings());
    ASSERT_TRUE(is_empty_answer(create_stream(server, "orders", 1), 201));
    const sdk_client core(server, native_access_key, native_secret_key);
    const native_client legacy(server, native_sdk::java);
    for (const std::string rest : {"/streams/orders/", "/streams/orders"}) {
        SCOPED_TRACE(rest);
        auto reply = core.call("GET", rest, {{"limit_partitions", "10"}});
        ASSERT_TRUE(is_json_answer(reply));
        EXPECT_TRUE(has_string(reply.json(), "stream_name", "orders"));
        reply = legacy.call("GET", rest, {{"limit_partitions", "10"}});
        ASSERT_TRUE(is_json_answer(reply));
        EXPECT_TRUE(has_string(reply.json(), "stream_name", "orders"));
    }
    const sdk_client wrong(server, native_access_key, "not-the-secret");
    const auto reply = wrong.call("GET", "/streams/orders/");
    EXPECT_EQ(reply.status, 401U);
    EXPECT_TRUE(has_string(reply.json(), "error_code", "APIGW.0301"));
}

// ==== query strings =====================================================================================

TEST(native_paths, a_trailing_ampersand_and_empty_pairs_are_ignored) {
    test_server server;
    for (const std::string name : {"a1", "a2", "a3"})
        ASSERT_TRUE(is_empty_answer(create_stream(server, name, 1), 201));
    for (const std::string query : {"limit=1&start_stream_name=a1&", "&limit=1&&start_stream_name=a1&&",
                                    "start_stream_name=a1&limit=1&"}) {
        SCOPED_TRACE(query);
        const auto reply = server.request("GET", path("/streams/?" + query));
        ASSERT_TRUE(is_json_answer(reply));
        const auto body = reply.json();
        ASSERT_EQ(body["stream_names"].Size(), 1U);
        EXPECT_STREQ(body["stream_names"][0].GetString(), "a2");
    }
}

TEST(native_paths, a_parameter_given_twice_is_still_refused_with_a_trailing_ampersand) {
    test_server server;
    EXPECT_TRUE(is_dis_error(server.request("GET", path("/streams/?limit=1&limit=2&")), "DIS.4200",
                             "Invalid request. [limit is given more than once]"));
}

// Cursors are base64; a Java or Go client writes a value unencoded, so '+', '/' and '=' arrive as they are
// and must stay: '+' is never read as a space (auth.md §2.3: decode only %XX).
TEST(native_paths, unencoded_base64_in_a_value_is_read_as_it_is) {
    test_server server;
    for (const std::string cursor : {"ab+cd/ef==", "ab%2Bcd%2Fef%3D%3D"}) {
        SCOPED_TRACE(cursor);
        EXPECT_TRUE(is_dis_error(server.request("GET", path("/records/?partition-cursor=" + cursor + "&")),
                                 "DIS.4217", "Invalid partition cursor. [ab+cd/ef==]"));
    }
}

}  // namespace
}  // namespace emu::test
