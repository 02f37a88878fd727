// librdkafka's Admin API on the listener: DeleteRecords (librdkafka's own test 0081 matrix), CreateTopics,
// DeleteTopics, CreatePartitions and DescribeConfigs, each checked against what the REST API shows of the
// same instance afterwards; and, over raw frames, the cases librdkafka refuses before sending.
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

// What the REST ListInstanceTopics shows of one topic: (partitions, replication), (-1, -1) when it is not
// listed.
std::pair<int, int> rest_topic(const test_server& server, const std::string& instance,
                               const std::string& name) {
    const auto doc = get_json(server, topics_path(instance));
    for (const auto& t : doc["topics"].GetArray()) {
        if (name == t["name"].GetString())
            return std::make_pair(t["partition"].GetInt(), t["replication"].GetInt());
    }
    return {-1, -1};
}

const std::pair<int, int> absent{-1, -1};

struct event_deleter {
    void operator()(rd_kafka_event_t* e) const { rd_kafka_event_destroy(e); }
};
using event = std::unique_ptr<rd_kafka_event_t, event_deleter>;

struct options_deleter {
    void operator()(rd_kafka_AdminOptions_t* o) const { rd_kafka_AdminOptions_destroy(o); }
};
using options = std::unique_ptr<rd_kafka_AdminOptions_t, options_deleter>;

