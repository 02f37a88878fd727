// One log, two fronts: a producer's record batch is stored as it came and served byte for byte (only the
// fields a broker assigns change), a REST deletion inside a batch serves that batch whole from the new
// start, and LogAppendTime is stamped into the stored batch.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <string>
#include <vector>

#include "kafka/dispatch.hpp"
#include "kafka/protocol/codec.hpp"
#include "kafka/protocol/record_batch.hpp"
#include "tests/support/dms_client.hpp"
#include "tests/support/kafka_connection.hpp"
#include "tests/support/test_server.hpp"

namespace emu::test {
namespace {

namespace protocol = kafka::protocol;
using protocol::reader;
using protocol::writer;

std::uint16_t broker_port(const test_server& server, const std::string& instance) {
    rapidjson::Document doc;
    doc.Parse(server.request("GET", instance_path(instance)).body.c_str());
    return static_cast<std::uint16_t>(doc["port"].GetInt());
}

// A producer's batch of `count` records "v0".., timestamps 1000.. and a producer id, as a client builds it.
std::string producer_batch(int count, protocol::compression_codec codec) {
    std::vector<protocol::record> records;
    for (int i = 0; i < count; ++i) {
        protocol::record r;
        r.offset = i;
        r.timestamp = 1000 + i;
        r.key = "k" + std::to_string(i);
        r.value = "v" + std::to_string(i);
        r.headers.push_back({"h", std::nullopt});  // a null header value survives on the wire
        records.push_back(r);
    }
    protocol::batch_header h;
    h.partition_leader_epoch = -1;
    h.producer_id = 4242;
    h.producer_epoch = 3;
    h.base_sequence = 0;
    return protocol::encode_batch(h, records, codec);
}

struct produced {
    std::int16_t error = -1;
    std::int64_t base_offset = -1;
    std::int64_t log_append_time = -1;
};

produced produce(kafka_connection& kafka, const std::string& topic, const std::string& batch) {
    std::string request = kafka_request_header(0, 3, 11);
    writer w(request);
    w.nullable_string(std::nullopt);
    w.int16(1);
    w.int32(1000);
    w.array_length(1);
    w.string(topic);
    w.array_length(1);
    w.int32(0);
    w.nullable_bytes(batch);
    EXPECT_TRUE(kafka.send_request(request));
    const auto response = kafka.read_response();
    EXPECT_TRUE(response.has_value());
    produced out;
    if (!response) return out;
    reader r(*response);
    r.int32();  // correlation id
    EXPECT_EQ(r.array_length(false), 1);
    r.string();
    EXPECT_EQ(r.array_length(false), 1);
    r.int32();
    out.error = r.int16();
    out.base_offset = r.int64();
    out.log_append_time = r.int64();
    return out;
}

struct fetched {
    std::int16_t error = -1;
    std::int64_t high_watermark = -1;
    std::int64_t log_start_offset = -1;
    std::string records;
};

// The request frame of Fetch v5 of one partition from `offset`, not waiting.
std::string fetch_request(const std::string& topic, std::int64_t offset) {
    std::string request = kafka_request_header(1, 5, 12);
    writer w(request);
    w.int32(-1);       // replica_id
    w.int32(0);        // max_wait_ms
    w.int32(0);        // min_bytes
    w.int32(1 << 20);  // max_bytes
    w.int8(0);         // isolation_level
    w.array_length(1);
    w.string(topic);
    w.array_length(1);
    w.int32(0);
    w.int64(offset);
    w.int64(-1);       // log_start_offset
    w.int32(1 << 20);  // partition_max_bytes
    return request;
}

fetched fetch(kafka_connection& kafka, const std::string& topic, std::int64_t offset) {
    EXPECT_TRUE(kafka.send_request(fetch_request(topic, offset)));
    const auto response = kafka.read_response();
    EXPECT_TRUE(response.has_value());
    fetched out;
    if (!response) return out;
    reader r(*response);
    r.int32();  // correlation id
    r.int32();  // throttle_time_ms
    EXPECT_EQ(r.array_length(false), 1);
    r.string();
    EXPECT_EQ(r.array_length(false), 1);
    r.int32();
    out.error = r.int16();
    out.high_watermark = r.int64();
    r.int64();  // last_stable_offset
    out.log_start_offset = r.int64();
    r.array_length(false);  // aborted_transactions: none
    out.records = std::string(r.nullable_bytes().value_or(""));
    return out;
}

class StoredBatches : public ::testing::Test {
  protected:
    void SetUp() override {
        instance_ = create_instance(server_);
        create_topic(server_, instance_, "orders", 1);
    }

