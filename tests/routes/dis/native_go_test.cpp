// Every operation of the Go SDK (huaweicloud-sdk-go-dis 1.0.x, commit 6397cb5) as it sends it: paths
// without a trailing '/' (src/com/utils/do_http.go:236-272); the query in Go's map order (random: the tests
// use one order and, where it matters, another), values unencoded, an empty value as the bare name
// (:260-271); bodies from encoding/json without omitempty, so every unset field is there as "", 0 or null
// (src/com/models/models.go); headers Host with the port, X-Sdk-Date, X-Sdk-Content-Sha256 (the empty
// body's hash, always), Content-Type, all signed (do_http.go:117-124, utils/auth_v4.go:148-194). Line
// references are to src/com/client/dis_client.go unless named otherwise. Each test runs in loose and in
// strict mode, but for the requests with an empty query value, which run in loose mode only: Go signs such a
// value as "name=" (utils/auth_v4.go:263-267), the emulator's legacy canonical form has the bare name, and
// signature forms are not this test's subject. (Go's declared empty-body hash is ignored by that form, as
// docs/security.md says, so the calls with a body verify.)
#include <gtest/gtest.h>

#include <string>

#include "tests/support/dis_client.hpp"
#include "tests/support/native_dis_client.hpp"
#include "tests/support/test_server.hpp"

namespace emu::test {
namespace {

class native_go : public ::testing::TestWithParam<bool> {
  protected:
    bool strict() const { return GetParam(); }
    test_server server_{strict() ? native_strict_settings() : routes::auth::auth_settings{}};
    native_client go_{server_, native_sdk::go};

    // CreateStream (:39-68): the SDK fills stream_type, data_type and data_duration when unset, and sends
    // data_schema "" and tags null (models.go:34-41).
    http_reply create_stream(const std::string& name, int partitions, int data_duration = 24) {
        return go_.call("POST", "/streams", {},
                        R"({"stream_name":")" + name + R"(","partition_count":)" +
                            std::to_string(partitions) + R"(,"stream_type":"COMMON","data_duration":)" +
                            std::to_string(data_duration) +
                            R"(,"data_type":"BLOB","data_schema":"","tags":null})");
    }

