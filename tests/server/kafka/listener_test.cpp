// The Kafka transport: one listener per DMS instance, what ShowInstance reports of it, framing, the
// ApiVersions negotiation and Kafka's way of closing on what it cannot parse.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <thread>

#include "kafka/protocol/codec.hpp"
#include "kafka/protocol/record_batch.hpp"
#include "tests/support/dms_client.hpp"
#include "tests/support/kafka_connection.hpp"
#include "tests/support/test_server.hpp"

namespace emu::test {
namespace {

using kafka::protocol::reader;
using kafka::protocol::writer;

struct reported_address {
    std::string host;
    int port = 0;
    std::string private_address;
};

reported_address show_address(const test_server& server, const std::string& instance) {
    const auto reply = server.request("GET", instance_path(instance));
    EXPECT_EQ(reply.status, 200u) << reply.body;
    rapidjson::Document doc;
    doc.Parse(reply.body.c_str());
    return {doc["connect_address"].GetString(), doc["port"].GetInt(),
            doc["kafka_private_connect_address"].GetString()};
}

std::string api_versions_request(std::int16_t version, std::int32_t correlation_id) {
    std::string body = kafka_request_header(18, version, correlation_id, version >= 3);
    writer w(body);
    if (version >= 3) {
        w.string("emu-test-client", true);
        w.string("1.0", true);
        w.tagged_fields(true);
    }
    return body;
}

// The acceptor closes on its own strand, just after the call that removed the instance has answered.
bool closes_soon(std::uint16_t port) {
    for (int i = 0; i < 200; ++i) {
        if (!port_accepts(port)) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
}

TEST(KafkaListener, EveryInstanceListensOnItsOwnReportedPort) {
    test_server server;
    const auto first = create_instance(server, "kafka-a");
    const auto second = create_instance(server, "kafka-b");
    const auto a = show_address(server, first);
    const auto b = show_address(server, second);
    EXPECT_EQ(a.host, "127.0.0.1");
    EXPECT_NE(a.port, b.port);
    // Each of the three brokers on a port of its own, broker 0's first.
    EXPECT_EQ(a.private_address.rfind("127.0.0.1:" + std::to_string(a.port) + ",127.0.0.1:", 0), 0u)
        << a.private_address;
    EXPECT_EQ(std::count(a.private_address.begin(), a.private_address.end(), ','), 2);
    EXPECT_EQ(server.app().kafka_listeners()->size(), 2u);
    EXPECT_TRUE(port_accepts(static_cast<std::uint16_t>(a.port)));
    EXPECT_TRUE(port_accepts(static_cast<std::uint16_t>(b.port)));

    // Deleting an instance closes its port; the other stays.
    EXPECT_EQ(server.request("DELETE", instance_path(first)).status, 204u);
    EXPECT_TRUE(closes_soon(static_cast<std::uint16_t>(a.port)));
    EXPECT_TRUE(port_accepts(static_cast<std::uint16_t>(b.port)));
    EXPECT_EQ(server.app().kafka_listeners()->size(), 1u);

    // A reset closes every one.
    EXPECT_EQ(server.request("POST", "/_emulator/reset").status, 200u);
    EXPECT_TRUE(closes_soon(static_cast<std::uint16_t>(b.port)));
    EXPECT_EQ(server.app().kafka_listeners()->size(), 0u);
}

TEST(KafkaListener, ApiVersionsV3ListsTheTableWithAResponseHeaderV0) {
    test_server server;
    const auto instance = create_instance(server);
    kafka_connection kafka(static_cast<std::uint16_t>(show_address(server, instance).port));
    ASSERT_TRUE(kafka.send_request(api_versions_request(3, 41)));
    const auto response = kafka.read_response();
    ASSERT_TRUE(response);
    reader r(*response);
    EXPECT_EQ(r.int32(), 41);  // correlation id, and no header tags (KIP-511)
    EXPECT_EQ(r.int16(), 0);   // error code
    const auto count = r.array_length(true);
    bool saw_api_versions = false;
    bool saw_metadata = false;
    for (std::int32_t i = 0; i < count; ++i) {
        const auto key = r.int16();
        const auto min = r.int16();
        const auto max = r.int16();
        r.skip_tagged_fields();
        if (key == 18) {
            saw_api_versions = true;
            EXPECT_EQ(min, 0);
            EXPECT_EQ(max, 3);
        }
        if (key == 3) {
            saw_metadata = true;
            EXPECT_EQ(min, 0);
            EXPECT_EQ(max, 6);
        }
    }
    EXPECT_TRUE(saw_api_versions);
    EXPECT_TRUE(saw_metadata);
    EXPECT_EQ(r.int32(), 0);  // throttle time
    r.skip_tagged_fields();
    EXPECT_TRUE(r.at_end());
}

// A version newer than the listener's: the v0 body, UNSUPPORTED_VERSION, and the ApiVersions entry, which
// librdkafka retries with.
TEST(KafkaListener, ATooNewApiVersionsGetsUnsupportedVersionInAV0Body) {
    test_server server;
    const auto instance = create_instance(server);
    kafka_connection kafka(static_cast<std::uint16_t>(show_address(server, instance).port));
    ASSERT_TRUE(kafka.send_request(api_versions_request(9, 7)));
    const auto response = kafka.read_response();
    ASSERT_TRUE(response);
    reader r(*response);
    EXPECT_EQ(r.int32(), 7);
    EXPECT_EQ(r.int16(), 35);
    ASSERT_EQ(r.array_length(false), 1);
    EXPECT_EQ(r.int16(), 18);
    EXPECT_EQ(r.int16(), 0);
    EXPECT_EQ(r.int16(), 3);
    EXPECT_TRUE(r.at_end());
}

// Pipelined requests are answered in order (kafka-python sends ApiVersions v0 and Metadata v0 together).
TEST(KafkaListener, PipelinedRequestsAreAnsweredInOrder) {
    test_server server;
    const auto instance = create_instance(server);
    create_topic(server, instance, "orders", 2);
    kafka_connection kafka(static_cast<std::uint16_t>(show_address(server, instance).port));
    std::string metadata = kafka_request_header(3, 0, 2);
    writer(metadata).int32(0);  // v0: no topics named = every topic
    std::string both;
    writer w(both);
    for (const auto& body : {api_versions_request(0, 1), metadata, api_versions_request(1, 3)}) {
        w.int32(static_cast<std::int32_t>(body.size()));
        w.raw(body);
    }
    ASSERT_TRUE(kafka.send_raw(both));
    for (const std::int32_t expected : {1, 2, 3}) {
        const auto response = kafka.read_response();
        ASSERT_TRUE(response);
        EXPECT_EQ(reader(*response).int32(), expected);
    }
}

TEST(KafkaListener, MetadataAdvertisesTheReportedAddressAndTheRestPlacement) {
    test_server server;
    const auto instance = create_instance(server);
    create_topic(server, instance, "orders", 4);
    const auto address = show_address(server, instance);
    kafka_connection kafka(static_cast<std::uint16_t>(address.port));
    std::string request = kafka_request_header(3, 1, 9);
    writer w(request);
    w.int32(1);
    w.string("orders");
    ASSERT_TRUE(kafka.send_request(request));
    const auto response = kafka.read_response();
    ASSERT_TRUE(response);
    reader r(*response);
    EXPECT_EQ(r.int32(), 9);
    const auto brokers = r.array_length(false);
    EXPECT_EQ(brokers, 3);  // the reference body's broker_num
    std::string advertised;
    for (std::int32_t i = 0; i < brokers; ++i) {
        EXPECT_EQ(r.int32(), i);
        const std::string host(r.string());
        const auto port = r.int32();
        if (i == 0) {
            EXPECT_EQ(port, address.port);
        }
        advertised += (advertised.empty() ? "" : ",") + host + ":" + std::to_string(port);
        EXPECT_FALSE(r.nullable_string());
    }
    EXPECT_EQ(advertised, address.private_address);  // exactly what ShowInstance lists
    EXPECT_EQ(r.int32(), 0);                         // controller
    ASSERT_EQ(r.array_length(false), 1);
    EXPECT_EQ(r.int16(), 0);
    EXPECT_EQ(r.string(), "orders");
    EXPECT_FALSE(r.boolean());
    ASSERT_EQ(r.array_length(false), 4);
    for (std::int32_t p = 0; p < 4; ++p) {
        EXPECT_EQ(r.int16(), 0);
        EXPECT_EQ(r.int32(), p);
        EXPECT_EQ(r.int32(), p % 3);  // the leader ShowPartitions gives
        const auto replicas = r.array_length(false);
        for (std::int32_t i = 0; i < replicas; ++i) r.int32();
        const auto isr = r.array_length(false);
        EXPECT_EQ(isr, replicas);
        for (std::int32_t i = 0; i < isr; ++i) r.int32();
    }
    EXPECT_TRUE(r.at_end());
}

TEST(KafkaListener, MetadataForAnUnknownTopicWithoutAutoCreation) {
    test_server server;
    const auto instance = create_instance(server);
    kafka_connection kafka(static_cast<std::uint16_t>(show_address(server, instance).port));
    std::string request = kafka_request_header(3, 4, 5);
    writer w(request);
    w.int32(1);
    w.string("missing");
    w.boolean(true);  // allow_auto_topic_creation: the instance's setting (off) still decides
    ASSERT_TRUE(kafka.send_request(request));
    const auto response = kafka.read_response();
    ASSERT_TRUE(response);
    reader r(*response);
    r.int32();  // correlation
    r.int32();  // throttle
    const auto brokers = r.array_length(false);
    for (std::int32_t i = 0; i < brokers; ++i) {
        r.int32();
        r.string();
        r.int32();
        r.nullable_string();
    }
    r.nullable_string();  // cluster id
    r.int32();
    ASSERT_EQ(r.array_length(false), 1);
    EXPECT_EQ(r.int16(), 3);  // UNKNOWN_TOPIC_OR_PARTITION
    EXPECT_EQ(r.string(), "missing");
    const auto topics = server.request("GET", topics_path(instance));
    EXPECT_EQ(topics.body.find("missing"), std::string::npos) << topics.body;
}

TEST(KafkaListener, WhatKafkaCannotParseClosesTheConnection) {
    test_server server;
    const auto instance = create_instance(server);
    const auto port = static_cast<std::uint16_t>(show_address(server, instance).port);
    {
        kafka_connection kafka(port);  // unknown API key
        ASSERT_TRUE(kafka.send_request(kafka_request_header(999, 0, 1)));
        EXPECT_TRUE(kafka.closed_by_server());
    }
    {
        kafka_connection kafka(port);  // Metadata v99
        ASSERT_TRUE(kafka.send_request(kafka_request_header(3, 99, 1)));
        EXPECT_TRUE(kafka.closed_by_server());
    }
    {
        kafka_connection kafka(port);  // a topic count the body cannot hold
        std::string request = kafka_request_header(3, 1, 1);
        writer(request).int32(1'000'000);
        ASSERT_TRUE(kafka.send_request(request));
        EXPECT_TRUE(kafka.closed_by_server());
    }
    {
        kafka_connection kafka(port);  // a frame shorter than a header
        ASSERT_TRUE(kafka.send_request("\x00\x12"));
        EXPECT_TRUE(kafka.closed_by_server());
    }
    {
        kafka_connection kafka(port);  // a size over --kafka-max-request-bytes, or negative
        ASSERT_TRUE(kafka.send_raw(std::string("\x7f\xff\xff\xff", 4)));
        EXPECT_TRUE(kafka.closed_by_server());
    }
    {
        kafka_connection kafka(port);
        ASSERT_TRUE(kafka.send_raw(std::string("\xff\xff\xff\xfe", 4)));
        EXPECT_TRUE(kafka.closed_by_server());
    }
    // The listener still serves.
    kafka_connection kafka(port);
    ASSERT_TRUE(kafka.send_request(api_versions_request(0, 5)));
    EXPECT_TRUE(kafka.read_response());
}

// The whole body is read before anything is stored: a Produce that stops decoding in its second topic
// (a records length past the frame) closes the connection, and neither the first topic's valid batch nor
// the auto-creation of the second is left behind (found by fuzz/kafka_frames.cpp).
TEST(KafkaListener, AProduceThatDoesNotDecodeStoresNothing) {
    test_server server;
    const auto created = server.request("POST", dms + "/kafka/instances",
                                        instance_body("kafka-auto", "", "enable_auto_topic", "true"));
    ASSERT_EQ(created.status, 200u) << created.body;
    const std::string instance = created.json()["instance_id"].GetString();
    create_topic(server, instance, "orders", 1);
    const auto topics_before = server.request("GET", topics_path(instance)).body;
    const auto partitions_before = server.request("GET", partitions_path(instance, "orders")).body;

    kafka::protocol::record record;
    record.key = "k";
    record.value = "v";
    std::string request = kafka_request_header(0, 3, 7);
    writer w(request);
    w.nullable_string(std::nullopt);  // transactional_id
    w.int16(1);                       // acks
    w.int32(1000);                    // timeout_ms
    w.array_length(2);
    w.string("orders");
    w.array_length(1);
    w.int32(0);
    w.nullable_bytes(kafka::protocol::encode_batch({}, {record}));
    w.string("fresh");
    w.array_length(1);
    w.int32(0);
    w.int32(1000);  // a records length the frame does not hold
    w.raw("short");

    kafka_connection kafka(static_cast<std::uint16_t>(show_address(server, instance).port));
    ASSERT_TRUE(kafka.send_request(request));
    EXPECT_TRUE(kafka.closed_by_server());
    EXPECT_EQ(server.request("GET", topics_path(instance)).body, topics_before);
    EXPECT_EQ(server.request("GET", partitions_path(instance, "orders")).body, partitions_before);
}

// DeleteRecords reads its whole body before it deletes: one cut short after its topics (no timeout_ms)
// closes the connection and deletes nothing, not even from the topics it read in full.
TEST(KafkaListener, ADeleteRecordsThatDoesNotDecodeDeletesNothing) {
    test_server server;
    const auto instance = create_instance(server);
    create_topic(server, instance, "orders", 1);
    send(server, instance, "orders", "first", 0);
    send(server, instance, "orders", "second", 0);

    std::string request = kafka_request_header(21, 1, 3);
    writer w(request);
    w.array_length(1);
    w.string("orders");
    w.array_length(1);
    w.int32(0);
    w.int64(-1);  // to the high watermark; timeout_ms left out

    kafka_connection kafka(static_cast<std::uint16_t>(show_address(server, instance).port));
    ASSERT_TRUE(kafka.send_request(request));
    EXPECT_TRUE(kafka.closed_by_server());
    const auto p = server.state().kafka.cluster(project_id, instance)->partition("orders", 0);
    EXPECT_EQ(p.start_offset, 0);
    EXPECT_EQ(p.end_offset, 2);
}

// UpdateInstanceAutoCreateTopic turns on what Metadata does with a topic nobody created: it is created
// with three partitions, visible to REST at once; a body without the flag is refused and changes nothing.
TEST(KafkaListener, AutoTopicCreationFollowsUpdateInstanceAutoCreateTopic) {
    test_server server;
    const auto instance = create_instance(server);
    const auto autotopic = instance_path(instance) + "/autotopic";
    expect_invalid_parameter(server.request("POST", autotopic, R"({"enable_auto_topic":"yes"})"),
                             "enable_auto_topic");
    expect_empty(server.request("POST", autotopic, R"({"enable_auto_topic":true})"), 200);
    const auto shown = server.request("GET", instance_path(instance));
    EXPECT_NE(shown.body.find(R"("enable_auto_topic":true)"), std::string::npos) << shown.body;

    kafka_connection kafka(static_cast<std::uint16_t>(show_address(server, instance).port));
    // Metadata v4 for one topic, allow_auto_topic_creation true: the instance's setting decides.
    const auto ask_for = [&kafka](const std::string& topic, std::int32_t correlation_id) {
        std::string request = kafka_request_header(3, 4, correlation_id);
        writer w(request);
        w.int32(1);
        w.string(topic);
        w.boolean(true);
        return kafka.send_request(request) && kafka.read_response().has_value();
    };
    ASSERT_TRUE(ask_for("created-on-use", 5));
    const auto partitions = server.request("GET", partitions_path(instance, "created-on-use"));
    ASSERT_EQ(partitions.status, 200u) << partitions.body;
    EXPECT_NE(partitions.body.find(R"("total":3)"), std::string::npos) << partitions.body;

    // Off again: the next unknown topic stays unknown.
    expect_empty(server.request("POST", autotopic, R"({"enable_auto_topic":false})"), 200);
    ASSERT_TRUE(ask_for("not-created", 6));
    const auto topics = server.request("GET", topics_path(instance));
    EXPECT_EQ(topics.body.find("not-created"), std::string::npos) << topics.body;
    EXPECT_NE(topics.body.find("created-on-use"), std::string::npos) << topics.body;
}

}  // namespace
}  // namespace emu::test
