// librdkafka's Admin API on the listener: DeleteRecords (librdkafka's own test 0081 matrix), checked
// against what the REST API shows of the same instance afterwards; and, over raw frames, the cases
// librdkafka refuses before sending.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "kafka/protocol/codec.hpp"
#include "tests/clients/kafka/rdkafka.hpp"
#include "tests/support/dms_client.hpp"
#include "tests/support/kafka_connection.hpp"
#include "tests/support/test_server.hpp"

namespace emu::test {
namespace {

using kafka::protocol::reader;
using kafka::protocol::writer;

rapidjson::Document get_json(const test_server& server, const std::string& path) {
    rapidjson::Document doc;
    doc.Parse(server.request("GET", path).body.c_str());
    return doc;
}

std::string bootstrap(const test_server& server, const std::string& instance) {
    return get_json(server, instance_path(instance))["kafka_private_connect_address"].GetString();
}

struct event_deleter {
    void operator()(rd_kafka_event_t* e) const { rd_kafka_event_destroy(e); }
};
using event = std::unique_ptr<rd_kafka_event_t, event_deleter>;

struct options_deleter {
    void operator()(rd_kafka_AdminOptions_t* o) const { rd_kafka_AdminOptions_destroy(o); }
};
using options = std::unique_ptr<rd_kafka_AdminOptions_t, options_deleter>;

class RdkafkaAdmin : public ::testing::Test {
  protected:
    void SetUp() override {
        instance_ = create_instance(server_);
        bootstrap_ = bootstrap(server_, instance_);
        client_ = std::make_unique<rdkafka::producer>(bootstrap_);
        ASSERT_TRUE(client_->ok()) << client_->error();
        queue_ = rd_kafka_queue_new(client_->get());
    }
    void TearDown() override { rd_kafka_queue_destroy(queue_); }

    options make_options(rd_kafka_admin_op_t op, bool validate_only = false) {
        char error[256] = {0};
        options o(rd_kafka_AdminOptions_new(client_->get(), op));
        EXPECT_EQ(rd_kafka_AdminOptions_set_request_timeout(o.get(), 10000, error, sizeof error),
                  RD_KAFKA_RESP_ERR_NO_ERROR);
        if (validate_only) {
            EXPECT_EQ(rd_kafka_AdminOptions_set_validate_only(o.get(), 1, error, sizeof error),
                      RD_KAFKA_RESP_ERR_NO_ERROR)
                << error;
        }
        return o;
    }

    // The admin result of `type`, polled from the queue with a timeout.
    event wait_for(rd_kafka_event_type_t type) {
        for (int i = 0; i < 30; ++i) {
            event e(rd_kafka_queue_poll(queue_, 1000));
            if (e && rd_kafka_event_type(e.get()) == type) return e;
        }
        ADD_FAILURE() << "no admin result of type " << type;
        return nullptr;
    }

    void produce(const std::string& topic, std::int32_t partition, int count) {
        for (int i = 0; i < count; ++i) {
            ASSERT_EQ(client_->produce(topic, partition, std::nullopt, "m" + std::to_string(i)),
                      RD_KAFKA_RESP_ERR_NO_ERROR);
        }
        const auto reports = client_->flush();
        ASSERT_EQ(reports.size(), static_cast<std::size_t>(count));
        for (const auto& r : reports) ASSERT_EQ(r.error, RD_KAFKA_RESP_ERR_NO_ERROR);
    }