    // GetPartitionCursor (:466-485): stream-name and partition-id always, cursor-type and
    // starting-sequence-number when set, timestamp always ("0" when unset).
    std::string cursor(const std::string& partition, const std::string& type,
                       const std::string& sequence = "") {
        name_values query{{"timestamp", "0"}, {"partition-id", partition}, {"stream-name", "orders"}};
        if (!type.empty()) query.emplace_back("cursor-type", type);
        if (!sequence.empty()) query.emplace_back("starting-sequence-number", sequence);
        const auto reply = go_.call("GET", "/cursors", query);
        EXPECT_TRUE(is_json_answer(reply));
        const auto body = reply.json();
        return body.HasMember("partition_cursor") ? body["partition_cursor"].GetString() : "";
    }
};

INSTANTIATE_TEST_SUITE_P(auth, native_go, ::testing::Values(false, true),
                         [](const auto& test) { return test.param ? "strict" : "loose"; });

TEST_P(native_go, sends_what_the_sdk_sends) {
    go_.call("GET", "/checkpoints",
             {{"stream_name", "orders"},
              {"partition_id", "0"},
              {"app_name", ""},
              {"checkpoint_type", "LAST_READ"}});
    EXPECT_EQ(go_.last_target(),
              path("/checkpoints?stream_name=orders&partition_id=0&app_name&checkpoint_type=LAST_READ"));
    std::string authorization;
    for (const auto& [name, value] : go_.last_headers()) {
        if (name == "Authorization") authorization = value;
    }
    EXPECT_TRUE(authorization.starts_with(
        "SDK-HMAC-SHA256 Credential=" + native_access_key + "/20231114/" + native_region +
        "/dis/sdk_request, SignedHeaders=content-type;host;x-sdk-content-sha256;"
        "x-sdk-date, Signature="));
}

TEST_P(native_go, streams_create_describe_list_scale_delete) {
    ASSERT_TRUE(is_empty_answer(create_stream("orders", 2), 201));
    // data_duration 0, the unset int, reads as the default (the SDK itself replaces it, :49-51).
    ASSERT_TRUE(is_empty_answer(create_stream("zero", 1, 0), 201));
    EXPECT_TRUE(has_int(go_.call("GET", "/streams/zero", {{"limit_partitions", "100"}}).json(),
                        "retention_period", 24));

    // DescStream (:76-96): limit_partitions always (100 when unset; 0 reads as the default too).
    for (const std::string limit : {"100", "0"}) {
        SCOPED_TRACE("limit_partitions=" + limit);
        const auto reply = go_.call("GET", "/streams/orders", {{"limit_partitions", limit}});
        ASSERT_TRUE(is_json_answer(reply));
        const auto body = reply.json();
        EXPECT_TRUE(has_string(body, "stream_name", "orders"));
        EXPECT_TRUE(has_int(body, "writable_partition_count", 2));
        ASSERT_EQ(body["partitions"].Size(), 2U);
        EXPECT_TRUE(has_string(body["partitions"][0], "hash_range", "[0 : 4611686018427387903]"));
    }
    auto reply = go_.call("GET", "/streams/orders",
                          {{"start_partitionId", "shardId-0000000000"}, {"limit_partitions", "100"}});
    ASSERT_EQ(reply.json()["partitions"].Size(), 1U);

    // ListStreams (:132-152): limit 10 when unset, start_stream_name when set.
    reply = go_.call("GET", "/streams", {{"start_stream_name", "orders"}, {"limit", "10"}});
    ASSERT_TRUE(is_json_answer(reply));
    EXPECT_EQ(reply.json()["stream_names"].Size(), 1U);

    // UpdatePartitionCount (:105-124).
    reply = go_.call("PUT", "/streams/orders", {}, R"({"stream_name":"orders","target_partition_count":3})");
    ASSERT_TRUE(is_json_answer(reply));
    EXPECT_TRUE(has_string(reply.json(), "stream_name", "orders"));

    // DeleteStream (:160-174).
    EXPECT_TRUE(is_empty_answer(go_.call("DELETE", "/streams/orders"), 204));
    EXPECT_TRUE(has_string(go_.call("GET", "/streams/orders", {{"limit_partitions", "100"}}).json(),
                           "errorCode", "DIS.4301"));
}

TEST_P(native_go, records_with_every_field_of_an_entry_set_or_empty) {
    ASSERT_TRUE(is_empty_answer(create_stream("orders", 2), 201));
    // PutRecords (:698-743): PutRecordsRequest and its entries with every field (models.go:435-448); an
    // empty partition_id, explicit_hash_key or partition_key is a field not set, so the record goes by
    // round robin, and no partition_key is stored for it.
    auto reply =
        go_.call("POST", "/records", {},
                 R"({"stream_name":"orders","stream_id":"","records":[)"
                 R"({"data":"aGVsbG8=","partition_id":"","explicit_hash_key":"","partition_key":""},)"
                 R"({"data":"d29ybGQ=","partition_id":"","explicit_hash_key":"","partition_key":""},)"
                 R"({"data":"eA==","partition_id":"1","explicit_hash_key":"","partition_key":""},)"
                 R"({"data":"eQ==","partition_id":"","explicit_hash_key":"0","partition_key":""}]})");
    ASSERT_TRUE(is_json_answer(reply));
    auto body = reply.json();
    EXPECT_TRUE(has_int(body, "failed_record_count", 0));
    ASSERT_EQ(body["records"].Size(), 4U);
    EXPECT_TRUE(has_string(body["records"][0], "partition_id", "shardId-0000000000"));
    EXPECT_TRUE(has_string(body["records"][1], "partition_id", "shardId-0000000001"));
    EXPECT_TRUE(has_string(body["records"][2], "partition_id", "shardId-0000000001"));
    EXPECT_TRUE(has_string(body["records"][3], "partition_id", "shardId-0000000000"));

    // GetRecords (:493-531): partition-cursor only.
    reply = go_.call("GET", "/records", {{"partition-cursor", cursor("0", "TRIM_HORIZON")}});
    ASSERT_TRUE(is_json_answer(reply));
    body = reply.json();
    ASSERT_EQ(body["records"].Size(), 2U);
    EXPECT_TRUE(has_string(body["records"][0], "data", "aGVsbG8="));
    EXPECT_FALSE(body["records"][0].HasMember("partition_key"));
    EXPECT_TRUE(has_string(body["records"][1], "sequence_number", "1"));

    // Without cursor-type the type is AT_SEQUENCE_NUMBER; timestamp=0 is ignored by the other types.
    reply = go_.call("GET", "/records", {{"partition-cursor", cursor("1", "", "1")}});
    ASSERT_EQ(reply.json()["records"].Size(), 1U);
    reply = go_.call("GET", "/records", {{"partition-cursor", cursor("1", "LATEST")}});
    ASSERT_EQ(reply.json()["records"].Size(), 0U);
    // AT_TIMESTAMP with timestamp=0: from the oldest record.
    reply = go_.call("GET", "/records", {{"partition-cursor", cursor("1", "AT_TIMESTAMP")}});
    ASSERT_EQ(reply.json()["records"].Size(), 2U);
}

TEST_P(native_go, apps_and_checkpoints_with_empty_and_zero_fields) {
    ASSERT_TRUE(is_empty_answer(create_stream("orders", 2), 201));
    // CreateApp (:182-201), DescApp (:209-223), ListApps (:231-250, limit 10 when unset).
    auto reply = go_.call("POST", "/apps", {}, R"({"app_name":"billing"})");
    EXPECT_TRUE(is_empty_answer(reply, 201));
    reply = go_.call("GET", "/apps/billing");
    ASSERT_TRUE(is_json_answer(reply));
    EXPECT_TRUE(has_string(reply.json(), "app_name", "billing"));
    reply = go_.call("GET", "/apps", {{"limit", "10"}});
    ASSERT_TRUE(is_json_answer(reply));
    EXPECT_TRUE(has_bool(reply.json(), "has_more_app", false));

    // CommitCheckpoint (:384-403): CommitCheckpointRequest, metadata "" (models.go:488-495).
    ASSERT_EQ(
        go_.call(
               "POST", "/records", {},
               R"({"stream_name":"orders","stream_id":"","records":[{"data":"eA==","partition_id":"0","explicit_hash_key":"","partition_key":""}]})")
            .status,
        200U);
    EXPECT_TRUE(is_empty_answer(
        go_.call("POST", "/checkpoints", {},
                 R"({"app_name":"billing","checkpoint_type":"LAST_READ","stream_name":"orders",)"
                 R"("partition_id":"0","sequence_number":"1","metadata":""})"),
        201));

    // GetCheckpoint (:411-431): the four fields always, timestamp as "0".
    reply = go_.call("GET", "/checkpoints",
                     {{"checkpoint_type", "LAST_READ"},
                      {"timestamp", "0"},
                      {"app_name", "billing"},
                      {"partition_id", "0"},
                      {"stream_name", "orders"}});
    ASSERT_TRUE(is_json_answer(reply));
    EXPECT_TRUE(has_string(reply.json(), "sequence_number", "1"));
    EXPECT_TRUE(has_string(reply.json(), "metadata", ""));
    // An unset app name goes as the bare name, and is refused as the real service would: no app is "".
    if (!strict()) {
        reply = go_.call("GET", "/checkpoints",
                         {{"stream_name", "orders"},
                          {"partition_id", "0"},
                          {"app_name", ""},
                          {"checkpoint_type", "LAST_READ"},
                          {"timestamp", "0"}});
        EXPECT_TRUE(is_dis_error(reply, "DIS.4200",
                                 "Invalid request. [app_name: must be 1 to 50 letters, digits, _ or -]"));
    }

    // DeleteCheckpoint (:439-458): only the fields set.
    EXPECT_TRUE(is_empty_answer(
        go_.call("DELETE", "/checkpoints",
                 {{"stream_name", "orders"}, {"app_name", "billing"}, {"checkpoint_type", "LAST_READ"}}),
        204));
    reply = go_.call("GET", "/checkpoints",
                     {{"stream_name", "orders"},
                      {"partition_id", "0"},
                      {"app_name", "billing"},
                      {"checkpoint_type", "LAST_READ"},
                      {"timestamp", "0"}});
    EXPECT_TRUE(has_string(reply.json(), "sequence_number", "-1"));

    // DeleteApp (:258-268).
    EXPECT_TRUE(is_empty_answer(go_.call("DELETE", "/apps/billing"), 204));
}

TEST_P(native_go, transfer_tasks_are_listed_and_described) {
    ASSERT_TRUE(is_empty_answer(create_stream("orders", 1), 201));
    ASSERT_EQ(go_.call("POST", "/streams/orders/transfer-tasks", {},
                       R"({"destination_type":"OBS","obs_destination_descriptor":{"task_name":"t",)"
                       R"("obs_bucket_path":"bucket","deliver_time_interval":300}})")
                  .status,
              201U);
    // ListTransferTasks (:304-327) always sends start_task_name, empty when unset; DescTransferTask
    // (:335-351).
    if (!strict()) {
        const auto listed = go_.call("GET", "/streams/orders/transfer-tasks", {{"start_task_name", ""}});
        ASSERT_TRUE(is_json_answer(listed));
        EXPECT_TRUE(has_int(listed.json(), "total_number", 1));
    }
    const auto shown = go_.call("GET", "/streams/orders/transfer-tasks/t");
    ASSERT_TRUE(is_json_answer(shown));
    EXPECT_TRUE(has_string(shown.json(), "state", "RUNNING"));
    EXPECT_TRUE(has_string(shown.json()["obs_destination_description"], "obs_bucket_path", "bucket"));
}

TEST(native_go_strict, a_wrong_secret_is_refused) {
    test_server server(native_strict_settings());
    native_client wrong(server, native_sdk::go, native_access_key, "not-the-secret");
    EXPECT_TRUE(is_dis_error(wrong.call("GET", "/streams", {{"limit", "10"}}), "DIS.4100",
                             "Authorization error.", 441));
}

}  // namespace
}  // namespace emu::test
