// Route tests for DIS list streams, delete stream and update partition count (reference dis-api.md §4.2,
// §4.4, §4.5), and for what scaling shows in show stream: exact shapes and JSON types, every documented
// error, and that a refused request changes nothing.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/support/dis_client.hpp"
#include "tests/support/test_server.hpp"

namespace emu::test {
namespace {

constexpr std::int64_t start_ms = 1'700'000'000'000;
constexpr std::int64_t day_ms = 24LL * 3'600'000;

http_reply create_stream(const test_server& server, const std::string& name, int partitions,
                         const std::string& project = project_id) {
    return server.request(
        "POST", path("/streams", project),
        R"({"stream_name":")" + name + R"(","partition_count":)" + std::to_string(partitions) + "}");
}

http_reply send_to(const test_server& server, const std::string& stream, const std::string& partition,
                   int count = 1) {
    std::string records;
    for (int i = 0; i < count; ++i) {
        records +=
            std::string(i == 0 ? "" : ",") + R"({"data":"ZGF0YQ==","partition_id":")" + partition + R"("})";
    }
    return server.request("POST", path("/records"),
                          R"({"stream_name":")" + stream + R"(","records":[)" + records + "]}");
}

http_reply update(const test_server& server, const std::string& stream, const std::string& body) {
    return server.request("PUT", path("/streams/" + stream), body);
}

http_reply scale(const test_server& server, const std::string& stream, int target) {
    return update(
        server, stream,
        R"({"stream_name":")" + stream + R"(","target_partition_count":)" + std::to_string(target) + "}");
}

rapidjson::Document shown(const test_server& server, const std::string& stream) {
    const auto reply = server.request("GET", path("/streams/" + stream));
    EXPECT_TRUE(is_json_answer(reply)) << reply.body;
    return reply.json();
}

std::vector<std::string> names_of(const rapidjson::Value& body) {
    std::vector<std::string> out;
    for (const auto& name : body["stream_names"].GetArray()) out.emplace_back(name.GetString());
    return out;
}

// --- GET /v2/{project_id}/streams -------------------------------------------------------------------------

TEST(dis_list_streams, every_field_with_its_type) {
    test_server server;
    ASSERT_EQ(create_stream(server, "orders", 2).status, 201U);
    const auto reply = server.request("GET", path("/streams"));
    ASSERT_TRUE(is_json_answer(reply));
    const auto body = reply.json();
    EXPECT_TRUE(has_members(body, {"total_number", "stream_names", "has_more_streams", "stream_info_list"}));
    EXPECT_TRUE(has_int(body, "total_number", 1));
    EXPECT_TRUE(has_bool(body, "has_more_streams", false));
    EXPECT_EQ(names_of(body), std::vector<std::string>{"orders"});
    ASSERT_EQ(body["stream_info_list"].Size(), 1U);
    const auto& info = body["stream_info_list"][0];
    EXPECT_TRUE(has_members(
        info, {"stream_name", "stream_id", "create_time", "retention_period", "status", "stream_type",
               "data_type", "partition_count", "auto_scale_enabled", "auto_scale_min_partition_count",
               "auto_scale_max_partition_count", "tags", "sys_tags"}));
    EXPECT_TRUE(has_string(info, "stream_name", "orders"));
    EXPECT_TRUE(info["stream_id"].IsString());
    EXPECT_TRUE(has_int(info, "create_time", start_ms));
    EXPECT_TRUE(has_int(info, "retention_period", 24));
    EXPECT_TRUE(has_string(info, "status", "RUNNING"));
    EXPECT_TRUE(has_string(info, "stream_type", "COMMON"));
    EXPECT_TRUE(has_string(info, "data_type", "BLOB"));
    EXPECT_TRUE(has_int(info, "partition_count", 2));
    EXPECT_TRUE(has_bool(info, "auto_scale_enabled", false));
    EXPECT_TRUE(has_int(info, "auto_scale_min_partition_count", 0));
    EXPECT_TRUE(has_int(info, "auto_scale_max_partition_count", 0));
    EXPECT_TRUE(has_empty_array(info, "tags"));
    EXPECT_TRUE(has_empty_array(info, "sys_tags"));
}

TEST(dis_list_streams, sorted_by_name_ten_per_page_by_default_and_paged_by_start_stream_name) {
    test_server server;
    std::vector<std::string> all;
    for (int i = 11; i >= 0; --i) {
        const std::string name = "s" + std::string(i < 10 ? "0" : "") + std::to_string(i);
        ASSERT_EQ(create_stream(server, name, 1).status, 201U);
    }
    for (int i = 0; i < 12; ++i) all.push_back("s" + std::string(i < 10 ? "0" : "") + std::to_string(i));
    auto body = server.request("GET", path("/streams")).json();
    EXPECT_EQ(names_of(body), std::vector<std::string>(all.begin(), all.begin() + 10));
    EXPECT_TRUE(has_bool(body, "has_more_streams", true));
    EXPECT_TRUE(has_int(body, "total_number", 12));
    body = server.request("GET", path("/streams?start_stream_name=s09&limit=10")).json();
    EXPECT_EQ(names_of(body), std::vector<std::string>(all.begin() + 10, all.end()));
    EXPECT_TRUE(has_bool(body, "has_more_streams", false));
    EXPECT_TRUE(has_int(body, "total_number", 12));
    body = server.request("GET", path("/streams?limit=1&start_stream_name=s00")).json();
    EXPECT_EQ(names_of(body), std::vector<std::string>{"s01"});
    EXPECT_EQ(body["stream_info_list"][0]["stream_name"].GetString(), std::string("s01"));
    body = server.request("GET", path("/streams?limit=100")).json();
    EXPECT_EQ(names_of(body), all);
}

TEST(dis_list_streams, empty_project_answers_zero) {
    test_server server;
    const auto body = server.request("GET", path("/streams")).json();
    EXPECT_TRUE(has_int(body, "total_number", 0));
    EXPECT_TRUE(has_empty_array(body, "stream_names"));
    EXPECT_TRUE(has_empty_array(body, "stream_info_list"));
    EXPECT_TRUE(has_bool(body, "has_more_streams", false));
}

TEST(dis_list_streams, limit_outside_1_to_100_is_dis_4200) {
    test_server server;
    for (const std::string limit : {"0", "101", "-1", "ten", ""}) {
        SCOPED_TRACE(limit);
        EXPECT_TRUE(is_dis_error(server.request("GET", path("/streams?limit=" + limit)), "DIS.4200",
                                 "Invalid request. [limit: must be an integer from 1 to 100]"));
    }
}

TEST(dis_list_streams, malformed_project_id_or_other_x_project_id_is_dis_4117) {
    test_server server;
    EXPECT_TRUE(is_dis_error(server.request("GET", path("/streams", "bad")), "DIS.4117",
                             "Invalid Project Id. [bad]"));
    EXPECT_TRUE(
        is_dis_error(server.request("GET", path("/streams"), {}, {{"X-Project-Id", other_project_id}}),
                     "DIS.4117", "Invalid Project Id. [" + other_project_id + "]"));
}

// --- DELETE /v2/{project_id}/streams/{stream_name}
// ----------------------------------------------------------

TEST(dis_delete_stream, answers_204_and_takes_records_and_checkpoints_but_not_apps) {
    test_server server;
    ASSERT_EQ(create_stream(server, "orders", 1).status, 201U);
    ASSERT_EQ(create_stream(server, "payments", 1).status, 201U);
    ASSERT_EQ(create_app(server, "billing").status, 201U);
    ASSERT_EQ(send_to(server, "orders", "0", 3).status, 200U);
    for (const char* stream : {"orders", "payments"}) {
        ASSERT_EQ(server
                      .request("POST", path("/checkpoints"),
                               R"({"app_name":"billing","checkpoint_type":"LAST_READ","stream_name":")" +
                                   std::string(stream) + R"(","partition_id":"0","sequence_number":"0"})")
                      .status,
                  201U);
    }
    EXPECT_TRUE(is_empty_answer(server.request("DELETE", path("/streams/orders")), 204));
    EXPECT_TRUE(is_dis_error(server.request("GET", path("/streams/orders")), "DIS.4301",
                             "The stream does not exist. [orders][" + project_id + "]"));
    const auto app = server.request("GET", path("/apps/billing")).json();
    ASSERT_TRUE(app["commit_checkpoint_stream_names"].IsArray());
    ASSERT_EQ(app["commit_checkpoint_stream_names"].Size(), 1U);
    EXPECT_EQ(app["commit_checkpoint_stream_names"][0].GetString(), std::string("payments"));
    // Created again, the stream starts empty.
    ASSERT_EQ(create_stream(server, "orders", 1).status, 201U);
    EXPECT_TRUE(has_string(shown(server, "orders")["partitions"][0], "sequence_number_range", "[0 : 0]"));
    EXPECT_EQ(server.request("GET", path("/streams")).json()["total_number"].GetInt(), 2);
}