    test_server server_;
    std::string instance_;
};

// An answer whose stored bytes were spliced, put together as the session writes it.
std::string gathered(const kafka::outcome& out) {
    std::string whole;
    std::size_t at = 0;
    for (const auto& s : out.splices) {
        whole.append(out.frame, at, s.at - at);
        whole.append(s.bytes);
        at = s.at;
    }
    whole.append(out.frame, at);
    return whole;
}

TEST_F(StoredBatches, AProducedBatchIsServedByteForByteButForTheOffsetsAndEpochABrokerAssigns) {
    kafka_connection kafka(broker_port(server_, instance_));
    const std::string gzip = producer_batch(3, protocol::compression_codec::gzip);
    const std::string plain = producer_batch(2, protocol::compression_codec::none);
    EXPECT_EQ(produce(kafka, "orders", gzip).base_offset, 0);
    EXPECT_EQ(produce(kafka, "orders", plain).base_offset, 3);

    const auto got = fetch(kafka, "orders", 0);
    EXPECT_EQ(got.error, 0);
    EXPECT_EQ(got.high_watermark, 5);
    ASSERT_EQ(got.records.size(), gzip.size() + plain.size());
    const std::string first = got.records.substr(0, gzip.size());
    const std::string second = got.records.substr(gzip.size());
    // baseOffset (bytes 0-7) and partitionLeaderEpoch (12-15) are the broker's; the rest, CRC and the
    // compressed records included, is what the producer sent.
    EXPECT_EQ(first.substr(8, 4), gzip.substr(8, 4));
    EXPECT_EQ(first.substr(16), gzip.substr(16));
    EXPECT_EQ(second.substr(16), plain.substr(16));
    const auto split = protocol::split_batches(got.records);  // checks both CRCs
    ASSERT_EQ(split.batches.size(), 2U);
    EXPECT_EQ(split.batches[0].header.codec(), protocol::compression_codec::gzip);
    EXPECT_EQ(split.batches[0].header.partition_leader_epoch, 0);
    EXPECT_EQ(split.batches[1].header.base_offset, 3);
    EXPECT_EQ(split.batches[0].header.producer_id, 4242);
    const auto records = protocol::decode_records(split.batches[1], 1 << 20);
    ASSERT_EQ(records.size(), 2U);
    EXPECT_EQ(records[1].offset, 4);
    EXPECT_EQ(records[1].headers[0].value, std::nullopt);

    // The REST view decodes the compressed batch.
    const auto shown =
        server_.request("GET", partition_path(instance_, "orders", "0") + "/message?message_offset=2");
    EXPECT_NE(shown.body.find(R"("key":"k2","value":"v2")"), std::string::npos) << shown.body;
    EXPECT_NE(shown.body.find(R"("timestamp":1002)"), std::string::npos) << shown.body;
}

TEST_F(StoredBatches, ARestDeletionInsideABatchServesItWholeFromTheNewStart) {
    kafka_connection kafka(broker_port(server_, instance_));
    const std::string batch = producer_batch(4, protocol::compression_codec::lz4);
    ASSERT_EQ(produce(kafka, "orders", batch).error, 0);
    const auto reply = server_.request("POST", post_delete_path(instance_, "orders"),
                                       R"({"partitions":[{"partition":0,"offset":2}]})");
    ASSERT_EQ(reply.status, 200u) << reply.body;

    auto got = fetch(kafka, "orders", 2);
    EXPECT_EQ(got.error, 0);
    EXPECT_EQ(got.log_start_offset, 2);
    EXPECT_EQ(got.records.substr(16), batch.substr(16));  // whole, from offset 0: clients skip 0 and 1
    got = fetch(kafka, "orders", 1);
    EXPECT_EQ(got.error, 1);  // OFFSET_OUT_OF_RANGE
    EXPECT_TRUE(got.records.empty());

    // REST reads start at the new log start, and counts count from there.
    const auto messages =
        server_.request("GET", instance_path(instance_) + "/management/topics/orders/messages?limit=50");
    EXPECT_EQ(messages.json()["messages_count"].GetInt(), 2) << messages.body;
    const auto below =
        server_.request("GET", partition_path(instance_, "orders", "0") + "/message?message_offset=1");
    EXPECT_EQ(below.body.find("\"v1\""), std::string::npos) << below.body;
}

TEST_F(StoredBatches, LogAppendTimeIsStampedIntoTheStoredBatch) {
    ASSERT_EQ(server_
                  .request("PUT", topics_path(instance_),
                           R"({"topics":[{"id":"orders","topic_other_configs":[)"
                           R"({"name":"message.timestamp.type","value":"LogAppendTime"}]}]})")
                  .status,
              204U);
    kafka_connection kafka(broker_port(server_, instance_));
    const auto answer = produce(kafka, "orders", producer_batch(2, protocol::compression_codec::snappy));
    EXPECT_EQ(answer.error, 0);
    EXPECT_EQ(answer.log_append_time, t0);
    const auto got = fetch(kafka, "orders", 0);
    const auto split = protocol::split_batches(got.records);  // the CRC was recomputed
    ASSERT_EQ(split.batches.size(), 1U);
    EXPECT_TRUE(split.batches[0].header.timestamp_type_log_append());
    for (const auto& r : protocol::decode_records(split.batches[0], 1 << 20)) EXPECT_EQ(r.timestamp, t0);
}

}  // namespace
}  // namespace emu::test

