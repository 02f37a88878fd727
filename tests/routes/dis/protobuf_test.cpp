// Route tests for DIS's protobuf bodies (dis-native-sdks.md §2.1 "Body format", §2.3, §2.4, §3):
// PutRecords and GetRecords sent exactly as the native Java, Python and Go SDKs send them in protobuf mode,
// with the messages built by the classes protoc generates from routes/dis/records.proto; protobuf answers;
// JSON and protobuf reading what the other wrote; malformed protobuf refused with nothing stored; the
// routes that take no protobuf still refusing it.
#include "routes/dis/protobuf.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "routes/dis/records.pb.h"
#include "tests/support/dis_client.hpp"
#include "tests/support/test_server.hpp"

namespace emu::test {
namespace {

namespace pb = routes::dis::pb;

std::string from_hex(const std::string& hex) {
    std::string out;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
        out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
    }
    return out;
}

std::string serialized(const google::protobuf::MessageLite& message) {
    std::string out;
    EXPECT_TRUE(message.SerializeToString(&out));
    return out;
}

// Record data no JSON string could carry as it is: NUL, bytes past 0x7f, not UTF-8.
const std::string binary_data = std::string("\x00\x01\xfe\xff", 4) + "bin";
const std::string binary_data_base64 = "AAH+/2Jpbg==";

// ==== the messages themselves ============================================================================

// dis-native-sdks.md §3: the Python SDK's record_pb2 serialises
// PutRecordsRequest{streamName:"s", streamId:"", records:[{data:"hello", partitionKey:"0"}]} as these bytes.
const std::string python_vector = from_hex("0a0173120a1a0568656c6c6f2a0130f20100");

TEST(dis_protobuf_messages, the_python_sdk_test_vector_parses_into_its_fields) {
    pb::PutRecordsRequest request;
    ASSERT_TRUE(request.ParseFromString(python_vector));
    EXPECT_EQ(request.streamname(), "s");
    EXPECT_TRUE(request.has_streamid());
    EXPECT_EQ(request.streamid(), "");
    ASSERT_EQ(request.records_size(), 1);
    EXPECT_EQ(request.records(0).data(), "hello");
    EXPECT_EQ(request.records(0).partitionkey(), "0");
    EXPECT_FALSE(request.records(0).has_partitionid());
    EXPECT_FALSE(request.records(0).has_explicithashkey());
    EXPECT_FALSE(request.records(0).has_timestamp());
}

TEST(dis_protobuf_messages, the_same_fields_serialise_to_the_python_sdk_bytes) {
    pb::PutRecordsRequest request;
    request.set_streamname("s");
    request.set_streamid("");
    auto* record = request.add_records();
    record->set_data("hello");
    record->set_partitionkey("0");
    EXPECT_EQ(serialized(request), python_vector);
}

TEST(dis_protobuf_messages, a_put_records_request_reads_as_the_json_body_of_send_records) {
    const auto doc = routes::dis::put_records_document(python_vector);
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    doc.Accept(writer);
    // streamId "" is left out, as are empty strings in a record; data turns into base64.
    EXPECT_EQ(std::string(buffer.GetString()),
              R"({"stream_name":"s","records":[{"data":"aGVsbG8=","partition_key":"0"}]})");
}

TEST(dis_protobuf_messages, empty_protobuf_strings_read_as_absent_and_a_timestamp_is_kept) {
    pb::PutRecordsRequest request;
    request.set_streamname("s");
    auto* record = request.add_records();  // the Go SDK sets every string, empty or not
    record->set_data(binary_data);
    record->set_partitionid("");
    record->set_explicithashkey("");
    record->set_partitionkey("");
    record->set_timestamp(1'700'000'000'123);
    const auto doc = routes::dis::put_records_document(serialized(request));
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    doc.Accept(writer);
    EXPECT_EQ(std::string(buffer.GetString()), R"({"stream_name":"s","records":[{"data":")" +
                                                   binary_data_base64 + R"(","timestamp":1700000000123}]})");
}

// ==== over the server =============================================================================