TEST(dis_delete_stream, unknown_stream_is_dis_4301) {
    test_server server;
    EXPECT_TRUE(is_dis_error(server.request("DELETE", path("/streams/nope")), "DIS.4301",
                             "The stream does not exist. [nope][" + project_id + "]"));
}

TEST(dis_delete_stream, malformed_project_id_or_other_x_project_id_is_dis_4117_and_deletes_nothing) {
    test_server server;
    ASSERT_EQ(create_stream(server, "orders", 1).status, 201U);
    EXPECT_TRUE(is_dis_error(server.request("DELETE", path("/streams/orders", "bad")), "DIS.4117",
                             "Invalid Project Id. [bad]"));
    EXPECT_TRUE(is_dis_error(
        server.request("DELETE", path("/streams/orders"), {}, {{"X-Project-Id", other_project_id}}),
        "DIS.4117", "Invalid Project Id. [" + other_project_id + "]"));
    EXPECT_TRUE(is_dis_error(server.request("DELETE", path("/streams/orders", other_project_id)), "DIS.4301",
                             "The stream does not exist. [orders][" + other_project_id + "]"));
    EXPECT_TRUE(is_json_answer(server.request("GET", path("/streams/orders"))));
}

// --- PUT /v2/{project_id}/streams/{stream_name} ------------------------------------------------------------

