// Every operation of the Python SDK (huaweicloud-sdk-python-dis 2.0.x, commit 4530adb), sent as it sends it:
// paths written by hand, most with a trailing '/', some without (dis_sdk_python/com/huaweicloud/dis/sdk/
// python/client/disclient.py, cited below by line); the query from a dict through requests (form-encoded,
// in insertion order); bodies from json.dumps (", " and ": " separators); headers x-sdk-date and the host
// without its port, signed, then user-agent and Content-Type unsigned (:96-122, models/disauth.py:179-212).
// The client here signs with derivationKeySwitch=False, the SDK's legacy SDK-HMAC-SHA256 form; its default
// V11 form is the signature tests' subject. Each test runs in loose and in strict mode.
#include <gtest/gtest.h>

#include <string>

#include "tests/support/dis_client.hpp"
#include "tests/support/native_dis_client.hpp"
#include "tests/support/test_server.hpp"

namespace emu::test {
namespace {

class native_python : public ::testing::TestWithParam<bool> {
  protected:
    bool strict() const { return GetParam(); }
    test_server server_{strict() ? native_strict_settings() : routes::auth::auth_settings{}};
    native_client python_{server_, native_sdk::python};

    // createStream (:171-200).
    void create_stream(const std::string& name, int partitions) {
        ASSERT_TRUE(is_empty_answer(
            python_.call("POST", "/streams/", {},
                         R"({"stream_name": ")" + name + R"(", "partition_count": )" +
                             std::to_string(partitions) +
                             R"(, "stream_type": "COMMON", "data_type": "BLOB", "data_duration": 24})"),
            201));
    }