// One native SDK in protobuf mode: its Content-Type and the other headers it sets before signing.
struct native_sdk {
    const char* name;
    const char* content_type;
    header_list headers;
    // The SDK's PutRecordsRequest for one record: what it sets and what it leaves out.
    std::function<void(pb::PutRecordsRequest&, const std::string& stream)> stream_fields;
    std::function<void(pb::PutRecordsRequestEntry&)> unset_fields;
};

std::vector<native_sdk> native_sdks() {
    return {
        // Java: ProtobufUtils.toProtobufPutRecordsRequest sets only the non-null fields; the stream id is
        // null unless the caller gave one. AbstractDISClient adds X-Project-Id, accept and X-SDK-Version.
        {"java",
         "application/x-protobuf; charset=utf-8",
         {{"X-Project-Id", project_id}, {"accept", "*/*; charset=utf-8"}, {"X-SDK-Version", "1.3.21/java"}},
         [](pb::PutRecordsRequest& r, const std::string& stream) { r.set_streamname(stream); },
         [](pb::PutRecordsRequestEntry&) {}},
        // Python: streamName and streamId are required in its record.proto and streamId is always "";
        // user-agent is set after signing, Content-Type after that.
        {"python",
         "application/x-protobuf;charset=utf-8",
         {{"user-agent", "dis-python-sdk-v-2.0.0"}},
         [](pb::PutRecordsRequest& r, const std::string& stream) {
             r.set_streamname(stream);
             r.set_streamid("");
         },
         [](pb::PutRecordsRequestEntry&) {}},
        // Go: its message.proto has no streamId; every string of a record is set, empty or not.
        {"go",
         "application/x-protobuf; charset=utf-8",
         {},
         [](pb::PutRecordsRequest& r, const std::string& stream) { r.set_streamname(stream); },
         [](pb::PutRecordsRequestEntry& e) {
             if (!e.has_partitionid()) e.set_partitionid("");
             if (!e.has_explicithashkey()) e.set_explicithashkey("");
             if (!e.has_partitionkey()) e.set_partitionkey("");
         }},
    };
}

class dis_protobuf : public testing::TestWithParam<native_sdk> {
  protected:
    void SetUp() override {
        ASSERT_EQ(server.request("POST", path("/streams"), R"({"stream_name":"orders","partition_count":2})")
                      .status,
                  201U);
    }

    header_list headers() const {
        header_list out = GetParam().headers;
        out.emplace_back("Content-Type", GetParam().content_type);
        return out;
    }

    // A PutRecordsRequest for `records` (data, partition id, partition key), as the SDK builds it.
    std::string put_request(const std::vector<std::vector<std::string>>& records,
                            const std::string& stream = "orders") const {
        pb::PutRecordsRequest request;
        GetParam().stream_fields(request, stream);
        for (const auto& fields : records) {
            auto* entry = request.add_records();
            entry->set_data(fields[0]);
            if (fields.size() > 1 && !fields[1].empty()) entry->set_partitionid(fields[1]);
            if (fields.size() > 2) entry->set_partitionkey(fields[2]);
            GetParam().unset_fields(*entry);
        }
        return serialized(request);
    }

    // The Java SDK's path has a trailing '/'; that form of every DIS path is served apart from the body
    // format, so these tests use the one every SDK's records route shares.
    http_reply put(const std::string& body) const {
        return server.request("POST", path("/records"), body, headers());
    }

    http_reply get(const std::string& cursor) const {
        return server.request("GET", path("/records?partition-cursor=" + cursor + "&limit=1000"), {},
                              headers());
    }

    std::string cursor(int partition, const std::string& type = "TRIM_HORIZON") const {
        const auto reply = server.request("GET", path("/cursors?stream-name=orders&partition-id=" +
                                                      std::to_string(partition) + "&cursor-type=" + type));
        EXPECT_TRUE(is_json_answer(reply)) << reply.body;
        return reply.json()["partition_cursor"].GetString();
    }

    std::int64_t stored() { return server.state().counts().dis.records; }

    test_server server;
};