TEST(dis_update_partition_count, answers_200_with_the_legacy_three_field_body) {
    test_server server;
    ASSERT_EQ(create_stream(server, "orders", 2).status, 201U);
    const auto reply = scale(server, "orders", 3);
    ASSERT_TRUE(is_json_answer(reply));
    const auto body = reply.json();
    EXPECT_TRUE(has_members(body, {"stream_name", "current_partition_count", "target_partition_count"}));
    EXPECT_TRUE(has_string(body, "stream_name", "orders"));
    EXPECT_TRUE(has_int(body, "current_partition_count", 2));
    EXPECT_TRUE(has_int(body, "target_partition_count", 3));
}

TEST(dis_update_partition_count, scale_up_adds_active_partitions_and_history) {
    test_server server;
    ASSERT_EQ(create_stream(server, "orders", 1).status, 201U);
    server.clock().now_ms += 5000;
    ASSERT_EQ(scale(server, "orders", 3).status, 200U);
    const auto body = shown(server, "orders");
    EXPECT_TRUE(has_int(body, "writable_partition_count", 3));
    EXPECT_TRUE(has_int(body, "readable_partition_count", 3));
    EXPECT_TRUE(has_int(body, "last_modified_time", start_ms + 5000));
    ASSERT_EQ(body["partitions"].Size(), 3U);
    EXPECT_TRUE(has_string(body["partitions"][2], "partition_id", "shardId-0000000002"));
    EXPECT_TRUE(has_string(body["partitions"][2], "status", "ACTIVE"));
    EXPECT_TRUE(has_string(body["partitions"][0], "hash_range", "[0 : 3074457345618258602]"));
    ASSERT_EQ(body["update_partition_counts"].Size(), 1U);
    const auto& change = body["update_partition_counts"][0];
    EXPECT_TRUE(has_members(change, {"create_timestamp", "src_partition_count", "target_partition_count",
                                     "result_code", "result_msg", "auto_scale"}));
    EXPECT_TRUE(has_int(change, "create_timestamp", start_ms + 5000));
    EXPECT_TRUE(has_int(change, "src_partition_count", 1));
    EXPECT_TRUE(has_int(change, "target_partition_count", 3));
    EXPECT_TRUE(has_int(change, "result_code", 0));
    EXPECT_TRUE(has_int(change, "result_msg", 0));
    EXPECT_TRUE(has_bool(change, "auto_scale", false));
    EXPECT_EQ(send_to(server, "orders", "2").status, 200U);
}

TEST(dis_update_partition_count, scale_down_leaves_cut_partitions_readable_until_retention_then_expired) {
    test_server server;
    ASSERT_EQ(create_stream(server, "orders", 3).status, 201U);
    ASSERT_EQ(send_to(server, "orders", "2", 2).status, 200U);
    ASSERT_EQ(create_app(server, "billing").status, 201U);
    ASSERT_EQ(scale(server, "orders", 1).status, 200U);
    auto body = shown(server, "orders");
    EXPECT_TRUE(has_int(body, "writable_partition_count", 1));
    EXPECT_TRUE(has_int(body, "readable_partition_count", 3));
    EXPECT_TRUE(has_string(body["partitions"][0], "hash_range", "[0 : 9223372036854775807]"));
    EXPECT_TRUE(has_string(body["partitions"][2], "status", "DELETED"));
    EXPECT_TRUE(
        has_string(body["partitions"][2], "hash_range", "[6148914691236517205 : 9223372036854775807]"));
    EXPECT_TRUE(has_string(body["partitions"][2], "sequence_number_range", "[0 : 2]"));
    EXPECT_TRUE(is_dis_error(send_to(server, "orders", "2"), "DIS.4319",
                             "Partition is expired. [shardId-0000000002]"));
    const auto cursor =
        server.request("GET", path("/cursors?stream-name=orders&partition-id=2&cursor-type=TRIM_HORIZON"));
    ASSERT_TRUE(is_json_answer(cursor));
    const auto read = server.request("GET", path("/records?partition-cursor=" +
                                                 std::string(cursor.json()["partition_cursor"].GetString())));
    ASSERT_TRUE(is_json_answer(read));
    EXPECT_EQ(read.json()["records"].Size(), 2U);

    server.clock().now_ms += day_ms;
    body = shown(server, "orders");
    EXPECT_TRUE(has_int(body, "readable_partition_count", 1));
    EXPECT_TRUE(has_string(body["partitions"][2], "status", "EXPIRED"));
    EXPECT_TRUE(body["partitions"][2]["sequence_number_range"].IsNull());
    EXPECT_TRUE(is_dis_error(
        server.request("GET", path("/cursors?stream-name=orders&partition-id=2&cursor-type=LATEST")),
        "DIS.4319", "Partition is expired. [shardId-0000000002]"));
    EXPECT_TRUE(
        is_dis_error(server.request("GET", path("/checkpoints?app_name=billing&checkpoint_type=LAST_READ&"
                                                "partition_id=2&stream_name=orders")),
                     "DIS.4319", "Partition is expired. [shardId-0000000002]"));
}

