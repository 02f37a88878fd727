// The full DIS consumer loop (issue 4), every request signed as the official SDK signs it and verified by
// the server in strict mode: produce, cursor TRIM_HORIZON, consume all, commit, restart from the checkpoint
// with AFTER_SEQUENCE_NUMBER, delete the checkpoints, re-consume from the start.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "routes/auth/authenticate.hpp"
#include "tests/support/dis_client.hpp"
#include "tests/support/test_server.hpp"

namespace emu::test {
namespace {

const std::string access_key = "EXAMPLEAK0000000DIS1";
const std::string secret_key = "exampleSecretKey0123456789abcdefEXAMPLESK";

routes::auth::auth_settings strict_keys() {
    routes::auth::auth_settings auth;
    auth.mode = routes::auth::auth_mode::strict;
    auth.credentials.push_back({access_key, secret_key, project_id, ""});
    return auth;
}

struct consumed {
    std::string sequence_number;
    std::string data;
    friend bool operator==(const consumed&, const consumed&) = default;
    friend std::ostream& operator<<(std::ostream& out, const consumed& c) {
        return out << "{" << c.sequence_number << ", " << c.data << "}";
    }
};

class dis_consumer_loop : public testing::Test {
  protected:
    test_server server{strict_keys()};
    sdk_client sdk{server, access_key, secret_key};

    std::string cursor(const std::string& partition, const std::string& type,
                       const std::string& sequence = "") {
        name_values query{{"stream-name", "orders"}, {"partition-id", partition}, {"cursor-type", type}};
        if (!sequence.empty()) query.emplace_back("starting-sequence-number", sequence);
        const auto reply = sdk.call("GET", "/cursors", query);
        EXPECT_TRUE(is_json_answer(reply)) << reply.body;
        const auto body = reply.json();
        EXPECT_TRUE(has_members(body, {"partition_cursor"}));
        return body.IsObject() && body.HasMember("partition_cursor") ? body["partition_cursor"].GetString()
                                                                     : "";
    }

    // Pages through a partition three records at a time until an empty poll.
    std::vector<consumed> consume_all(std::string position) {
        std::vector<consumed> out;
        for (int polls = 0; polls < 100; ++polls) {
            const auto reply = sdk.call("GET", "/records", {{"partition-cursor", position}, {"limit", "3"}});
            EXPECT_TRUE(is_json_answer(reply)) << reply.body;
            const auto body = reply.json();
            EXPECT_TRUE(has_members(body, {"records", "next_partition_cursor"}));
            if (!body.IsObject() || !body["records"].IsArray()) break;
            EXPECT_LE(body["records"].Size(), 3U);
            for (const auto& r : body["records"].GetArray()) {
                out.push_back({r["sequence_number"].GetString(), r["data"].GetString()});
            }
            position = body["next_partition_cursor"].GetString();
            if (body["records"].Empty()) return out;
        }
        ADD_FAILURE() << "no empty poll";
        return out;
    }

    std::string checkpoint_of(const std::string& partition) {
        const auto reply = sdk.call("GET", "/checkpoints",
                                    {{"app_name", "billing"},
                                     {"checkpoint_type", "LAST_READ"},
                                     {"partition_id", partition},
                                     {"stream_name", "orders"}});
        EXPECT_TRUE(is_json_answer(reply)) << reply.body;
        return reply.json()["sequence_number"].GetString();
    }

    // Sends one record per item to the given partitions; remembers what each partition holds.
    void produce(const std::vector<std::pair<std::string, std::string>>& partition_and_data) {
        std::string records;
        for (const auto& [partition, data] : partition_and_data) {
            records += std::string(records.empty() ? "" : ", ") + R"({"data": ")" + data +
                       R"(", "partition_id": ")" + partition + R"("})";
        }
        const auto reply =
            sdk.call("POST", "/records", {}, R"({"stream_name": "orders", "records": [)" + records + "]}");
        ASSERT_TRUE(is_json_answer(reply)) << reply.body;
        const auto body = reply.json();
        ASSERT_TRUE(has_int(body, "failed_record_count", 0));
        for (std::size_t i = 0; i < partition_and_data.size(); ++i) {
            const auto& result = body["records"][static_cast<rapidjson::SizeType>(i)];
            sent[partition_and_data[i].first].push_back(
                {result["sequence_number"].GetString(), partition_and_data[i].second});
        }
    }

    std::map<std::string, std::vector<consumed>> sent;
};