testing::AssertionResult is_protobuf_answer(const http_reply& reply) {
    if (reply.status != 200)
        return testing::AssertionFailure() << "status " << reply.status << ": " << reply.body;
    if (reply.header("content-type") != "application/x-protobuf") {
        return testing::AssertionFailure() << "Content-Type '" << reply.header("content-type") << "'";
    }
    if (!is_request_id(reply.header("x-request-id"))) return testing::AssertionFailure() << "no X-Request-Id";
    return testing::AssertionSuccess();
}

TEST_P(dis_protobuf, put_records_answers_a_put_records_result_without_error_fields) {
    const auto reply = put(put_request({{"a", "0"}, {"bb", "1", "k"}, {binary_data, "0"}}));
    ASSERT_TRUE(is_protobuf_answer(reply));
    pb::PutRecordsResult result;
    ASSERT_TRUE(result.ParseFromString(reply.body));
    EXPECT_EQ(result.failedrecordcount(), 0);
    ASSERT_EQ(result.records_size(), 3);
    const std::vector<std::pair<std::string, std::string>> expected = {
        {"shardId-0000000000", "0"}, {"shardId-0000000001", "0"}, {"shardId-0000000000", "1"}};
    for (int i = 0; i < 3; ++i) {
        const auto& entry = result.records(i);
        EXPECT_EQ(entry.shardid(), expected[static_cast<std::size_t>(i)].first);
        EXPECT_EQ(entry.sequencenumber(), expected[static_cast<std::size_t>(i)].second);
        EXPECT_FALSE(entry.has_errorcode());
        EXPECT_FALSE(entry.has_errormessage());
    }
    EXPECT_EQ(stored(), 3);
}

TEST_P(dis_protobuf, a_record_without_a_partition_goes_where_a_json_one_would) {
    // No partition id (Go sends ""), no key: round-robin, as in JSON.
    const auto reply = put(put_request({{"x"}, {"y"}}));
    ASSERT_TRUE(is_protobuf_answer(reply));
    pb::PutRecordsResult result;
    ASSERT_TRUE(result.ParseFromString(reply.body));
    ASSERT_EQ(result.records_size(), 2);
    EXPECT_NE(result.records(0).shardid(), result.records(1).shardid());
}

TEST_P(dis_protobuf, get_records_answers_a_get_records_result_with_raw_data) {
    ASSERT_TRUE(is_protobuf_answer(put(put_request({{"a", "0"}, {binary_data, "0", "key-1"}}))));
    const auto reply = get(cursor(0));
    ASSERT_TRUE(is_protobuf_answer(reply));
    pb::GetRecordsResult result;
    ASSERT_TRUE(result.ParseFromString(reply.body));
    ASSERT_EQ(result.records_size(), 2);
    EXPECT_EQ(result.records(0).sequencenumber(), "0");
    EXPECT_EQ(result.records(0).data(), "a");
    EXPECT_FALSE(result.records(0).has_partitionkey());
    EXPECT_EQ(result.records(1).sequencenumber(), "1");
    EXPECT_EQ(result.records(1).data(), binary_data);
    EXPECT_EQ(result.records(1).partitionkey(), "key-1");
    for (const auto& record : result.records()) {
        EXPECT_EQ(record.timestamp(), server.clock().now_ms.load());
        EXPECT_EQ(record.timestamptype(), "CreateTime");
    }
    // The next iterator is a cursor like any other: it reads on from after the last record.
    ASSERT_FALSE(result.nextsharditerator().empty());
    ASSERT_TRUE(is_protobuf_answer(put(put_request({{"c", "0"}}))));
    const auto next = get(result.nextsharditerator());
    ASSERT_TRUE(is_protobuf_answer(next));
    pb::GetRecordsResult more;
    ASSERT_TRUE(more.ParseFromString(next.body));
    ASSERT_EQ(more.records_size(), 1);
    EXPECT_EQ(more.records(0).data(), "c");
    EXPECT_EQ(more.records(0).sequencenumber(), "2");
}

TEST_P(dis_protobuf, an_empty_poll_is_a_result_with_no_records_and_the_same_position) {
    const auto reply = get(cursor(1, "LATEST"));
    ASSERT_TRUE(is_protobuf_answer(reply));
    pb::GetRecordsResult result;
    ASSERT_TRUE(result.ParseFromString(reply.body));
    EXPECT_EQ(result.records_size(), 0);
    EXPECT_FALSE(result.nextsharditerator().empty());
}

