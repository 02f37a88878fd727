// Every operation of the Java SDK (huaweicloud-sdk-java-dis 1.3.21, commit 213fb5e), sent as it sends it,
// which is also what the DIS Kafka adapter, Flink, Flume, Logstash, Spark and the DIS Agent send: paths
// from ResourcePathBuilder, always ending in '/' (core/restresource/ResourcePathBuilder.java:72-80); GET and
// DELETE parameters from the request object serialised by Jackson (@JsonProperty names, NON_NULL), in
// HashMap order, unencoded, each followed by '&' (http/AbstractDISClient.java:316-345, :551-567); headers
// X-Project-Id, Content-Type, accept, X-SDK-Version (:229-314), every one signed with the legacy DIS form
// (core/auth/signer/DefaultSigner.java:130-154). Each test runs in loose and in strict mode.
//
// The HashMap order of each parameter set is Java's: bucket (h ^ h >>> 16) & 15 of String.hashCode, the
// declaration order within a bucket. File references below are to huaweicloud-sdk-java-dis/src/main/java/
// com/huaweicloud/dis/ ("DISClient.java:250") and the -iface module's request classes.
#include <gtest/gtest.h>

#include <string>

#include "tests/support/dis_client.hpp"
#include "tests/support/native_dis_client.hpp"
#include "tests/support/test_server.hpp"

namespace emu::test {
namespace {

class native_java : public ::testing::TestWithParam<bool> {
  protected:
    bool strict() const { return GetParam(); }
    test_server server_{strict() ? native_strict_settings() : routes::auth::auth_settings{}};
    native_client java_{server_, native_sdk::java};

    // CreateStream (DISClient.java:356-371), CreateStreamRequest's fields; is_private is a primitive
    // boolean, so it is always there (iface stream/request/CreateStreamRequest.java:137-138).
    void create_stream(const std::string& name, int partitions) {
        ASSERT_TRUE(is_empty_answer(
            java_.call("POST", "/streams/", {},
                       R"({"stream_name":")" + name + R"(","stream_type":"COMMON","partition_count":)" +
                           std::to_string(partitions) +
                           R"(,"data_duration":24,"data_type":"BLOB","is_private":false})"),
            201));
    }