TEST(dis_update_partition_count, bad_bodies_are_dis_4200_4202_4300_and_change_nothing) {
    test_server server;
    ASSERT_EQ(create_stream(server, "orders", 2).status, 201U);
    const std::vector<std::pair<std::string, std::string>> cases{
        {R"({"stream_name":"orders"})", "Invalid request. [target_partition_count: is required]"},
        {R"({"stream_name":"orders","target_partition_count":0})",
         "Invalid request. [target_partition_count: must be from 1 to 2147483647]"},
        {R"({"stream_name":"orders","target_partition_count":"3"})",
         "Invalid request. [target_partition_count: must be an integer]"},
        {R"({"target_partition_count":3})", "Invalid request. [stream_name: is required]"},
        {R"({"stream_name":"other","target_partition_count":3})",
         "Invalid request. [stream_name: must be the stream of the path]"},
    };
    for (const auto& [body, message] : cases) {
        SCOPED_TRACE(body);
        EXPECT_TRUE(is_dis_error(update(server, "orders", body), "DIS.4200", message));
    }
    EXPECT_TRUE(is_dis_error(update(server, "orders", ""), "DIS.4202", "Empty request."));
    EXPECT_TRUE(is_dis_error(update(server, "orders", "{"), "DIS.4300", "Request error."));
    const auto body = shown(server, "orders");
    EXPECT_TRUE(has_int(body, "writable_partition_count", 2));
    EXPECT_TRUE(has_empty_array(body, "update_partition_counts"));
}

TEST(dis_update_partition_count, unknown_stream_is_dis_4301_and_over_quota_is_dis_4308) {
    test_server server;
    EXPECT_TRUE(is_dis_error(scale(server, "nope", 2), "DIS.4301",
                             "The stream does not exist. [nope][" + project_id + "]"));
    ASSERT_EQ(create_stream(server, "orders", 2).status, 201U);
    ASSERT_EQ(create_stream(server, "big", 40).status, 201U);
    EXPECT_TRUE(is_dis_error(scale(server, "orders", 11), "DIS.4308", "Insufficient quota."));
    EXPECT_TRUE(has_int(shown(server, "orders"), "writable_partition_count", 2));
    EXPECT_EQ(scale(server, "orders", 10).status, 200U);
}

TEST(dis_update_partition_count, same_count_is_200_without_history) {
    test_server server;
    ASSERT_EQ(create_stream(server, "orders", 2).status, 201U);
    const auto reply = scale(server, "orders", 2);
    ASSERT_TRUE(is_json_answer(reply));
    EXPECT_TRUE(has_int(reply.json(), "current_partition_count", 2));
    EXPECT_TRUE(has_empty_array(shown(server, "orders"), "update_partition_counts"));
}

TEST(dis_update_partition_count, malformed_project_id_or_other_x_project_id_is_dis_4117) {
    test_server server;
    ASSERT_EQ(create_stream(server, "orders", 2).status, 201U);
    const std::string body = R"({"stream_name":"orders","target_partition_count":3})";
    EXPECT_TRUE(is_dis_error(server.request("PUT", path("/streams/orders", "bad"), body), "DIS.4117",
                             "Invalid Project Id. [bad]"));
    EXPECT_TRUE(is_dis_error(
        server.request("PUT", path("/streams/orders"), body, {{"X-Project-Id", other_project_id}}),
        "DIS.4117", "Invalid Project Id. [" + other_project_id + "]"));
    EXPECT_TRUE(has_int(shown(server, "orders"), "writable_partition_count", 2));
}

}  // namespace
}  // namespace emu::test