TEST_P(dis_protobuf, protobuf_data_reads_back_as_base64_in_json) {
    ASSERT_TRUE(is_protobuf_answer(put(put_request({{binary_data, "1", "k"}}))));
    const auto reply = server.request("GET", path("/records?partition-cursor=" + cursor(1)));
    ASSERT_TRUE(is_json_answer(reply)) << reply.body;
    const auto body = reply.json();
    ASSERT_EQ(body["records"].Size(), 1U);
    EXPECT_TRUE(has_string(body["records"][0], "data", binary_data_base64));
    EXPECT_TRUE(has_string(body["records"][0], "partition_key", "k"));
}

TEST_P(dis_protobuf, json_data_reads_back_as_raw_bytes_in_protobuf) {
    ASSERT_EQ(server
                  .request("POST", path("/records"),
                           R"({"stream_name":"orders","records":[{"data":")" + binary_data_base64 +
                               R"(","partition_id":"1"}]})")
                  .status,
              200U);
    const auto reply = get(cursor(1));
    ASSERT_TRUE(is_protobuf_answer(reply));
    pb::GetRecordsResult result;
    ASSERT_TRUE(result.ParseFromString(reply.body));
    ASSERT_EQ(result.records_size(), 1);
    EXPECT_EQ(result.records(0).data(), binary_data);
}

TEST_P(dis_protobuf, errors_stay_json_in_dis_format_for_the_sdks_substring_checks) {
    // The Java SDK finds DIS.4301 in the body of a 400 (AbstractDISClient.handleError).
    const auto unknown = put(put_request({{"a"}}, "nosuch"));
    EXPECT_TRUE(is_dis_error(unknown, "DIS.4301", "The stream does not exist. [nosuch][" + project_id + "]"))
        << unknown.body;
    const auto bad_cursor = get("not-a-cursor");
    EXPECT_TRUE(is_dis_error(bad_cursor, "DIS.4217", "Invalid partition cursor. [not-a-cursor]"))
        << bad_cursor.body;
    const auto bad_partition = put(put_request({{"a", "7"}}));
    EXPECT_EQ(bad_partition.status, 400U);
    EXPECT_EQ(bad_partition.header("content-type"), dis_json_type);
    EXPECT_EQ(stored(), 0);
}

TEST_P(dis_protobuf, malformed_protobuf_is_refused_in_json_and_nothing_is_stored) {
    const std::string not_protobuf = "\x0a\xff\xff\xff\xff\x0f garbage";  // a length past the end
    const auto reply = put(not_protobuf);
    EXPECT_TRUE(
        is_dis_error(reply, "DIS.4200", "Invalid request. [request body: not a protobuf PutRecordsRequest]"))
        << reply.body;
    // Cut short in the middle of a record.
    const auto whole = put_request({{"hello", "0"}});
    const auto cut = put(whole.substr(0, whole.size() - 2));
    EXPECT_TRUE(
        is_dis_error(cut, "DIS.4200", "Invalid request. [request body: not a protobuf PutRecordsRequest]"))
        << cut.body;
    // JSON sent with the protobuf Content-Type is not protobuf either.
    const auto json = put(R"({"stream_name":"orders","records":[{"data":"YQ=="}]})");
    EXPECT_EQ(json.status, 400U);
    EXPECT_EQ(stored(), 0);
}