// One topic's (or partition's) outcome of an admin call.
struct outcome {
    rd_kafka_resp_err_t error = RD_KAFKA_RESP_ERR_NO_ERROR;
    std::string message;
};

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

    static std::map<std::string, outcome> topic_results(const rd_kafka_topic_result_t* const* results,
                                                        std::size_t count) {
        std::map<std::string, outcome> out;
        for (std::size_t i = 0; i < count; ++i) {
            const char* message = rd_kafka_topic_result_error_string(results[i]);
            out[rd_kafka_topic_result_name(results[i])] = {rd_kafka_topic_result_error(results[i]),
                                                           message ? message : ""};
        }
        return out;
    }

    // CreateTopics of (name, partitions, replication, configs) each.
    std::map<std::string, outcome> create_topics(
        const std::vector<
            std::tuple<std::string, int, int, std::vector<std::pair<std::string, std::string>>>>& topics,
        bool validate_only = false) {
        std::vector<rd_kafka_NewTopic_t*> news;
        char error[256] = {0};
        for (const auto& [name, partitions, replication, configs] : topics) {
            auto* t = rd_kafka_NewTopic_new(name.c_str(), partitions, replication, error, sizeof error);
            EXPECT_NE(t, nullptr) << error;
            for (const auto& [key, value] : configs)
                rd_kafka_NewTopic_set_config(t, key.c_str(), value.c_str());
            news.push_back(t);
        }
        const auto o = make_options(RD_KAFKA_ADMIN_OP_CREATETOPICS, validate_only);
        rd_kafka_CreateTopics(client_->get(), news.data(), news.size(), o.get(), queue_);
        rd_kafka_NewTopic_destroy_array(news.data(), news.size());
        const auto e = wait_for(RD_KAFKA_EVENT_CREATETOPICS_RESULT);
        if (!e) return {};
        std::size_t count = 0;
        const auto* results =
            rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(e.get()), &count);
        return topic_results(results, count);
    }

    std::map<std::string, outcome> delete_topics(const std::vector<std::string>& names) {
        std::vector<rd_kafka_DeleteTopic_t*> dels;
        for (const auto& name : names) dels.push_back(rd_kafka_DeleteTopic_new(name.c_str()));
        const auto o = make_options(RD_KAFKA_ADMIN_OP_DELETETOPICS);
        rd_kafka_DeleteTopics(client_->get(), dels.data(), dels.size(), o.get(), queue_);
        rd_kafka_DeleteTopic_destroy_array(dels.data(), dels.size());
        const auto e = wait_for(RD_KAFKA_EVENT_DELETETOPICS_RESULT);
        if (!e) return {};
        std::size_t count = 0;
        const auto* results =
            rd_kafka_DeleteTopics_result_topics(rd_kafka_event_DeleteTopics_result(e.get()), &count);
        return topic_results(results, count);
    }

    std::map<std::string, outcome> create_partitions(const std::vector<std::pair<std::string, int>>& totals,
                                                     bool validate_only = false) {
        std::vector<rd_kafka_NewPartitions_t*> news;
        char error[256] = {0};
        for (const auto& [name, total] : totals) {
            news.push_back(rd_kafka_NewPartitions_new(name.c_str(), static_cast<std::size_t>(total), error,
                                                      sizeof error));
        }
        const auto o = make_options(RD_KAFKA_ADMIN_OP_CREATEPARTITIONS, validate_only);
        rd_kafka_CreatePartitions(client_->get(), news.data(), news.size(), o.get(), queue_);
        rd_kafka_NewPartitions_destroy_array(news.data(), news.size());
        const auto e = wait_for(RD_KAFKA_EVENT_CREATEPARTITIONS_RESULT);
        if (!e) return {};
        std::size_t count = 0;
        const auto* results =
            rd_kafka_CreatePartitions_result_topics(rd_kafka_event_CreatePartitions_result(e.get()), &count);
        return topic_results(results, count);
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

TEST_F(RdkafkaAdmin, CreatedTopicsAreTheOnesTheRestApiLists) {
    const auto results = create_topics({{"payments", 6, 2, {{"retention.ms", "7200000"}}},
                                        {"audit", -1, -1, {{"message.timestamp.type", "LogAppendTime"}}}});
    ASSERT_EQ(results.size(), 2u);
    EXPECT_EQ(results.at("payments").error, RD_KAFKA_RESP_ERR_NO_ERROR) << results.at("payments").message;
    EXPECT_EQ(results.at("audit").error, RD_KAFKA_RESP_ERR_NO_ERROR) << results.at("audit").message;
    EXPECT_EQ(rest_topic(server_, instance_, "payments"), std::make_pair(6, 2));
    EXPECT_EQ(rest_topic(server_, instance_, "audit"), std::make_pair(3, 3));  // the REST defaults

    const auto doc = get_json(server_, topics_path(instance_));
    for (const auto& t : doc["topics"].GetArray()) {
        if (std::string(t["name"].GetString()) == "payments") {
            EXPECT_EQ(t["retention_time"].GetInt(), 2);
        }
        if (std::string(t["name"].GetString()) == "audit") {
            EXPECT_EQ(to_json(t["topic_other_configs"][0]["value"]), R"("LogAppendTime")");
        }
    }
    // A topic the REST API created answers as Kafka's TOPIC_ALREADY_EXISTS.
    const auto again = create_topics({{"payments", 1, 1, {}}});
    EXPECT_EQ(again.at("payments").error, RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS);
    EXPECT_FALSE(again.at("payments").message.empty());
}

TEST_F(RdkafkaAdmin, CreateTopicsRefusesWhatTheRestApiRefusesAndChangesNothing) {
    const auto results = create_topics({
        {"too-many", 201, 1, {}},
        {"too-wide", 1, 4, {}},
        {"bad.name!", 1, 1, {}},
        {"bad-config", 1, 1, {{"max.message.bytes", "10485761"}}},
        {"unknown-config", 1, 1, {{"segment.bytes", "1024"}}},
        {"odd-retention", 1, 1, {{"retention.ms", "60000"}}},
        {"compacted", 1, 1, {{"cleanup.policy", "compact"}}},
    });
    ASSERT_EQ(results.size(), 7u);
    EXPECT_EQ(results.at("too-many").error, RD_KAFKA_RESP_ERR_INVALID_PARTITIONS);
    EXPECT_EQ(results.at("too-wide").error, RD_KAFKA_RESP_ERR_INVALID_REPLICATION_FACTOR);
    EXPECT_EQ(results.at("bad.name!").error, RD_KAFKA_RESP_ERR_TOPIC_EXCEPTION);
    EXPECT_EQ(results.at("bad-config").error, RD_KAFKA_RESP_ERR_INVALID_CONFIG);
    EXPECT_EQ(results.at("unknown-config").error, RD_KAFKA_RESP_ERR_INVALID_CONFIG);
    EXPECT_EQ(results.at("odd-retention").error, RD_KAFKA_RESP_ERR_INVALID_CONFIG);
    EXPECT_EQ(results.at("compacted").error, RD_KAFKA_RESP_ERR_POLICY_VIOLATION);
    for (const auto& [name, result] : results) EXPECT_FALSE(result.message.empty()) << name;
    EXPECT_EQ(get_json(server_, topics_path(instance_))["total"].GetInt(), 0);
}

// The instance's partition quota (the REST one: max_partitions) counts topics from both fronts.
TEST_F(RdkafkaAdmin, ThePartitionQuotaIsTheRestOne) {
    const auto quota = get_json(server_, topics_path(instance_))["max_partitions"].GetInt();
    create_topic(server_, instance_, "rest-made", 50);
    // Fill the quota over the wire until 20 to 100 partitions are left.
    int left = quota - 50;
    int i = 0;
    while (left > 100) {
        const auto name = "filler-" + std::to_string(i++);
        const int take = std::min(200, left - 20);
        ASSERT_EQ(create_topics({{name, take, 1, {}}}).at(name).error, RD_KAFKA_RESP_ERR_NO_ERROR);
        left -= take;
    }
    // validate_only checks the quota and creates nothing.
    auto results = create_topics({{"over", left + 1, 1, {}}}, true);
    EXPECT_EQ(results.at("over").error, RD_KAFKA_RESP_ERR_INVALID_PARTITIONS);
    results = create_topics({{"fits", left, 1, {}}}, true);
    EXPECT_EQ(results.at("fits").error, RD_KAFKA_RESP_ERR_NO_ERROR);
    EXPECT_EQ(rest_topic(server_, instance_, "fits"), absent);
    results = create_topics({{"over", left + 1, 1, {}}});
    EXPECT_EQ(results.at("over").error, RD_KAFKA_RESP_ERR_INVALID_PARTITIONS);
    EXPECT_EQ(rest_topic(server_, instance_, "over"), absent);

    // The REST API now refuses what the wire would exceed, and the other way round.
    const auto reply = server_.request("POST", topics_path(instance_),
                                       R"({"id":"rest-over","partition":)" + std::to_string(left + 1) + "}");
    EXPECT_NE(reply.status, 200u) << reply.body;
    EXPECT_EQ(rest_topic(server_, instance_, "rest-over"), absent);
    results = create_partitions({{"rest-made", 50 + left + 1}});
    EXPECT_EQ(results.at("rest-made").error, RD_KAFKA_RESP_ERR_INVALID_PARTITIONS);
    results = create_partitions({{"rest-made", 50 + left}}, true);
    EXPECT_EQ(results.at("rest-made").error, RD_KAFKA_RESP_ERR_NO_ERROR);
    EXPECT_EQ(rest_topic(server_, instance_, "rest-made").first, 50);
}

TEST_F(RdkafkaAdmin, CreatePartitionsGrowsWhatTheRestViewsShow) {
    create_topic(server_, instance_, "orders", 3);
    auto results = create_partitions({{"orders", 5}, {"missing", 4}});
    EXPECT_EQ(results.at("orders").error, RD_KAFKA_RESP_ERR_NO_ERROR) << results.at("orders").message;
    EXPECT_EQ(results.at("missing").error, RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART);
    EXPECT_EQ(rest_topic(server_, instance_, "orders").first, 5);
    EXPECT_EQ(get_json(server_, partitions_path(instance_, "orders"))["total"].GetInt(), 5);
    produce("orders", 4, 2);  // the new partition takes records

    results = create_partitions({{"orders", 5}});
    EXPECT_EQ(results.at("orders").error, RD_KAFKA_RESP_ERR_INVALID_PARTITIONS);
    results = create_partitions({{"orders", 4}});
    EXPECT_EQ(results.at("orders").error, RD_KAFKA_RESP_ERR_INVALID_PARTITIONS);
    results = create_partitions({{"orders", 201}});
    EXPECT_EQ(results.at("orders").error, RD_KAFKA_RESP_ERR_INVALID_PARTITIONS);
    EXPECT_FALSE(results.at("orders").message.empty());
    EXPECT_EQ(rest_topic(server_, instance_, "orders").first, 5);
}

TEST_F(RdkafkaAdmin, DeleteTopicsIsTheRestDeletion) {
    create_topic(server_, instance_, "orders", 3);
    create_topic(server_, instance_, "keep", 1);
    send(server_, instance_, "orders", "hello", 0);
    const auto results = delete_topics({"orders", "missing"});
    ASSERT_EQ(results.size(), 2u);
    EXPECT_EQ(results.at("orders").error, RD_KAFKA_RESP_ERR_NO_ERROR);
    EXPECT_EQ(results.at("missing").error, RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART);
    EXPECT_EQ(rest_topic(server_, instance_, "orders"), absent);
    EXPECT_EQ(rest_topic(server_, instance_, "keep"), std::make_pair(1, 3));
    // Created again under its name, the topic starts empty.
    ASSERT_EQ(create_topics({{"orders", 1, 1, {}}}).at("orders").error, RD_KAFKA_RESP_ERR_NO_ERROR);
    EXPECT_EQ(
        get_json(server_, partitions_path(instance_, "orders"))["partitions"][0]["last_offset"].GetInt64(),
        0);
}

struct described {
    rd_kafka_resp_err_t error = RD_KAFKA_RESP_ERR_NO_ERROR;
    std::map<std::string, std::string> values;
    std::map<std::string, rd_kafka_ConfigSource_t> sources;
};

class RdkafkaDescribeConfigs : public RdkafkaAdmin {
  protected:
    described describe(rd_kafka_ResourceType_t type, const std::string& name) {
        rd_kafka_ConfigResource_t* resource = rd_kafka_ConfigResource_new(type, name.c_str());
        const auto o = make_options(RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS);
        rd_kafka_DescribeConfigs(client_->get(), &resource, 1, o.get(), queue_);
        rd_kafka_ConfigResource_destroy(resource);
        const auto e = wait_for(RD_KAFKA_EVENT_DESCRIBECONFIGS_RESULT);
        described out;
        if (!e) return out;
        if (rd_kafka_event_error(e.get()) != RD_KAFKA_RESP_ERR_NO_ERROR) {
            out.error = rd_kafka_event_error(e.get());
            return out;
        }
        std::size_t count = 0;
        const auto* resources =
            rd_kafka_DescribeConfigs_result_resources(rd_kafka_event_DescribeConfigs_result(e.get()), &count);
        EXPECT_EQ(count, 1u);
        if (count != 1) return out;
        out.error = rd_kafka_ConfigResource_error(resources[0]);
        std::size_t entries = 0;
        const auto* configs = rd_kafka_ConfigResource_configs(resources[0], &entries);
        for (std::size_t i = 0; i < entries; ++i) {
            const char* value = rd_kafka_ConfigEntry_value(configs[i]);
            out.values[rd_kafka_ConfigEntry_name(configs[i])] = value ? value : "(null)";
            out.sources[rd_kafka_ConfigEntry_name(configs[i])] = rd_kafka_ConfigEntry_source(configs[i]);
        }
        return out;
    }
};

TEST_F(RdkafkaDescribeConfigs, ATopicsConfigsAreItsRestSettings) {
    const auto reply =
        server_.request("POST", topics_path(instance_),
                        R"({"id":"orders","partition":2,"retention_time":48,)"
                        R"("topic_other_configs":[{"name":"max.message.bytes","value":"2048"}]})");
    ASSERT_EQ(reply.status, 200u) << reply.body;
    const auto got = describe(RD_KAFKA_RESOURCE_TOPIC, "orders");
    ASSERT_EQ(got.error, RD_KAFKA_RESP_ERR_NO_ERROR);
    const std::map<std::string, std::string> expected{{"cleanup.policy", "delete"},
                                                      {"max.message.bytes", "2048"},
                                                      {"message.timestamp.type", "CreateTime"},
                                                      {"retention.ms", std::to_string(48LL * 3600000)}};
    EXPECT_EQ(got.values, expected);
    EXPECT_EQ(got.sources.at("max.message.bytes"), RD_KAFKA_CONFIG_SOURCE_DYNAMIC_TOPIC_CONFIG);
    EXPECT_EQ(got.sources.at("retention.ms"), RD_KAFKA_CONFIG_SOURCE_DYNAMIC_TOPIC_CONFIG);
    EXPECT_EQ(got.sources.at("message.timestamp.type"), RD_KAFKA_CONFIG_SOURCE_DEFAULT_CONFIG);

    // A REST update shows at once.
    const auto update = server_.request(
        "PUT", topics_path(instance_),
        R"({"topics":[{"id":"orders","retention_time":72,)"
        R"("topic_other_configs":[{"name":"message.timestamp.type","value":"LogAppendTime"}]}]})");
    ASSERT_EQ(update.status, 204u) << update.body;
    const auto after = describe(RD_KAFKA_RESOURCE_TOPIC, "orders");
    EXPECT_EQ(after.values.at("message.timestamp.type"), "LogAppendTime");
    EXPECT_EQ(after.values.at("retention.ms"), "259200000");
    EXPECT_EQ(after.sources.at("retention.ms"), RD_KAFKA_CONFIG_SOURCE_DEFAULT_CONFIG);

    EXPECT_EQ(describe(RD_KAFKA_RESOURCE_TOPIC, "missing").error, RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART);
}

TEST_F(RdkafkaDescribeConfigs, ABrokersConfigsAreTheInstanceDefaults) {
    const auto got = describe(RD_KAFKA_RESOURCE_BROKER, "1");
    ASSERT_EQ(got.error, RD_KAFKA_RESP_ERR_NO_ERROR);
    EXPECT_EQ(got.values.at("broker.id"), "1");
    EXPECT_EQ(got.values.at("auto.create.topics.enable"), "false");  // the instance's enable_auto_topic
    EXPECT_EQ(got.values.at("num.partitions"), "3");
    EXPECT_EQ(got.values.at("default.replication.factor"), "3");
    EXPECT_EQ(got.values.at("log.retention.hours"), "72");
    EXPECT_EQ(got.sources.at("num.partitions"), RD_KAFKA_CONFIG_SOURCE_STATIC_BROKER_CONFIG);
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

// Names given twice, a null config value, and manual replica assignments.
TEST_F(KafkaAdminWire, CreateTopicsRefusesDuplicatesNullConfigsAndAssignments) {
    std::string body;
    writer w(body);
    w.array_length(4);
    const auto topic = [&](const std::string& name, std::int32_t partitions, std::int16_t replication,
                           bool assign, bool null_config) {
        w.string(name);
        w.int32(partitions);
        w.int16(replication);
        w.array_length(assign ? 1 : 0);
        if (assign) {
            w.int32(0);
            w.array_length(1);
            w.int32(0);
        }
        w.array_length(null_config ? 1 : 0);
        if (null_config) {
            w.string("max.message.bytes");
            w.nullable_string(std::nullopt);
        }
    };
    topic("twice", 1, 1, false, false);
    topic("twice", 2, 1, false, false);
    topic("nulled", 1, 1, false, true);
    topic("placed", -1, -1, true, false);
    w.int32(5000);     // timeout_ms
    w.boolean(false);  // validate_only

    const auto answer = call(19, 4, body);
    reader r(answer);
    EXPECT_EQ(r.int32(), 0);
    ASSERT_EQ(r.int32(), 3);  // a duplicate answers once
    const std::vector<std::pair<std::string, std::int16_t>> expected{
        {"twice", 42}, {"nulled", 42}, {"placed", 44}};
    for (const auto& [name, error] : expected) {
        EXPECT_EQ(r.string(), name);
        EXPECT_EQ(r.int16(), error) << name;
        const auto message = r.nullable_string();
        ASSERT_TRUE(message.has_value()) << name;
        EXPECT_FALSE(message->empty());
    }
    EXPECT_TRUE(r.at_end());
    EXPECT_EQ(get_json(server_, topics_path(instance_))["total"].GetInt(), 0);
}

TEST_F(KafkaAdminWire, DeleteTopicsGivenTwiceIsInvalidAndKeepsTheTopic) {
    create_topic(server_, instance_, "orders", 1);
    std::string body;
    writer w(body);
    w.array_length(2);
    w.string("orders");
    w.string("orders");
    w.int32(5000);
    const auto answer = call(20, 3, body);
    reader r(answer);
    EXPECT_EQ(r.int32(), 0);
    ASSERT_EQ(r.int32(), 1);
    EXPECT_EQ(r.string(), "orders");
    EXPECT_EQ(r.int16(), 42);
    EXPECT_TRUE(r.at_end());
    EXPECT_EQ(get_json(server_, topics_path(instance_))["total"].GetInt(), 1);
}

}  // namespace
}  // namespace emu::test
