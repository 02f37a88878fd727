// The routes only DIS's own SDKs call (shared/reference/dis-native-sdks.md §4 item 3): the Java SDK's
// UpdateStream, PUT .../streams/{stream_name}/update/ (huaweicloud-sdk-java-dis DISClient.java:639-651), and
// the DIS.4200 "not emulated" answers for transfer tasks and the file-upload state.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/support/dis_client.hpp"
#include "tests/support/test_server.hpp"

namespace emu::test {
namespace {

// The last `n` journal entries, oldest first.
rapidjson::Document journal(const test_server& server, int n) {
    return http_request(server.port(), "GET", "/_emulator/requests?limit=" + std::to_string(n)).json();
}

http_reply create_stream(const test_server& server, const std::string& name, int partitions) {
    return server.request(
        "POST", path("/streams/"),
        R"({"stream_name":")" + name + R"(","partition_count":)" + std::to_string(partitions) + "}");
}

// ==== UpdateStream (the Java SDK's PUT .../streams/{name}/update/) ======================================

TEST(native_update_stream, changes_data_type_schema_retention_and_auto_scale) {
    test_server server;
    ASSERT_TRUE(is_empty_answer(create_stream(server, "orders", 2), 201));
    const std::string schema = R"({\"type\":\"record\",\"name\":\"r\",\"fields\":[]})";
    auto reply = server.request(
        "PUT", path("/streams/orders/update/"),
        R"({"update_type":"DATA_TYPE","stream_name":"orders","data_type":"JSON","data_schema":")" + schema +
            R"("})");
    ASSERT_TRUE(is_json_answer(reply));
    auto body = reply.json();
    EXPECT_TRUE(has_members(body, {"stream_name", "target_data_type"}));
    EXPECT_TRUE(has_string(body, "stream_name", "orders"));
    EXPECT_TRUE(has_string(body, "target_data_type", "JSON"));

    reply = server.request("PUT", path("/streams/orders/update"),
                           R"({"update_type":"AUTO_SCALE","stream_name":"orders","auto_scale_enabled":true,)"
                           R"("auto_scale_min_partition_count":1,"auto_scale_max_partition_count":4,)"
                           R"("data_duration":48})");
    ASSERT_TRUE(is_json_answer(reply));
    EXPECT_TRUE(has_string(reply.json(), "target_data_type", "JSON"));

    const auto stream = server.request("GET", path("/streams/orders")).json();
    EXPECT_TRUE(has_string(stream, "data_type", "JSON"));
    EXPECT_TRUE(has_string(stream, "data_schema", R"({"type":"record","name":"r","fields":[]})"));
    EXPECT_TRUE(has_int(stream, "retention_period", 48));
    EXPECT_TRUE(has_bool(stream, "auto_scale_enabled", true));
    EXPECT_TRUE(has_int(stream, "auto_scale_min_partition_count", 1));
    EXPECT_TRUE(has_int(stream, "auto_scale_max_partition_count", 4));
    EXPECT_EQ(stream["partitions"].Size(), 2U);
    EXPECT_TRUE(has_string(stream, "stream_type", "COMMON"));
}

TEST(native_update_stream, a_new_retention_applies_to_the_records_already_stored) {
    test_server server;
    ASSERT_TRUE(is_empty_answer(create_stream(server, "orders", 1), 201));
    ASSERT_EQ(
        server.request("POST", path("/records/"), R"({"stream_name":"orders","records":[{"data":"eA=="}]})")
            .status,
        200U);
    ASSERT_TRUE(is_json_answer(server.request("PUT", path("/streams/orders/update/"),
                                              R"({"stream_name":"orders","data_duration":72})")));
    server.clock().now_ms += 48LL * 3600 * 1000;  // past the old 24 hours, within the new 72
    auto stream = server.request("GET", path("/streams/orders")).json();
    EXPECT_TRUE(has_string(stream["partitions"][0], "sequence_number_range", "[0 : 1]"));
    ASSERT_TRUE(is_json_answer(server.request("PUT", path("/streams/orders/update/"),
                                              R"({"stream_name":"orders","data_duration":24})")));
    stream = server.request("GET", path("/streams/orders")).json();
    EXPECT_TRUE(has_string(stream["partitions"][0], "sequence_number_range", "[1 : 1]"));
}