    test_server server_;
    std::string instance_;
    std::string bootstrap_;
    std::unique_ptr<rdkafka::producer> client_;
    rd_kafka_queue_t* queue_ = nullptr;
};

// librdkafka's tests/0081-admin.c do_test_DeleteRecords: END on one partition deletes everything, a mid
// offset moves the start there, the unset offset and one past the end are OFFSET_OUT_OF_RANGE; then the
// watermarks librdkafka queries, and the REST partition view, show the same starts.
TEST_F(RdkafkaAdmin, DeleteRecordsMatrixOfLibrdkafkasOwnTest) {
    constexpr int msgs = 10;
    create_topic(server_, instance_, "orders", 4);
    for (std::int32_t p = 0; p < 4; ++p) produce("orders", p, msgs);

    rd_kafka_topic_partition_list_t* offsets = rd_kafka_topic_partition_list_new(4);
    rd_kafka_topic_partition_list_add(offsets, "orders", 0)->offset = RD_KAFKA_OFFSET_END;
    rd_kafka_topic_partition_list_add(offsets, "orders", 1)->offset = msgs / 2;
    rd_kafka_topic_partition_list_add(offsets, "orders", 2)->offset = RD_KAFKA_OFFSET_INVALID;
    rd_kafka_topic_partition_list_add(offsets, "orders", 3)->offset = msgs + 1;
    rd_kafka_DeleteRecords_t* request = rd_kafka_DeleteRecords_new(offsets);
    rd_kafka_topic_partition_list_destroy(offsets);
    const auto o = make_options(RD_KAFKA_ADMIN_OP_DELETERECORDS);
    rd_kafka_DeleteRecords(client_->get(), &request, 1, o.get(), queue_);
    rd_kafka_DeleteRecords_destroy(request);

    const auto e = wait_for(RD_KAFKA_EVENT_DELETERECORDS_RESULT);
    ASSERT_TRUE(e);
    ASSERT_EQ(rd_kafka_event_error(e.get()), RD_KAFKA_RESP_ERR_NO_ERROR)
        << rd_kafka_event_error_string(e.get());
    const auto* results = rd_kafka_DeleteRecords_result_offsets(rd_kafka_event_DeleteRecords_result(e.get()));
    ASSERT_NE(results, nullptr);
    ASSERT_EQ(results->cnt, 4);
    std::map<std::int32_t, const rd_kafka_topic_partition_t*> by_partition;
    for (int i = 0; i < results->cnt; ++i) by_partition[results->elems[i].partition] = &results->elems[i];
    EXPECT_EQ(by_partition.at(0)->err, RD_KAFKA_RESP_ERR_NO_ERROR);
    EXPECT_EQ(by_partition.at(0)->offset, msgs);
    EXPECT_EQ(by_partition.at(1)->err, RD_KAFKA_RESP_ERR_NO_ERROR);
    EXPECT_EQ(by_partition.at(1)->offset, msgs / 2);
    EXPECT_EQ(by_partition.at(2)->err, RD_KAFKA_RESP_ERR_OFFSET_OUT_OF_RANGE);
    EXPECT_EQ(by_partition.at(3)->err, RD_KAFKA_RESP_ERR_OFFSET_OUT_OF_RANGE);

    const std::int64_t expected_low[] = {msgs, msgs / 2, 0, 0};
    const auto rest = get_json(server_, partitions_path(instance_, "orders"));
    for (std::int32_t p = 0; p < 4; ++p) {
        std::int64_t low = -1;
        std::int64_t high = -1;
        ASSERT_EQ(rd_kafka_query_watermark_offsets(client_->get(), "orders", p, &low, &high, 10000),
                  RD_KAFKA_RESP_ERR_NO_ERROR);
        EXPECT_EQ(low, expected_low[p]) << p;
        EXPECT_EQ(high, msgs) << p;
        EXPECT_EQ(rest["partitions"][p]["start_offset"].GetInt64(), expected_low[p]) << p;
        EXPECT_EQ(rest["partitions"][p]["last_offset"].GetInt64(), msgs) << p;
    }
}

// ---- raw frames: what librdkafka checks itself before it sends ------------------------------------

class KafkaAdminWire : public ::testing::Test {
  protected:
    void SetUp() override {
        instance_ = create_instance(server_);
        const auto doc = get_json(server_, instance_path(instance_));
        port_ = static_cast<std::uint16_t>(doc["port"].GetInt());
    }

    // Sends one request (key, version, body) and returns the response body after the correlation id.
    std::string call(std::int16_t key, std::int16_t version, const std::string& body) {
        kafka_connection kafka(port_);
        std::string frame = kafka_request_header(key, version, 77);
        frame += body;
        EXPECT_TRUE(kafka.send_request(frame));
        const auto response = kafka.read_response();
        EXPECT_TRUE(response.has_value());
        if (!response) return {};
        reader r(*response);
        EXPECT_EQ(r.int32(), 77);
        return response->substr(4);
    }

    test_server server_;
    std::string instance_;
    std::uint16_t port_ = 0;
};

TEST_F(KafkaAdminWire, DeleteRecordsAnswersKafkasLowWatermarks) {
    create_topic(server_, instance_, "orders", 2);
    for (int i = 0; i < 6; ++i) send(server_, instance_, "orders", "m" + std::to_string(i), 0);
    for (const std::int16_t version : {std::int16_t{0}, std::int16_t{1}}) {
        std::string body;
        writer w(body);
        w.array_length(2);
        w.string("orders");
        // -1 on an untouched partition 1, 3 then 2 (at or below the start: a no-op), -2, one past the
        // end, and an unknown partition.
        const std::vector<std::pair<std::int32_t, std::int64_t>> entries{{1, -1}, {0, 3}, {0, 2},
                                                                         {0, -2}, {0, 7}, {9, 1}};
        w.array_length(entries.size());
        for (const auto& [p, offset] : entries) {
            w.int32(p);
            w.int64(offset);
        }
        w.string("missing");
        w.array_length(1);
        w.int32(0);
        w.int64(1);
        w.int32(5000);  // timeout_ms

        const auto answer = call(21, version, body);
        reader r(answer);
        EXPECT_EQ(r.int32(), 0);  // throttle
        ASSERT_EQ(r.int32(), 2);
        EXPECT_EQ(r.string(), "orders");
        ASSERT_EQ(r.int32(), 6);
        const std::vector<std::tuple<std::int32_t, std::int64_t, std::int16_t>> expected{
            {1, 0, 0}, {0, 3, 0}, {0, 3, 0}, {0, -1, 1}, {0, -1, 1}, {9, -1, 3}};
        for (const auto& [p, low, error] : expected) {
            EXPECT_EQ(r.int32(), p);
            EXPECT_EQ(r.int64(), low) << p;
            EXPECT_EQ(r.int16(), error) << p;
        }
        EXPECT_EQ(r.string(), "missing");
        ASSERT_EQ(r.int32(), 1);
        EXPECT_EQ(r.int32(), 0);
        EXPECT_EQ(r.int64(), -1);
        EXPECT_EQ(r.int16(), 3);
        EXPECT_TRUE(r.at_end());
    }
    const auto rest = get_json(server_, partitions_path(instance_, "orders"));
    EXPECT_EQ(rest["partitions"][0]["start_offset"].GetInt64(), 3);
}

}  // namespace
}  // namespace emu::test
