// A fault rule's Kafka error answer, byte for byte, in every version the table serves: for each API the
// whole response frame is compared with one written here field by field from AK's <Name>Response.json
// (the injected code in every error field, offsets -1, the message where the version has one), and the
// request changes nothing. fault_test.cpp has the rules' counting, delays and drops.
#include <gtest/gtest.h>

#include <climits>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kafka/handlers.hpp"
#include "kafka/protocol/codec.hpp"
#include "kafka/protocol/record_batch.hpp"
#include "tests/support/dms_client.hpp"
#include "tests/support/kafka_connection.hpp"
#include "tests/support/test_server.hpp"

namespace emu::test {
namespace {

using kafka::protocol::writer;

constexpr std::int16_t injected = 7;  // REQUEST_TIMED_OUT
const std::string message = "Injected by a fault rule of the emulator.";

// CreateTopics', DeleteTopics' and CreatePartitions' answer: each topic's name, the error and, when
// `with_message`, the message.
void topic_errors(writer& out, const std::vector<std::string>& topics, bool throttle, bool with_message) {
    if (throttle) out.int32(0);  // throttle_time_ms
    out.array_length(topics.size());
    for (const auto& topic : topics) {
        out.string(topic);
        out.int16(injected);
        if (with_message) out.nullable_string(message);
    }
}

class InjectedAnswers : public ::testing::Test {
  protected:
    void SetUp() override {
        instance_ = create_instance(server_);
        create_topic(server_, instance_, "orders", 2);
        send(server_, instance_, "orders", "kept", 0);
        const auto reply = server_.request("GET", instance_path(instance_));
        ASSERT_EQ(reply.status, 200u) << reply.body;
        port_ = static_cast<std::uint16_t>(reply.json()["port"].GetInt());
    }

    // Every request of `api` from now on answers the injected error.
    void inject(const std::string& api) {
        const auto added = http_request(server_.port(), "POST", "/_emulator/faults",
                                        R"({"kafka_api":")" + api + R"(","kafka_error":7})",
                                        {{"Content-Type", "application/json"}});
        ASSERT_EQ(added.status, 201u) << added.body;
    }

    // For each version from `from` to `to`: the request of API `key` whose body `request(v, w)` writes
    // (with a flexible header from `first_flexible` on) is answered, on a connection of its own, exactly
    // the correlation id and the body `answer(v, out)` writes.
    template <typename Request, typename Answer>
    void expect_versions(std::int16_t key, std::int16_t from, std::int16_t to, Request request, Answer answer,
                         std::int16_t first_flexible = INT16_MAX) {
        for (std::int16_t v = from; v <= to; ++v) {
            const std::int32_t correlation_id = 100 * key + v;
            std::string frame = kafka_request_header(key, v, correlation_id, v >= first_flexible);
            writer w(frame);
            request(v, w);
            std::string expected;
            writer out(expected);
            out.int32(correlation_id);
            answer(v, out);
            kafka_connection kafka(port_);
            ASSERT_TRUE(kafka.send_request(frame)) << "api key " << key << " v" << v;
            const auto got = kafka.read_response();
            ASSERT_TRUE(got) << "api key " << key << " v" << v;
            EXPECT_EQ(*got, expected) << "api key " << key << " v" << v;
        }
    }

    std::size_t topic_count() {
        return server_.state().kafka.cluster(project_id, instance_)->list_topics().size();
    }
    std::int32_t partitions_of(const std::string& topic) {
        return server_.state().kafka.cluster(project_id, instance_)->get_topic(topic).partition_count;
    }
    std::int64_t start_offset(std::int32_t partition) {
        return server_.state()
            .kafka.cluster(project_id, instance_)
            ->partition("orders", partition)
            .start_offset;
    }
    std::int64_t end_offset(std::int32_t partition) {
        return server_.state()
            .kafka.cluster(project_id, instance_)
            ->partition("orders", partition)
            .end_offset;
    }