namespace emu::test {
namespace {

// The session writes a Fetch's stored batches from where the log keeps them, around the rest of the frame:
// the client gets the bytes a whole answer holds, and the stored bytes stay valid while being written even
// if the log drops them meanwhile.
TEST_F(StoredBatches, AFetchSendsTheStoredBatchesAsTheyLieAndTheBytesOfAWholeAnswer) {
    kafka_connection kafka(broker_port(server_, instance_));
    std::string produced_bytes;
    for (int i = 0; i < 3; ++i) {
        const std::string batch = producer_batch(2 + i, protocol::compression_codec::none);
        ASSERT_EQ(produce(kafka, "orders", batch).error, 0);
        produced_bytes += batch;
    }
    const std::string request = fetch_request("orders", 1);  // the frame, without its size prefix

    kafka::connection_context whole_context{server_.state().kafka, project_id, instance_, 100 << 20, nullptr};
    const auto whole = kafka::dispatch(whole_context, request);
    EXPECT_TRUE(whole.splices.empty());
    kafka::connection_context splicing = whole_context;
    splicing.splice_stored = true;
    const auto spliced = kafka::dispatch(splicing, request);
    ASSERT_EQ(spliced.splices.size(), 1U);  // three batches side by side in one chunk: one piece
    EXPECT_EQ(spliced.splices[0].bytes.size(), produced_bytes.size());
    EXPECT_EQ(spliced.frame.size() + produced_bytes.size(), whole.frame.size());
    EXPECT_EQ(gathered(spliced), whole.frame);  // the size prefix counts the spliced bytes

    // Over the wire (the session splices): the same bytes.
    ASSERT_TRUE(kafka.send_request(request));
    const auto response = kafka.read_response();
    ASSERT_TRUE(response.has_value());
    EXPECT_EQ(*response, whole.frame.substr(4));

    // Everything deleted (the chunk leaves the log), more produced: the answer held still reads the same.
    const auto reply = server_.request("POST", post_delete_path(instance_, "orders"),
                                       R"({"partitions":[{"partition":0,"offset":9}]})");
    ASSERT_EQ(reply.status, 200u) << reply.body;
    for (int i = 0; i < 3; ++i)
        ASSERT_EQ(produce(kafka, "orders", producer_batch(5, protocol::compression_codec::none)).error, 0);
    EXPECT_EQ(gathered(spliced), whole.frame);
    EXPECT_EQ(fetch(kafka, "orders", 1).error, 1);  // OFFSET_OUT_OF_RANGE: the log moved on
}

}  // namespace
}  // namespace emu::test