TEST_P(dis_protobuf, a_request_that_parses_but_is_not_valid_is_refused_as_json_would_be) {
    const auto empty = put("");
    EXPECT_TRUE(is_dis_error(empty, "DIS.4202", "Empty request.")) << empty.body;
    pb::PutRecordsRequest no_records;
    GetParam().stream_fields(no_records, "orders");
    const auto none = put(serialized(no_records));
    EXPECT_TRUE(is_dis_error(none, "DIS.4200", "Invalid request. [records: at least one record is required]"))
        << none.body;
    pb::PutRecordsRequest no_stream;
    no_stream.add_records()->set_data("a");
    const auto nameless = put(serialized(no_stream));
    EXPECT_TRUE(is_dis_error(nameless, "DIS.4200", "Invalid request. [stream_name: is required]"))
        << nameless.body;
    // A string field must be UTF-8, as every JSON string is.
    const auto bad_key = put(put_request({{"a", "0", "\xff\xfe"}}));
    EXPECT_TRUE(
        is_dis_error(bad_key, "DIS.4200", "Invalid request. [records[0].partitionKey: is not valid UTF-8]"))
        << bad_key.body;
    // extendedInfo without its required fields is not a PutRecordsRequest.
    pb::PutRecordsRequest partial;
    partial.set_streamname("orders");
    auto* entry = partial.add_records();
    entry->set_data("a");
    entry->mutable_extendedinfo()->set_filename("f");
    const auto incomplete = put(partial.SerializePartialAsString());
    EXPECT_TRUE(is_dis_error(incomplete, "DIS.4200",
                             "Invalid request. [request body: not a protobuf PutRecordsRequest]"))
        << incomplete.body;
    EXPECT_EQ(stored(), 0);
}

TEST_P(dis_protobuf, complete_extended_info_is_read_and_ignored) {
    pb::PutRecordsRequest request;
    request.set_streamname("orders");
    auto* entry = request.add_records();
    entry->set_data("part");
    entry->set_partitionid("0");
    auto* info = entry->mutable_extendedinfo();
    info->set_filename("f.txt");
    info->set_deliverdataid("d-1");
    info->set_seqnum(0);
    ASSERT_TRUE(is_protobuf_answer(put(serialized(request))));
    EXPECT_EQ(stored(), 1);
}

INSTANTIATE_TEST_SUITE_P(native_sdks, dis_protobuf, testing::ValuesIn(native_sdks()),
                         [](const testing::TestParamInfo<native_sdk>& param_info) {
                             return param_info.param.name;
                         });

TEST(dis_protobuf_media_type, any_case_and_spacing_is_protobuf) {
    test_server server;
    ASSERT_EQ(server.request("POST", path("/streams"), R"({"stream_name":"s1","partition_count":1})").status,
              201U);
    pb::PutRecordsRequest request;
    request.set_streamname("s1");
    request.add_records()->set_data("a");
    for (const char* type : {"application/x-protobuf", "Application/X-Protobuf; Charset=UTF-8",
                             "application/x-protobuf ;charset=utf-8"}) {
        const auto reply =
            server.request("POST", path("/records"), serialized(request), {{"Content-Type", type}});
        EXPECT_TRUE(is_protobuf_answer(reply)) << type;
    }
    // A JSON GetRecords request still gets JSON.
    const std::string cursor =
        server.request("GET", path("/cursors?stream-name=s1&partition-id=0&cursor-type=TRIM_HORIZON"))
            .json()["partition_cursor"]
            .GetString();
    EXPECT_TRUE(is_json_answer(server.request("GET", path("/records?partition-cursor=") + cursor)));
}

TEST(dis_protobuf_media_type, routes_other_than_records_still_refuse_protobuf) {
    test_server server;
    const header_list protobuf = {{"Content-Type", "application/x-protobuf; charset=utf-8"}};
    const auto app = server.request("POST", path("/apps"), R"({"app_name":"a1"})", protobuf);
    EXPECT_TRUE(is_dis_error(app, "DIS.4300", "Request error.")) << app.body;
    const auto stream =
        server.request("POST", path("/streams"), R"({"stream_name":"s1","partition_count":1})", protobuf);
    EXPECT_TRUE(is_dis_error(stream, "DIS.4300", "Request error.")) << stream.body;
    const auto dms = server.request("POST", "/v2/" + project_id + "/kafka/instances", "{}", protobuf);
    EXPECT_EQ(dms.status, 400U);
    EXPECT_NE(dms.body.find("DMS.00400005"), std::string::npos) << dms.body;
    EXPECT_EQ(server.state().counts().dis.streams, 0);
}

}  // namespace
}  // namespace emu::test