    // GetPartitionCursor (DISClient.java:295-308): the Kafka adapter's seek sends no cursor-type
    // (Coordinator.java:907-1000); HashMap order starting-sequence-number, stream-name, partition-id.
    std::string cursor_at(const std::string& stream, const std::string& partition, long long sequence) {
        const auto reply = java_.call("GET", "/cursors/",
                                      {{"starting-sequence-number", std::to_string(sequence)},
                                       {"stream-name", stream},
                                       {"partition-id", partition}});
        EXPECT_TRUE(is_json_answer(reply));
        const auto body = reply.json();
        EXPECT_TRUE(has_members(body, {"partition_cursor"}));
        return body.HasMember("partition_cursor") ? body["partition_cursor"].GetString() : "";
    }
};

INSTANTIATE_TEST_SUITE_P(auth, native_java, ::testing::Values(false, true),
                         [](const auto& test) { return test.param ? "strict" : "loose"; });

TEST_P(native_java, sends_what_the_sdk_sends) {
    // One request, to pin the wire form the other tests rely on.
    java_.call("GET", "/streams/orders/", {{"stream_name", "orders"}, {"limit_partitions", "100"}});
    EXPECT_EQ(java_.last_target(), path("/streams/orders/?stream_name=orders&limit_partitions=100&"));
    const auto& headers = java_.last_headers();
    const auto value = [&](const std::string& name) {
        for (const auto& [key, v] : headers) {
            if (key == name) return v;
        }
        return std::string("<none>");
    };
    EXPECT_EQ(value("X-Project-Id"), project_id);
    EXPECT_EQ(value("Content-Type"), "application/json; charset=utf-8");
    EXPECT_EQ(value("accept"), "*/*; charset=utf-8");
    EXPECT_EQ(value("X-SDK-Version"), "1.3.21/java");
    EXPECT_TRUE(value("Authorization")
                    .starts_with("SDK-HMAC-SHA256 Credential=" + native_access_key + "/20231114/" +
                                 native_region +
                                 "/dis/sdk_request, SignedHeaders=accept;content-type;host;x-project-id;"
                                 "x-sdk-date;x-sdk-version, Signature="));
}

TEST_P(native_java, streams_create_describe_list_scale_delete) {
    create_stream("orders", 2);

    // DescribeStream (DISClient.java:381-399): stream_name in the query too and limit_partitions always
    // (DescribeStreamRequest.java:34-55); HashMap order start_partitionId, stream_name, stream_id,
    // limit_partitions.
    auto reply =
        java_.call("GET", "/streams/orders/", {{"stream_name", "orders"}, {"limit_partitions", "100"}});
    ASSERT_TRUE(is_json_answer(reply));
    auto body = reply.json();
    EXPECT_TRUE(has_string(body, "stream_name", "orders"));
    EXPECT_TRUE(has_string(body, "stream_type", "COMMON"));
    EXPECT_TRUE(has_int(body, "readable_partition_count", 2));
    EXPECT_TRUE(has_bool(body, "has_more_partitions", false));
    ASSERT_EQ(body["partitions"].Size(), 2U);
    EXPECT_TRUE(has_string(body["partitions"][1], "partition_id", "shardId-0000000001"));
    EXPECT_TRUE(has_string(body["partitions"][1], "sequence_number_range", "[0 : 0]"));
    const std::string stream_id = body["stream_id"].GetString();

    // The Kafka adapter's coordinator reads readable_partition_count with limit_partitions=1
    // (Coordinator.java:172-240), and pages from shardId-(p-1) on a reset (:669-760); with stream_id too.
    reply = java_.call("GET", "/streams/orders/",
                       {{"start_partitionId", "shardId-0000000000"},
                        {"stream_name", "orders"},
                        {"stream_id", stream_id},
                        {"limit_partitions", "1"}});
    ASSERT_TRUE(is_json_answer(reply));
    body = reply.json();
    ASSERT_EQ(body["partitions"].Size(), 1U);
    EXPECT_TRUE(has_string(body["partitions"][0], "partition_id", "shardId-0000000001"));
    EXPECT_TRUE(has_bool(body, "has_more_partitions", false));
    if (!strict()) {
        // For partition 0 the start is "" (Coordinator.java:669-760). Loose mode only: the Java signer
        // canonicalises an empty value as "start_partitionId=" (AbstractSigner.java:183-206) and the
        // emulator's legacy canonical form has the bare name; signature forms are not this test's subject.
        reply =
            java_.call("GET", "/streams/orders/",
                       {{"start_partitionId", ""}, {"stream_name", "orders"}, {"limit_partitions", "100"}});
        ASSERT_TRUE(is_json_answer(reply));
        EXPECT_EQ(reply.json()["partitions"].Size(), 2U);
    }

    // ListStreams (DISClient.java:447-462): ListStreamsRequest's limit defaults to 10.
    reply = java_.call("GET", "/streams/", {{"limit", "10"}});
    ASSERT_TRUE(is_json_answer(reply));
    body = reply.json();
    EXPECT_TRUE(has_int(body, "total_number", 1));
    ASSERT_EQ(body["stream_info_list"].Size(), 1U);
    EXPECT_TRUE(has_string(body["stream_info_list"][0], "stream_name", "orders"));

    // UpdatePartitionCount (DISClient.java:406-418).
    reply =
        java_.call("PUT", "/streams/orders/", {}, R"({"stream_name":"orders","target_partition_count":3})");
    ASSERT_TRUE(is_json_answer(reply));
    body = reply.json();
    EXPECT_TRUE(has_int(body, "current_partition_count", 2));
    EXPECT_TRUE(has_int(body, "target_partition_count", 3));

    // UpdateStream (DISClient.java:639-651): PUT .../streams/{name}/update/, UpdateStreamRequest's fields
    // (iface stream/request/UpdateStreamRequest.java:33-70); it reads UpdateStreamResult.
    reply = java_.call("PUT", "/streams/orders/update/", {},
                       R"({"update_type":"DATA_TYPE","stream_name":"orders","data_type":"JSON"})");
    ASSERT_TRUE(is_json_answer(reply));
    EXPECT_TRUE(has_string(reply.json(), "target_data_type", "JSON"));

    // DeleteStream (DISClient.java:425-440): the DELETE carries DeleteStreamRequest in its query.
    EXPECT_TRUE(is_empty_answer(java_.call("DELETE", "/streams/orders/", {{"stream_name", "orders"}}), 204));
    EXPECT_TRUE(is_dis_error(
        java_.call("GET", "/streams/orders/", {{"stream_name", "orders"}, {"limit_partitions", "100"}}),
        "DIS.4301", "The stream does not exist. [orders][" + project_id + "]"));
}

TEST_P(native_java, records_as_the_kafka_adapter_produces_and_polls) {
    create_stream("orders", 2);
    // PutRecords (DISClient.java:250-278) as DISKafkaProducer fills it: partition_id the bare Kafka
    // partition, partition_key the key, timestamp (kafka-adapter DISKafkaProducer.java:68-73). The
    // record's own timestamp is not kept: a record's timestamp is when the emulator accepted it.
    auto reply = java_.call(
        "POST", "/records/", {},
        R"({"stream_name":"orders","records":[{"data":"aGVsbG8=","partition_id":"1","partition_key":"k1",)"
        R"("timestamp":1600000000000},{"data":"d29ybGQ=","partition_id":"1","partition_key":"k2",)"
        R"("timestamp":1600000000001}]})");
    ASSERT_TRUE(is_json_answer(reply));
    auto body = reply.json();
    EXPECT_TRUE(has_int(body, "failed_record_count", 0));
    ASSERT_EQ(body["records"].Size(), 2U);
    EXPECT_TRUE(has_string(body["records"][0], "partition_id", "shardId-0000000001"));
    EXPECT_TRUE(has_string(body["records"][1], "sequence_number", "1"));

    // GetRecords (DISClient.java:324-348) as the adapter's Fetcher sends it: partition-cursor and app_name
    // (Fetcher.java:113-127); HashMap order app_name, max_fetch_bytes, limit, partition-cursor.
    const std::string cursor = cursor_at("orders", "shardId-0000000001", 0);
    reply = java_.call("GET", "/records/",
                       {{"app_name", "group"},
                        {"max_fetch_bytes", "1048576"},
                        {"limit", "500"},
                        {"partition-cursor", cursor}});
    ASSERT_TRUE(is_json_answer(reply));
    body = reply.json();
    ASSERT_EQ(body["records"].Size(), 2U);
    EXPECT_TRUE(has_string(body["records"][0], "data", "aGVsbG8="));
    EXPECT_TRUE(has_string(body["records"][0], "partition_key", "k1"));
    EXPECT_TRUE(has_int(body["records"][0], "timestamp", server_.clock().now_ms.load()));
    EXPECT_TRUE(has_string(body["records"][1], "sequence_number", "1"));
    const std::string next = body["next_partition_cursor"].GetString();
    reply = java_.call("GET", "/records/", {{"app_name", "group"}, {"partition-cursor", next}});
    ASSERT_TRUE(is_json_answer(reply));
    EXPECT_EQ(reply.json()["records"].Size(), 0U);

    // offsetsForTimes: AT_TIMESTAMP with partition-id the bare number (DISConsumer.java:612); HashMap
    // order stream-name, partition-id, cursor-type, timestamp.
    reply = java_.call("GET", "/cursors/",
                       {{"stream-name", "orders"},
                        {"partition-id", "1"},
                        {"cursor-type", "AT_TIMESTAMP"},
                        {"timestamp", std::to_string(server_.clock().now_ms.load())}});
    ASSERT_TRUE(is_json_answer(reply));
    reply =
        java_.call("GET", "/records/", {{"partition-cursor", reply.json()["partition_cursor"].GetString()}});
    ASSERT_TRUE(is_json_answer(reply));
    EXPECT_EQ(reply.json()["records"].Size(), 2U);

    // A seek past the end is DIS.4224, which the adapter reads as "reset" (Coordinator.java:907-1000).
    reply = java_.call("GET", "/cursors/",
                       {{"starting-sequence-number", "5"},
                        {"stream-name", "orders"},
                        {"partition-id", "shardId-0000000001"}});
    EXPECT_EQ(reply.status, 400U);
    EXPECT_TRUE(has_string(reply.json(), "errorCode", "DIS.4224"));
}

TEST_P(native_java, apps_checkpoints_and_consuming_state) {
    create_stream("orders", 2);
    // CreateApp and DescribeApp (DISClient.java:493-507, :531-542), the adapter's first poll
    // (Coordinator.java:310-340): DescribeApp's DIS.4332 leads to CreateApp.
    auto reply = java_.call("GET", "/apps/group/");
    EXPECT_EQ(reply.status, 400U);
    EXPECT_TRUE(has_string(reply.json(), "errorCode", "DIS.4332"));
    EXPECT_TRUE(is_empty_answer(java_.call("POST", "/apps/", {}, R"({"app_name":"group"})"), 201));
    reply = java_.call("POST", "/apps/", {}, R"({"app_name":"group"})");
    EXPECT_TRUE(has_string(reply.json(), "errorCode", "DIS.4330"));
    reply = java_.call("GET", "/apps/group/");
    ASSERT_TRUE(is_json_answer(reply));
    EXPECT_TRUE(has_string(reply.json(), "app_name", "group"));

    // ListApps (DISClient.java:549-560): HashMap order stream_name, limit, start_app_name.
    reply = java_.call("GET", "/apps/", {{"limit", "10"}});
    ASSERT_TRUE(is_json_answer(reply));
    EXPECT_TRUE(has_int(reply.json(), "total_number", 1));

    // CommitCheckpoint (DISClient.java:567-578) as the adapter commits in assign() mode
    // (Coordinator.java:495-560): the position, shardId-%010d.
    ASSERT_EQ(
        java_
            .call(
                "POST", "/records/", {},
                R"({"stream_name":"orders","records":[{"data":"eA==","partition_id":"0"},{"data":"eQ==","partition_id":"0"}]})")
            .status,
        200U);
    EXPECT_TRUE(is_empty_answer(
        java_.call("POST", "/checkpoints/", {},
                   R"({"app_name":"group","checkpoint_type":"LAST_READ","stream_name":"orders",)"
                   R"("partition_id":"shardId-0000000000","sequence_number":"2","metadata":""})"),
        201));

    // GetCheckpoint (DISClient.java:584-595), the adapter's committed() (Coordinator.java:841-895):
    // HashMap order partition_id, app_name, stream_name, stream_id, checkpoint_type, timestamp.
    const name_values get_query = {{"partition_id", "shardId-0000000000"},
                                   {"app_name", "group"},
                                   {"stream_name", "orders"},
                                   {"checkpoint_type", "LAST_READ"}};
    reply = java_.call("GET", "/checkpoints/", get_query);
    ASSERT_TRUE(is_json_answer(reply));
    EXPECT_TRUE(has_string(reply.json(), "sequence_number", "2"));

    // ConsumingState (DISClient.java:620-632): ListStreamConsumingStateRequest in the query, app_name and
    // stream_name included; HashMap order app_name, stream_name, start_partition_id, limit, checkpoint_type.
    reply = java_.call("GET", "/apps/group/streams/orders/",
                       {{"app_name", "group"},
                        {"stream_name", "orders"},
                        {"limit", "100"},
                        {"checkpoint_type", "LAST_READ"}});
    ASSERT_TRUE(is_json_answer(reply));
    auto body = reply.json();
    ASSERT_EQ(body["partition_consuming_states"].Size(), 2U);
    EXPECT_TRUE(has_string(body["partition_consuming_states"][0], "sequence_number", "2"));
    EXPECT_TRUE(has_int(body["partition_consuming_states"][0], "latest_offset", 2));

    // DeleteCheckpoint (DISClient.java:602-613): DeleteCheckpointRequest in the query, with stream_id and
    // checkpoint_type (iface data/request/DeleteCheckpointRequest.java:11-24).
    const std::string stream_id =
        java_.call("GET", "/streams/orders/", {{"stream_name", "orders"}, {"limit_partitions", "100"}})
            .json()["stream_id"]
            .GetString();
    EXPECT_TRUE(is_empty_answer(java_.call("DELETE", "/checkpoints/",
                                           {{"partition_id", "shardId-0000000000"},
                                            {"app_name", "group"},
                                            {"stream_name", "orders"},
                                            {"stream_id", stream_id},
                                            {"checkpoint_type", "LAST_READ"}}),
                                204));
    reply = java_.call("GET", "/checkpoints/", get_query);
    ASSERT_TRUE(is_json_answer(reply));
    EXPECT_TRUE(has_string(reply.json(), "sequence_number", "-1"));

    // DeleteApp (DISClient.java:513-524): no parameters at all.
    EXPECT_TRUE(is_empty_answer(java_.call("DELETE", "/apps/group/"), 204));
    EXPECT_TRUE(has_string(java_.call("GET", "/apps/group/").json(), "errorCode", "DIS.4332"));
}

TEST_P(native_java, transfer_tasks_are_kept_and_file_state_is_not_emulated) {
    create_stream("orders", 1);
    auto reply = java_.call("GET", "/streams/orders/transfer-tasks/");
    ASSERT_TRUE(is_json_answer(reply));
    EXPECT_TRUE(has_int(reply.json(), "total_number", 0));
    EXPECT_TRUE(has_int(reply.json(), "quota", 5));
    reply = java_.call("GET", "/files/deliver-1/state/");
    EXPECT_TRUE(
        is_dis_error(reply, "DIS.4200",
                     "Invalid request. [ShowFileUploadState is not emulated: the emulator receives no file "
                     "uploads]"));
}

TEST(native_java_strict, a_wrong_secret_is_refused_on_a_slashed_path) {
    test_server server(native_strict_settings());
    native_client wrong(server, native_sdk::java, native_access_key, "not-the-secret");
    EXPECT_TRUE(is_dis_error(wrong.call("GET", "/streams/", {{"limit", "10"}}), "DIS.4100",
                             "Authorization error.", 441));
}

}  // namespace
}  // namespace emu::test
