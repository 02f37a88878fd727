// Route tests for the generic SDK's UpdateStream (PUT /v3/{project_id}/streams/{stream_name}) and
// ListPolicies (GET /v2/{project_id}/streams/{stream_name}/policies).
#include <gtest/gtest.h>

#include <string>

#include "tests/support/dis_client.hpp"
#include "tests/support/test_server.hpp"

namespace emu::test {
namespace {

std::string v3(const std::string& rest, const std::string& project = project_id) {
    return "/v3/" + project + rest;
}

TEST(dis_update_stream_v3, changes_the_configuration_and_answers_204) {
    test_server server;
    ASSERT_EQ(
        server.request("POST", path("/streams"), R"({"stream_name":"orders","partition_count":1})").status,
        201U);
    server.clock().now_ms += 1000;
    EXPECT_TRUE(
        is_empty_answer(server.request("PUT", v3("/streams/orders"),
                                       R"({"stream_name":"orders","data_duration":48,"data_type":"JSON",)"
                                       R"("auto_scale_enabled":true,"auto_scale_min_partition_count":1,)"
                                       R"("auto_scale_max_partition_count":4})"),
                        204));
    const auto shown = server.request("GET", path("/streams/orders")).json();
    EXPECT_TRUE(has_int(shown, "retention_period", 48));
    EXPECT_TRUE(has_string(shown, "data_type", "JSON"));
    EXPECT_TRUE(has_bool(shown, "auto_scale_enabled", true));
    EXPECT_TRUE(has_int(shown, "auto_scale_max_partition_count", 4));
    EXPECT_TRUE(has_int(shown, "last_modified_time", server.clock().now_ms.load()));
}

TEST(dis_update_stream_v3, refusals_change_nothing) {
    test_server server;
    ASSERT_EQ(
        server.request("POST", path("/streams"), R"({"stream_name":"orders","partition_count":1})").status,
        201U);
    EXPECT_TRUE(is_dis_error(
        server.request("PUT", v3("/streams/orders"), R"({"stream_name":"other","data_duration":48})"),
        "DIS.4200", "Invalid request. [stream_name: must be the stream of the path]"));
    EXPECT_TRUE(is_dis_error(
        server.request("PUT", v3("/streams/orders"), R"({"stream_name":"orders","data_duration":73})"),
        "DIS.4200", "Invalid request. [data_duration: must be from 24 to 72]"));
    EXPECT_TRUE(is_dis_error(
        server.request("PUT", v3("/streams/nope"), R"({"stream_name":"nope","data_duration":48})"),
        "DIS.4301", "The stream does not exist. [nope][" + std::string(project_id) + "]"));
    EXPECT_TRUE(
        is_dis_error(server.request("PUT", v3("/streams/orders", "bad"), R"({"stream_name":"orders"})"),
                     "DIS.4117", "Invalid Project Id. [bad]"));
    EXPECT_TRUE(is_dis_error(server.request("PUT", v3("/streams/orders"), ""), "DIS.4202", "Empty request."));
    // The journal names the operation.
    const auto journal = server.request("GET", "/_emulator/requests?limit=1").json();
    EXPECT_TRUE(has_string(journal["requests"][0], "operation", "UpdateStream"));
    EXPECT_TRUE(has_int(server.request("GET", path("/streams/orders")).json(), "retention_period", 24));
}

TEST(dis_list_policies, the_stream_id_and_no_rules) {
    test_server server;
    ASSERT_EQ(
        server.request("POST", path("/streams"), R"({"stream_name":"orders","partition_count":1})").status,
        201U);
    const std::string id = server.request("GET", path("/streams/orders")).json()["stream_id"].GetString();
    const auto reply = server.request("GET", path("/streams/orders/policies"));
    ASSERT_TRUE(is_json_answer(reply));
    EXPECT_EQ(reply.body, R"({"stream_id":")" + std::string(id) + R"(","rules":[]})");
    EXPECT_TRUE(is_dis_error(server.request("GET", path("/streams/nope/policies")), "DIS.4301",
                             "The stream does not exist. [nope][" + std::string(project_id) + "]"));
}

}  // namespace
}  // namespace emu::test