    test_server server_;
    std::string instance_;
    std::uint16_t port_ = 0;
};

TEST_F(InjectedAnswers, ApiVersionsKeepsTheTableInEveryVersion) {
    inject("ApiVersions");
    expect_versions(
        18, 0, 3,
        [](std::int16_t v, writer& w) {
            if (v < 3) return;
            w.string("emu-test", true);  // client_software_name
            w.string("1.0", true);       // client_software_version
            w.tagged_fields(true);
        },
        // The response header is v0 in every version (KIP-511).
        [](std::int16_t v, writer& out) {
            const bool flexible = v >= 3;
            out.int16(injected);
            const auto apis = kafka::api_table();
            out.array_length(apis.size(), flexible);
            for (const auto& api : apis) {
                out.int16(static_cast<std::int16_t>(api.key));
                out.int16(api.min_version);
                out.int16(api.max_version);
                out.tagged_fields(flexible);
            }
            if (v >= 1) out.int32(0);  // throttle_time_ms
            out.tagged_fields(flexible);
        },
        3);
}

TEST_F(InjectedAnswers, MetadataNamesEveryTopicWithNoPartitionsInEveryVersion) {
    inject("Metadata");
    const auto address = server_.state().kafka.get_instance(project_id, instance_).address;
    const auto metadata = [&](const std::vector<std::string>& topics) {
        return [&, topics](std::int16_t v, writer& out) {
            if (v >= 3) out.int32(0);  // throttle_time_ms
            out.array_length(3);
            for (std::int32_t node = 0; node < 3; ++node) {
                out.int32(node);
                out.string("127.0.0.1");
                out.int32(address.port_of(node));
                if (v >= 1) out.nullable_string(std::nullopt);  // rack
            }
            if (v >= 2) out.nullable_string(instance_);  // cluster_id
            if (v >= 1) out.int32(0);                    // controller_id
            out.array_length(topics.size());
            for (const auto& name : topics) {
                out.int16(injected);
                out.string(name);
                if (v >= 1) out.boolean(false);  // is_internal
                out.array_length(0);
            }
        };
    };
    expect_versions(
        3, 0, 6,
        [](std::int16_t v, writer& w) {
            w.array_length(2);
            w.string("orders");
            w.string("unknown");
            if (v >= 4) w.boolean(true);  // allow_auto_topic_creation: not acted on
        },
        metadata({"orders", "unknown"}));
    // Every topic of the cluster.
    expect_versions(
        3, 0, 6,
        [](std::int16_t v, writer& w) {
            w.int32(v == 0 ? 0 : -1);  // v0: an empty list asks for every topic, then null does
            if (v >= 4) w.boolean(true);
        },
        metadata({"orders"}));
    EXPECT_EQ(topic_count(), 1u);  // "unknown" not created on first use
}

TEST_F(InjectedAnswers, ProduceAnswersEveryPartitionAndStoresNothingInEveryVersion) {
    inject("Produce");
    kafka::protocol::record record;
    record.value = "lost";
    const auto batch = kafka::protocol::encode_batch({}, {record});
    const std::vector<std::pair<std::string, std::vector<std::int32_t>>> topics{{"orders", {1, 0}},
                                                                                {"elsewhere", {1}}};
    expect_versions(
        0, 0, 7,
        [&](std::int16_t v, writer& w) {
            if (v >= 3) w.nullable_string(std::nullopt);  // transactional_id
            w.int16(-1);                                  // acks
            w.int32(1000);                                // timeout_ms
            w.array_length(topics.size());
            for (const auto& [topic, partitions] : topics) {
                w.string(topic);
                w.array_length(partitions.size());
                for (const auto index : partitions) {
                    w.int32(index);
                    w.nullable_bytes(index == 1 ? std::optional<std::string_view>(batch) : std::nullopt);
                }
            }
        },
        [&](std::int16_t v, writer& out) {
            out.array_length(topics.size());
            for (const auto& [topic, partitions] : topics) {
                out.string(topic);
                out.array_length(partitions.size());
                for (const auto index : partitions) {
                    out.int32(index);
                    out.int16(injected);
                    out.int64(-1);              // base_offset
                    if (v >= 2) out.int64(-1);  // log_append_time_ms
                    if (v >= 5) out.int64(-1);  // log_start_offset
                }
            }
            if (v >= 1) out.int32(0);  // throttle_time_ms
        });
    EXPECT_EQ(end_offset(0), 1);
    EXPECT_EQ(end_offset(1), 0);
}

TEST_F(InjectedAnswers, FetchAnswersAtTopLevelAndEveryPartitionInEveryVersion) {
    inject("Fetch");
    expect_versions(
        1, 4, 11,
        [](std::int16_t v, writer& w) {
            w.int32(-1);       // replica_id
            w.int32(5000);     // max_wait_ms: the answer does not wait
            w.int32(1 << 20);  // min_bytes
            w.int32(1 << 20);  // max_bytes
            w.int8(0);         // isolation_level
            if (v >= 7) {
                w.int32(0);   // session_id
                w.int32(-1);  // session_epoch
            }
            w.array_length(1);
            w.string("orders");
            w.array_length(2);
            for (const std::int32_t p : {1, 0}) {
                w.int32(p);
                if (v >= 9) w.int32(-1);  // current_leader_epoch
                w.int64(0);               // fetch_offset
                if (v >= 5) w.int64(-1);  // log_start_offset
                w.int32(1 << 20);         // partition_max_bytes
            }
            if (v >= 7) {
                w.array_length(1);  // forgotten_topics_data
                w.string("gone");
                w.array_length(1);
                w.int32(3);
            }
            if (v >= 11) w.string("rack-1");
        },
        [](std::int16_t v, writer& out) {
            out.int32(0);  // throttle_time_ms
            if (v >= 7) {
                out.int16(injected);
                out.int32(0);  // session_id
            }
            out.array_length(1);
            out.string("orders");
            out.array_length(2);
            for (const std::int32_t p : {1, 0}) {
                out.int32(p);
                out.int16(injected);
                out.int64(-1);               // high_watermark
                out.int64(-1);               // last_stable_offset
                if (v >= 5) out.int64(-1);   // log_start_offset
                out.array_length(0);         // aborted_transactions
                if (v >= 11) out.int32(-1);  // preferred_read_replica
                out.nullable_bytes(std::nullopt);
            }
        });
}

TEST_F(InjectedAnswers, ListOffsetsAnswersEveryPartitionWithNoOffsetInEveryVersion) {
    inject("ListOffsets");
    const std::vector<std::string> topics{"orders", "elsewhere"};
    expect_versions(
        2, 0, 3,
        [&](std::int16_t v, writer& w) {
            w.int32(-1);            // replica_id
            if (v >= 2) w.int8(0);  // isolation_level
            w.array_length(topics.size());
            for (const auto& topic : topics) {
                w.string(topic);
                w.array_length(2);
                for (const std::int32_t p : {0, 1}) {
                    w.int32(p);
                    w.int64(p == 0 ? -1 : -2);  // latest, earliest
                    if (v == 0) w.int32(1);     // max_num_offsets
                }
            }
        },
        [&](std::int16_t v, writer& out) {
            if (v >= 2) out.int32(0);  // throttle_time_ms
            out.array_length(topics.size());
            for (const auto& topic : topics) {
                out.string(topic);
                out.array_length(2);
                for (const std::int32_t p : {0, 1}) {
                    out.int32(p);
                    out.int16(injected);
                    if (v == 0) {
                        out.array_length(0);  // old_style_offsets
                    } else {
                        out.int64(-1);  // timestamp
                        out.int64(-1);  // offset
                    }
                }
            }
        });
}

// Each topic as the request names it, a name given twice included (the handler would answer it once).
TEST_F(InjectedAnswers, CreateTopicsCarriesTheMessageFromV1AndCreatesNothing) {
    inject("CreateTopics");
    const std::vector<std::string> topics{"fresh", "orders", "fresh"};
    expect_versions(
        19, 0, 4,
        [&](std::int16_t v, writer& w) {
            w.array_length(topics.size());
            for (const auto& topic : topics) {
                w.string(topic);
                w.int32(3);   // num_partitions
                w.int16(-1);  // replication_factor
                w.array_length(0);
                w.array_length(1);
                w.string("retention.ms");
                w.nullable_string("3600000");
            }
            w.int32(1000);                 // timeout_ms
            if (v >= 1) w.boolean(false);  // validate_only
        },
        [&](std::int16_t v, writer& out) { topic_errors(out, topics, v >= 2, v >= 1); });
    EXPECT_EQ(topic_count(), 1u);
}

TEST_F(InjectedAnswers, DeleteTopicsNamesEveryTopicAndDeletesNothing) {
    inject("DeleteTopics");
    const std::vector<std::string> topics{"orders", "unknown", "orders"};
    expect_versions(
        20, 0, 3,
        [&](std::int16_t, writer& w) {
            w.array_length(topics.size());
            for (const auto& topic : topics) w.string(topic);
            w.int32(1000);  // timeout_ms
        },
        [&](std::int16_t v, writer& out) { topic_errors(out, topics, v >= 1, false); });
    EXPECT_EQ(partitions_of("orders"), 2);
}

TEST_F(InjectedAnswers, DeleteRecordsAnswersEveryPartitionAndDeletesNothing) {
    inject("DeleteRecords");
    const std::vector<std::string> topics{"orders", "elsewhere"};
    expect_versions(
        21, 0, 1,
        [&](std::int16_t, writer& w) {
            w.array_length(topics.size());
            for (const auto& topic : topics) {
                w.string(topic);
                w.array_length(2);
                for (const std::int32_t p : {1, 0}) {
                    w.int32(p);
                    w.int64(-1);  // to the high watermark
                }
            }
            w.int32(1000);  // timeout_ms
        },
        [&](std::int16_t, writer& out) {
            out.int32(0);  // throttle_time_ms
            out.array_length(topics.size());
            for (const auto& topic : topics) {
                out.string(topic);
                out.array_length(2);
                for (const std::int32_t p : {1, 0}) {
                    out.int32(p);
                    out.int64(-1);  // low_watermark
                    out.int16(injected);
                }
            }
        });
    EXPECT_EQ(start_offset(0), 0);
    EXPECT_EQ(end_offset(0), 1);
}

TEST_F(InjectedAnswers, DescribeConfigsAnswersEveryResourceWithNoConfigs) {
    inject("DescribeConfigs");
    // A topic with every key, a broker with one, and a type the handler refuses.
    const std::vector<std::pair<std::int8_t, std::string>> resources{{2, "orders"}, {4, "0"}, {3, "other"}};
    expect_versions(
        32, 0, 2,
        [&](std::int16_t v, writer& w) {
            w.array_length(resources.size());
            for (const auto& [type, name] : resources) {
                w.int8(type);
                w.string(name);
                if (type == 2) {
                    w.int32(-1);  // every key
                } else {
                    w.array_length(1);
                    w.string("num.partitions");
                }
            }
            if (v >= 1) w.boolean(true);  // include_synonyms
        },
        [&](std::int16_t, writer& out) {
            out.int32(0);  // throttle_time_ms
            out.array_length(resources.size());
            for (const auto& [type, name] : resources) {
                out.int16(injected);
                out.nullable_string(message);
                out.int8(type);
                out.string(name);
                out.array_length(0);  // configs
            }
        });
}

TEST_F(InjectedAnswers, CreatePartitionsCarriesTheMessageAndAddsNothing) {
    inject("CreatePartitions");
    expect_versions(
        37, 0, 1,
        [](std::int16_t, writer& w) {
            w.array_length(2);
            w.string("orders");
            w.int32(4);   // count
            w.int32(-1);  // assignments: null
            w.string("unknown");
            w.int32(2);
            w.array_length(1);  // one new partition's brokers
            w.array_length(2);
            w.int32(0);
            w.int32(1);
            w.int32(1000);     // timeout_ms
            w.boolean(false);  // validate_only
        },
        [](std::int16_t, writer& out) {
            topic_errors(out, {"orders", "unknown"}, true, true);
        });
    EXPECT_EQ(partitions_of("orders"), 2);
}

TEST_F(InjectedAnswers, FindCoordinatorCarriesTheMessageFromV1) {
    inject("FindCoordinator");
    expect_versions(
        10, 0, 2,
        [](std::int16_t v, writer& w) {
            w.string("billing");
            if (v >= 1) w.int8(0);  // key_type: group
        },
        [](std::int16_t v, writer& out) {
            if (v >= 1) out.int32(0);  // throttle_time_ms
            out.int16(injected);
            if (v >= 1) out.nullable_string(message);
            out.int32(-1);  // node_id
            out.string("");
            out.int32(-1);  // port
        });
}

// The injected answer reads the request as the handler does: a body cut short closes the connection, for
// every API the table serves.
TEST_F(InjectedAnswers, ABodyCutShortClosesTheConnectionForEveryApi) {
    for (const auto& api : kafka::api_table()) {
        if (api.key == kafka::protocol::api_key::api_versions ||
            api.key == kafka::protocol::api_key::list_groups)
            continue;  // their v0 bodies are empty: nothing to cut
        const auto added = http_request(
            server_.port(), "POST", "/_emulator/faults",
            R"({"kafka_api":)" + std::to_string(static_cast<int>(api.key)) + R"(,"kafka_error":7})",
            {{"Content-Type", "application/json"}});
        ASSERT_EQ(added.status, 201u) << added.body;
        std::string request = kafka_request_header(static_cast<std::int16_t>(api.key), api.max_version, 1);
        writer(request).int32(1 << 20);  // an array or string longer than the frame, or a body cut short
        kafka_connection kafka(port_);
        ASSERT_TRUE(kafka.send_request(request));
        EXPECT_TRUE(kafka.closed_by_server()) << "api key " << static_cast<int>(api.key);
    }
}

}  // namespace
}  // namespace emu::test
