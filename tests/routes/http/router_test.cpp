#include <gtest/gtest.h>

#include "routes/pipeline.hpp"

namespace emu::routes {
namespace {

response ok(const request_context&, state::state&) {
    return response::empty(204);
}

std::vector<std::string> split(const std::string& target) {
    request_context ctx;
    parse_target(ctx, target);
    return ctx.segments;
}

TEST(router, the_most_specific_template_wins) {
    const auto r = make_pipeline();
    // /v2/{project_id}/kafka/instances vs /v2/kafka/{project_id}/instances differ only by position.
    auto m = r.match("POST", split("/v2/0123456789abcdef0123456789abcdef/kafka/instances"));
    ASSERT_NE(m.found, nullptr);
    EXPECT_EQ(m.found->operation, "CreatePostPaidKafkaInstance");
    m = r.match("POST", split("/v2/kafka/0123456789abcdef0123456789abcdef/instances"));
    ASSERT_NE(m.found, nullptr);
    EXPECT_EQ(m.found->operation, "CreateInstanceByEngine");
    EXPECT_EQ(m.params, (string_pairs{{"project_id", "0123456789abcdef0123456789abcdef"}}));
}

TEST(router, literal_suffixes_beat_parameters) {
    pipeline r;
    r.add("POST", "/v2/{project_id}/x/{topic}", "ByTopic", service::dms, ok);
    r.add("POST", "/v2/{project_id}/x/delete", "Delete", service::dms, ok);
    EXPECT_EQ(r.match("POST", split("/v2/p/x/delete")).found->operation, "Delete");
    EXPECT_EQ(r.match("POST", split("/v2/p/x/other")).found->operation, "ByTopic");
}

TEST(router, every_table_row_is_reachable_by_its_own_template) {
    const auto r = make_pipeline();
    for (const auto& row : r.routes()) {
        std::string target;
        for (const auto& seg : row.segments) {
            target +=
                "/" + (seg.is_param ? (seg.text == "project_id" ? "0123456789abcdef0123456789abcdef" : "v")
                                    : seg.text);
        }
        const auto m = r.match(row.method, split(target));
        ASSERT_NE(m.found, nullptr) << row.path_template;
        EXPECT_EQ(m.found->operation, row.operation) << row.method << " " << target;
    }
}

TEST(router, method_and_empty_segments_must_match) {
    const auto r = make_pipeline();
    EXPECT_EQ(r.match("PATCH", split("/v2/0123456789abcdef0123456789abcdef/checkpoints")).found, nullptr);
    EXPECT_EQ(r.match("GET", split("/v2/0123456789abcdef0123456789abcdef/streams//")).found, nullptr);
    EXPECT_EQ(r.match("GET", split("/v2//streams/s")).found, nullptr);
}

// A trailing '/' is an optional empty last segment of the routes that accept it, never an empty parameter.
TEST(router, a_trailing_slash_matches_the_route_without_it_where_the_route_accepts_one) {
    router table;
    table.add("GET", "/v2/{project_id}/streams", "List", service::dis, route_auth::none, true);
    table.add("GET", "/v2/{project_id}/streams/{stream_name}", "Show", service::dis, route_auth::none, true);
    table.add("GET", "/v2/{project_id}/instances", "Instances", service::dms, route_auth::none);
    auto m = table.match("GET", split("/v2/p/streams/"));
    ASSERT_NE(m.found, nullptr);
    EXPECT_EQ(m.found->operation, "List");
    EXPECT_TRUE(m.trailing_slash);
    EXPECT_EQ(m.params, (string_pairs{{"project_id", "p"}}));
    m = table.match("GET", split("/v2/p/streams/s/"));
    ASSERT_NE(m.found, nullptr);
    EXPECT_EQ(m.found->operation, "Show");
    EXPECT_TRUE(m.trailing_slash);
    EXPECT_EQ(m.params, (string_pairs{{"project_id", "p"}, {"stream_name", "s"}}));
    m = table.match("GET", split("/v2/p/streams/s"));
    ASSERT_NE(m.found, nullptr);
    EXPECT_FALSE(m.trailing_slash);
    EXPECT_EQ(table.match("GET", split("/v2/p/instances/")).found, nullptr);
    ASSERT_NE(table.match("GET", split("/v2/p/instances")).found, nullptr);
    EXPECT_EQ(table.match("GET", split("/v2/p/streams/s//")).found, nullptr);
}

TEST(router, the_pipeline_gives_dis_routes_and_only_them_the_trailing_slash) {
    const auto r = make_pipeline();
    for (const auto& row : r.routes()) {
        EXPECT_EQ(row.trailing_slash, row.family == service::dis) << row.method << " " << row.path_template;
    }
}

TEST(router, dispatch_answers_unknown_paths_in_the_gateway_format) {
    const auto r = make_pipeline();
    state::state st;
    request_context ctx;
    ctx.request_id = "00000000000000000000000000000001";
    ctx.method = "GET";
    parse_target(ctx, "/v2/0123456789abcdef0123456789abcdef/instances/x/unknown");
    auto answer = r.handle(ctx, st);
    EXPECT_EQ(answer.status, 404U);
    EXPECT_EQ(
        answer.body,
        R"({"error_code":"APIG.0101","error_msg":"The API does not exist or has not been published in the environment.","request_id":"00000000000000000000000000000001"})");
    ctx.method = "GET";
    parse_target(ctx, "/v3/0123456789abcdef0123456789abcdef/streams/s");
    answer = r.handle(ctx, st);
    EXPECT_NE(answer.body.find("APIGW.0101"), std::string::npos);
}

TEST(request_parsing, path_segments_and_query_are_percent_decoded) {
    request_context ctx;
    parse_target(ctx, "/v2/p/apps/my%20app~x/streams/s%2F1?b=2&a=x%3Dy&flag&plus=a+b&bad=%zz");
    EXPECT_EQ(ctx.segments, (std::vector<std::string>{"v2", "p", "apps", "my app~x", "streams", "s/1"}));
    EXPECT_EQ(ctx.query,
              (string_pairs{{"b", "2"}, {"a", "x=y"}, {"flag", ""}, {"plus", "a+b"}, {"bad", "%zz"}}));
    EXPECT_EQ(*ctx.query_param("a"), "x=y");
    EXPECT_EQ(ctx.query_param("missing"), nullptr);
    EXPECT_EQ(ctx.raw_path, "/v2/p/apps/my%20app~x/streams/s%2F1");
}

TEST(request_parsing, headers_are_found_case_insensitively) {
    request_context ctx;
    ctx.headers = {{"X-Project-Id", "abc"}, {"content-type", "application/json"}};
    EXPECT_EQ(*ctx.header("x-project-id"), "abc");
    EXPECT_EQ(*ctx.header("Content-Type"), "application/json");
    EXPECT_EQ(ctx.header("authorization"), nullptr);
}

}  // namespace
}  // namespace emu::routes