TEST_F(dis_consumer_loop, produce_consume_commit_restart_delete_and_reconsume) {
    ASSERT_TRUE(is_empty_answer(
        sdk.call("POST", "/streams", {}, R"({"stream_name": "orders", "partition_count": 2})"), 201));
    ASSERT_TRUE(is_empty_answer(sdk.call("POST", "/apps", {}, R"({"app_name": "billing"})"), 201));

    // What went over the wire is what the SDK sends.
    std::map<std::string, std::string> wire(sdk.last_headers().begin(), sdk.last_headers().end());
    EXPECT_EQ(wire["Content-Type"], "application/json");
    EXPECT_EQ(wire["X-Project-Id"], project_id);
    EXPECT_EQ(wire["Host"], "127.0.0.1:" + std::to_string(server.port()));
    EXPECT_EQ(wire["X-Sdk-Date"], "20231114T221320Z");
    EXPECT_EQ(wire["Authorization"].rfind(
                  "SDK-HMAC-SHA256 Access=" + access_key +
                      ", SignedHeaders=content-type;host;user-agent;x-project-id;x-sdk-date, "
                      "Signature=",
                  0),
              0U);

    // Produce: 7 records over two partitions.
    produce({{"0", "YQ=="},
             {"1", "Yg=="},
             {"0", "Yw=="},
             {"shardId-0000000000", "ZA=="},
             {"1", "ZQ=="},
             {"0", "Zg=="},
             {"0", "Zw=="}});
    ASSERT_EQ(sent["0"].size() + sent["shardId-0000000000"].size(), 5U);
    std::vector<consumed> partition0 = sent["0"];
    partition0.insert(partition0.begin() + 2, sent["shardId-0000000000"].begin(),
                      sent["shardId-0000000000"].end());
    const std::vector<consumed> partition1 = sent["1"];
    ASSERT_EQ(partition0.size(), 5U);
    EXPECT_EQ(partition0.back().sequence_number, "4");

    // Consume everything from TRIM_HORIZON, in order, across pages.
    EXPECT_EQ(consume_all(cursor("0", "TRIM_HORIZON")), partition0);
    EXPECT_EQ(consume_all(cursor("shardId-0000000001", "TRIM_HORIZON")), partition1);

    // Commit the last record read on each partition.
    for (const auto& [partition, last] : {std::pair{std::string("0"), std::string("4")}, {"1", "1"}}) {
        ASSERT_TRUE(is_empty_answer(
            sdk.call("POST", "/checkpoints", {},
                     R"({"app_name": "billing", "checkpoint_type": "LAST_READ", "stream_name": "orders", )"
                     R"("partition_id": ")" +
                         partition + R"(", "sequence_number": ")" + last + R"(", "metadata": "w1"})"),
            201));
    }
    EXPECT_EQ(checkpoint_of("0"), "4");
    EXPECT_EQ(checkpoint_of("1"), "1");

    // More records arrive while the consumer is down.
    sent.clear();
    produce({{"0", "aA=="}, {"1", "aQ=="}, {"0", "ag=="}});

    // Restart: from each checkpoint with AFTER_SEQUENCE_NUMBER only the new records come.
    EXPECT_EQ(consume_all(cursor("0", "AFTER_SEQUENCE_NUMBER", checkpoint_of("0"))), sent["0"]);
    EXPECT_EQ(consume_all(cursor("1", "AFTER_SEQUENCE_NUMBER", checkpoint_of("1"))), sent["1"]);
    EXPECT_EQ(sent["0"].front().sequence_number, "5");

    // The consumer state shows the checkpoints against the partitions' offsets.
    auto state = sdk.call("GET", "/apps/billing/streams/orders", {{"checkpoint_type", "LAST_READ"}});
    ASSERT_TRUE(is_json_answer(state)) << state.body;
    auto states = state.json();
    EXPECT_TRUE(has_string(states["partition_consuming_states"][0], "sequence_number", "4"));
    EXPECT_TRUE(has_int(states["partition_consuming_states"][0], "latest_offset", 7));
    EXPECT_TRUE(has_string(states["partition_consuming_states"][1], "sequence_number", "1"));
    EXPECT_TRUE(has_int(states["partition_consuming_states"][1], "latest_offset", 3));

    // Delete the app's checkpoints on every partition: nothing is committed any more.
    EXPECT_TRUE(is_empty_answer(
        sdk.call("DELETE", "/checkpoints",
                 {{"app_name", "billing"}, {"checkpoint_type", "LAST_READ"}, {"stream_name", "orders"}}),
        204));
    EXPECT_EQ(checkpoint_of("0"), "-1");
    EXPECT_EQ(checkpoint_of("1"), "-1");
    state = sdk.call("GET", "/apps/billing/streams/orders", {{"checkpoint_type", "LAST_READ"}});
    states = state.json();
    EXPECT_TRUE(has_string(states["partition_consuming_states"][0], "sequence_number", "-1"));
    EXPECT_TRUE(has_string(states["partition_consuming_states"][1], "sequence_number", "-1"));

    // With no checkpoint a consumer starts over from the oldest record and gets everything again.
    partition0.insert(partition0.end(), sent["0"].begin(), sent["0"].end());
    auto all1 = partition1;
    all1.insert(all1.end(), sent["1"].begin(), sent["1"].end());
    EXPECT_EQ(consume_all(cursor("0", "TRIM_HORIZON")), partition0);
    EXPECT_EQ(consume_all(cursor("1", "TRIM_HORIZON")), all1);
}

TEST_F(dis_consumer_loop, a_tampered_signature_is_refused_and_changes_nothing) {
    ASSERT_TRUE(is_empty_answer(
        sdk.call("POST", "/streams", {}, R"({"stream_name": "orders", "partition_count": 1})"), 201));
    sdk_client wrong{server, access_key, "not-the-secret-key"};
    const auto reply = wrong.call("DELETE", "/streams/orders");
    EXPECT_EQ(reply.status, 401U) << reply.body;
    EXPECT_TRUE(is_json_answer(sdk.call("GET", "/streams/orders")));
}

}  // namespace
}  // namespace emu::test