    // getCursor (:517-563): stream-name, partition-id, cursor-type, then the optional ones.
    std::string cursor(const std::string& stream, const std::string& partition, const std::string& type,
                       const std::string& sequence = "") {
        name_values query{{"stream-name", stream}, {"partition-id", partition}, {"cursor-type", type}};
        if (!sequence.empty()) query.emplace_back("starting-sequence-number", sequence);
        const auto reply = python_.call("GET", "/cursors/", query);
        EXPECT_TRUE(is_json_answer(reply));
        const auto body = reply.json();
        return body.HasMember("partition_cursor") ? body["partition_cursor"].GetString() : "";
    }
};

INSTANTIATE_TEST_SUITE_P(auth, native_python, ::testing::Values(false, true),
                         [](const auto& test) { return test.param ? "strict" : "loose"; });

TEST_P(native_python, sends_what_the_sdk_sends) {
    python_.call("GET", "/records/", {{"partition-cursor", "a b+c"}, {"limit", "1000"}});
    EXPECT_EQ(python_.last_target(), path("/records/?partition-cursor=a+b%2Bc&limit=1000"));
    std::string authorization;
    std::string host;
    for (const auto& [name, value] : python_.last_headers()) {
        if (name == "Authorization") authorization = value;
        if (name == "Host") host = value;
    }
    EXPECT_EQ(host, "127.0.0.1");
    EXPECT_TRUE(authorization.starts_with("SDK-HMAC-SHA256 Credential=" + native_access_key + "/20231114/" +
                                          native_region +
                                          "/dis/sdk_request, SignedHeaders=host;x-sdk-date, "));
}

TEST_P(native_python, streams_describe_list_scale_delete) {
    create_stream("orders", 2);
    // describeStream (:287-302): no trailing '/', limit_partitions=1000 by default; putRecords calls it
    // first and reads stream_type and each partition's status (:452-462).
    auto reply = python_.call("GET", "/streams/orders", {{"limit_partitions", "1000"}});
    ASSERT_TRUE(is_json_answer(reply));
    auto body = reply.json();
    EXPECT_TRUE(has_string(body, "stream_type", "COMMON"));
    ASSERT_EQ(body["partitions"].Size(), 2U);
    EXPECT_TRUE(has_string(body["partitions"][0], "status", "ACTIVE"));
    // With a start partition and a stream id (:289-294).
    const std::string stream_id = body["stream_id"].GetString();
    reply = python_.call("GET", "/streams/orders",
                         {{"start_partitionId", "shardId-0000000000"},
                          {"stream_id", stream_id},
                          {"limit_partitions", "1000"}});
    ASSERT_TRUE(is_json_answer(reply));
    ASSERT_EQ(reply.json()["partitions"].Size(), 1U);

    // listStream (:265-285): /streams/ with limit=100.
    reply = python_.call("GET", "/streams/", {{"limit", "100"}});
    ASSERT_TRUE(is_json_answer(reply));
    EXPECT_TRUE(has_int(reply.json(), "total_number", 1));

    // changepartitionQuantity (:700-712): PUT without the slash.
    reply = python_.call("PUT", "/streams/orders", {},
                         R"({"stream_name": "orders", "target_partition_count": 1})");
    ASSERT_TRUE(is_json_answer(reply));
    EXPECT_TRUE(has_int(reply.json(), "target_partition_count", 1));

    // deleteStream (:242-254).
    EXPECT_TRUE(is_empty_answer(python_.call("DELETE", "/streams/orders"), 204));
    EXPECT_TRUE(has_string(python_.call("GET", "/streams/orders", {{"limit_partitions", "1000"}}).json(),
                           "errorCode", "DIS.4301"));
}

TEST_P(native_python, records_put_and_get) {
    create_stream("orders", 1);
    // __sendRecords (:324-381): stream_id always present and empty, data base64 of str(data).
    auto reply = python_.call(
        "POST", "/records/", {},
        R"({"stream_name": "orders", "stream_id": "", "records": [{"data": "aGVsbG8=", "partition_key": "0"}, )"
        R"({"data": "d29ybGQ=", "partition_key": "1"}]})");
    ASSERT_TRUE(is_json_answer(reply));
    auto body = reply.json();
    EXPECT_TRUE(has_int(body, "failed_record_count", 0));
    ASSERT_EQ(body["records"].Size(), 2U);

    // getRecords (:565-588): partition-cursor and limit=1000.
    const std::string start = cursor("orders", "0", "TRIM_HORIZON");
    reply = python_.call("GET", "/records/", {{"partition-cursor", start}, {"limit", "1000"}});
    ASSERT_TRUE(is_json_answer(reply));
    body = reply.json();
    ASSERT_EQ(body["records"].Size(), 2U);
    EXPECT_TRUE(has_string(body["records"][1], "data", "d29ybGQ="));
    EXPECT_TRUE(has_string(body["records"][1], "sequence_number", "1"));
    EXPECT_TRUE(body["next_partition_cursor"].IsString());

    // AT_SEQUENCE_NUMBER with the shardId form.
    reply =
        python_.call("GET", "/records/",
                     {{"partition-cursor", cursor("orders", "shardId-0000000000", "AT_SEQUENCE_NUMBER", "1")},
                      {"limit", "1000"}});
    ASSERT_TRUE(is_json_answer(reply));
    ASSERT_EQ(reply.json()["records"].Size(), 1U);
}

// put_records and getCursor with a stream id instead of a name (:497-515, :545-549): the emulator finds
// streams by name only.
TEST_P(native_python, a_stream_named_by_its_id_alone_is_refused) {
    create_stream("orders", 1);
    const std::string id = python_.call("GET", "/streams/orders", {{"limit_partitions", "1000"}})
                               .json()["stream_id"]
                               .GetString();
    EXPECT_TRUE(is_dis_error(
        python_.call("POST", "/records/", {},
                     R"({"stream_name": "", "stream_id": ")" + id + R"(", "records": [{"data": "eA=="}]})"),
        "DIS.4301", "The stream does not exist. [][" + project_id + "]"));
    EXPECT_TRUE(
        is_dis_error(python_.call("GET", "/cursors/",
                                  {{"stream-id", id}, {"partition-id", "0"}, {"cursor-type", "LATEST"}}),
                     "DIS.4200", "Invalid request. [stream-name: is required]"));
    EXPECT_TRUE(has_string(
        python_.call("GET", "/streams/orders", {{"limit_partitions", "1000"}}).json()["partitions"][0],
        "sequence_number_range", "[0 : 0]"));
}

TEST_P(native_python, apps_and_checkpoints) {
    create_stream("orders", 2);
    ASSERT_EQ(
        python_
            .call(
                "POST", "/records/", {},
                R"({"stream_name": "orders", "stream_id": "", "records": [{"data": "eA==", "partition_id": "1"}]})")
            .status,
        200U);
    // createApp (:590-601), describeApp (:603-609, no slash), listApp (:611-625, "/apps", limit=100).
    EXPECT_TRUE(is_empty_answer(python_.call("POST", "/apps/", {}, R"({"app_name": "billing"})"), 201));
    auto reply = python_.call("GET", "/apps/billing");
    ASSERT_TRUE(is_json_answer(reply));
    EXPECT_TRUE(has_string(reply.json(), "app_name", "billing"));
    reply = python_.call("GET", "/apps", {{"limit", "100"}});
    ASSERT_TRUE(is_json_answer(reply));
    EXPECT_EQ(reply.json()["apps"].Size(), 1U);

    // commitCheckpoint (:636-662): metadata "" and checkpoint_type LAST_READ by default.
    EXPECT_TRUE(is_empty_answer(
        python_.call("POST", "/checkpoints/", {},
                     R"({"stream_name": "orders", "app_name": "billing", "partition_id": "1", )"
                     R"("sequence_number": "1", "metadata": "", "checkpoint_type": "LAST_READ"})"),
        201));
    // getCheckpoint (:664-682); the SDK reads sequence_number (and metaData, response/
    // discheckpointresponse.py:60-61, which the emulator does not write: it reads as '').
    const name_values get_query = {{"stream_name", "orders"},
                                   {"app_name", "billing"},
                                   {"partition_id", "1"},
                                   {"checkpoint_type", "LAST_READ"}};
    reply = python_.call("GET", "/checkpoints/", get_query);
    ASSERT_TRUE(is_json_answer(reply));
    EXPECT_TRUE(has_string(reply.json(), "sequence_number", "1"));

    // streamConsume (:714-730): start_partition_id=0 by default, an exclusive start, so the list begins
    // after partition 0; limit=10.
    reply = python_.call("GET", "/apps/billing/streams/orders",
                         {{"start_partition_id", "0"}, {"checkpoint_type", "LAST_READ"}, {"limit", "10"}});
    ASSERT_TRUE(is_json_answer(reply));
    auto body = reply.json();
    ASSERT_EQ(body["partition_consuming_states"].Size(), 1U);
    EXPECT_TRUE(has_string(body["partition_consuming_states"][0], "partition_id", "shardId-0000000001"));
    EXPECT_TRUE(has_string(body["partition_consuming_states"][0], "sequence_number", "1"));

    // deleteCheckpoint (:684-698): stream_name and app_name only, no partition_id, no checkpoint_type: every
    // partition's checkpoint of the app goes.
    EXPECT_TRUE(is_empty_answer(
        python_.call("DELETE", "/checkpoints/", {{"stream_name", "orders"}, {"app_name", "billing"}}), 204));
    reply = python_.call("GET", "/checkpoints/", get_query);
    EXPECT_TRUE(has_string(reply.json(), "sequence_number", "-1"));

    // deleteApp (:627-634): with the slash.
    EXPECT_TRUE(is_empty_answer(python_.call("DELETE", "/apps/billing/"), 204));
    EXPECT_TRUE(has_string(python_.call("GET", "/apps/billing").json(), "errorCode", "DIS.4332"));
}

TEST_P(native_python, dump_tasks_are_added_described_listed_and_deleted) {
    create_stream("orders", 1);
    // add_dump_task (:234-240) and describe_dump_task (:314-322) use the singular "stream"; __getDumpTask
    // (:203-231) puts the kwargs, task_name among them, under <type>_destination_descriptor.
    EXPECT_TRUE(is_empty_answer(
        python_.call(
            "POST", "/stream/orders/transfer-tasks/", {},
            R"({"destination_type": "DLI", "dli_destination_descriptor": {"dli_database_name": "db", )"
            R"("dli_table_name": "tb", "obs_bucket_path": "bucket", "deliver_time_interval": 300, )"
            R"("task_name": "t"}})"),
        201));
    const auto shown = python_.call("GET", "/stream/orders/transfer-tasks/t");
    ASSERT_TRUE(is_json_answer(shown));
    EXPECT_TRUE(has_string(shown.json(), "destination_type", "DLI"));
    EXPECT_TRUE(has_string(shown.json()["dli_destination_description"], "dli_table_name", "tb"));
    // list_dump_task (:304-312) and delete_dump_task (:256-263) the plural.
    EXPECT_TRUE(has_int(python_.call("GET", "/streams/orders/transfer-tasks/").json(), "total_number", 1));
    EXPECT_TRUE(is_empty_answer(python_.call("DELETE", "/streams/orders/transfer-tasks/t/"), 204));
    EXPECT_TRUE(has_int(python_.call("GET", "/streams/orders/transfer-tasks/").json(), "total_number", 0));
}

// streamMonitor and partitionMonitor (:732-772) send GETs with a JSON body beside their query.
TEST_P(native_python, monitoring_gets_with_a_json_body_are_answered) {
    create_stream("orders", 1);
    const auto reply = python_.call(
        "GET", "/streams/orders/metrics",
        {{"label", "total_put_records_per_stream"}, {"end_time", "1700000600"}, {"start_time", "1700000000"}},
        R"({"stream_name": "orders"})");
    ASSERT_TRUE(is_json_answer(reply));
    EXPECT_TRUE(has_string(reply.json()["metrics"], "label", "total_put_records_per_stream"));
    const auto partition = python_.call("GET", "/streams/orders/partitions/0/metrics",
                                        {{"label", "total_get_bytes_per_partition"},
                                         {"start_time", "1700000000"},
                                         {"end_time", "1700000600"}},
                                        R"({"stream_name": "orders", "partition_id": "0"})");
    ASSERT_TRUE(is_json_answer(partition));
    EXPECT_TRUE(has_string(partition.json()["metrics"], "label", "total_get_bytes_per_partition"));
}

TEST(native_python_strict, a_wrong_secret_is_refused_on_a_slashed_path) {
    test_server server(native_strict_settings());
    native_client python(server, native_sdk::python, native_access_key, "not-the-secret");
    EXPECT_TRUE(is_dis_error(python.call("GET", "/streams/", {{"limit", "100"}}), "DIS.4100",
                             "Authorization error.", 441));
}

}  // namespace
}  // namespace emu::test