TEST(native_update_stream, refusals_change_nothing) {
    test_server server;
    ASSERT_TRUE(is_empty_answer(create_stream(server, "orders", 1), 201));
    const auto update = [&](const std::string& body) {
        return server.request("PUT", path("/streams/orders/update/"), body);
    };
    EXPECT_TRUE(is_dis_error(update(R"({"stream_name":"other","data_type":"JSON"})"), "DIS.4200",
                             "Invalid request. [stream_name: must be the stream of the path]"));
    EXPECT_TRUE(is_dis_error(update(R"({"data_type":"JSON"})"), "DIS.4200",
                             "Invalid request. [stream_name: is required]"));
    EXPECT_TRUE(is_dis_error(update(R"({"stream_name":"orders","data_type":"XML"})"), "DIS.4200",
                             "Invalid request. [data_type: unsupported value XML]"));
    EXPECT_TRUE(is_dis_error(update(R"({"stream_name":"orders","update_type":"RENAME","data_type":"JSON"})"),
                             "DIS.4200", "Invalid request. [update_type: unsupported value RENAME]"));
    EXPECT_TRUE(is_dis_error(update(R"({"stream_name":"orders","data_duration":100})"), "DIS.4200",
                             "Invalid request. [data_duration: must be from 24 to 72]"));
    EXPECT_TRUE(is_dis_error(update(R"({"stream_name":"orders","data_type":"JSON","data_schema":"[]"})"),
                             "DIS.4360", "Invalid data schema."));
    EXPECT_TRUE(is_dis_error(update(""), "DIS.4202", "Empty request."));
    EXPECT_TRUE(is_dis_error(
        server.request("PUT", path("/streams/nope/update/"), R"({"stream_name":"nope","data_type":"JSON"})"),
        "DIS.4301", "The stream does not exist. [nope][" + project_id + "]"));
    const auto stream = server.request("GET", path("/streams/orders")).json();
    EXPECT_TRUE(has_string(stream, "data_type", "BLOB"));
    EXPECT_TRUE(has_int(stream, "retention_period", 24));
    EXPECT_FALSE(stream.HasMember("data_schema"));
}

// A stream name alone is a valid update that changes nothing but the modification time.
TEST(native_update_stream, a_body_with_only_the_name_keeps_the_configuration) {
    test_server server;
    ASSERT_TRUE(is_empty_answer(create_stream(server, "orders", 1), 201));
    server.clock().now_ms += 1000;
    const auto reply = server.request("PUT", path("/streams/orders/update/"), R"({"stream_name":"orders"})");
    ASSERT_TRUE(is_json_answer(reply));
    EXPECT_TRUE(has_string(reply.json(), "target_data_type", "BLOB"));
    const auto stream = server.request("GET", path("/streams/orders")).json();
    EXPECT_TRUE(has_int(stream, "last_modified_time", server.clock().now_ms.load()));
    EXPECT_TRUE(has_int(stream, "retention_period", 24));
}

// ==== transfer tasks on the native SDKs' paths, and what the emulator does not model ====================

struct native_call {
    std::string method;
    std::string rest;  // after /v2/{project_id}
    unsigned status;
    std::string body;
};

TEST(native_transfer_tasks, every_native_path_reaches_the_configuration_and_file_state_is_not_emulated) {
    test_server server;
    ASSERT_TRUE(is_empty_answer(create_stream(server, "orders", 1), 201));
    const auto task = [](const std::string& name) {
        return R"({"destination_type":"OBS","obs_destination_descriptor":{"task_name":")" + name +
               R"(","obs_bucket_path":"bucket","deliver_time_interval":300}})";
    };
    const std::vector<native_call> calls = {
        // Java DISClient.java:668-793 (every path with its '/'); Go client/dis_client.go:276-375 (none)
        {"POST", "/streams/orders/transfer-tasks/", 201, task("t")},
        {"GET", "/streams/orders/transfer-tasks/", 200, ""},
        {"PUT", "/streams/orders/transfer-tasks/", 200, task("t")},
        {"GET", "/streams/orders/transfer-tasks/t/", 200, ""},
        {"POST", "/streams/orders/transfer-tasks/action/", 200, R"({"action":"stop","tasks":[{"id":"t"}]})"},
        {"GET", "/streams/orders/transfer-tasks?limit=10&start_task_name", 200, ""},
        {"DELETE", "/streams/orders/transfer-tasks/t/", 204, ""},
        // Python disclient.py:237 (add, singular "stream") and :316 (describe, singular, no '/')
        {"POST", "/stream/orders/transfer-tasks/", 201, task("p")},
        {"GET", "/stream/orders/transfer-tasks/p", 200, ""},
        {"DELETE", "/streams/orders/transfer-tasks/p", 204, ""},
    };
    for (const auto& call : calls) {
        SCOPED_TRACE(call.method + " " + call.rest);
        const auto reply = server.request(call.method, path(call.rest), call.body);
        EXPECT_EQ(reply.status, call.status) << reply.body;
    }
    const auto listed = server.request("GET", path("/streams/orders/transfer-tasks")).json();
    EXPECT_TRUE(has_int(listed, "total_number", 0));
    // Java DISClient.java:474-487: FileResource + StateResource.
    EXPECT_TRUE(
        is_dis_error(server.request("GET", path("/files/deliver-1/state/")), "DIS.4200",
                     "Invalid request. [ShowFileUploadState is not emulated: the emulator receives no "
                     "file uploads]"));
    // The journal names each call's operation.
    const auto entries = journal(server, 1);
    EXPECT_TRUE(has_string(entries["requests"][0], "operation", "ShowFileUploadState"));
    // The project id is checked first, as on every DIS route.
    EXPECT_TRUE(is_dis_error(server.request("GET", "/v2/not-a-project/streams/orders/transfer-tasks/"),
                             "DIS.4117", "Invalid Project Id. [not-a-project]"));
}

}  // namespace
}  // namespace emu::test
