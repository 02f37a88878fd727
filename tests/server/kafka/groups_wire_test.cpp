// The group APIs over raw frames, field by field as Kafka's message definitions lay them out: FindCoordinator
// against ShowCoordinators, JoinGroup v5 with MEMBER_ID_REQUIRED, a second member whose join waits for the
// first to join again on its own connection, SyncGroup, Heartbeat, OffsetCommit/OffsetFetch, DescribeGroups,
// ListGroups, LeaveGroup v3, DeleteGroups, and the REST views and refusals while the group has members.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "kafka/protocol/codec.hpp"
#include "tests/support/dms_client.hpp"
#include "tests/support/kafka_connection.hpp"
#include "tests/support/test_server.hpp"

namespace emu::test {
namespace {

namespace protocol = kafka::protocol;
using protocol::reader;
using protocol::writer;

rapidjson::Document json(const std::string& body) {
    rapidjson::Document doc;
    doc.Parse(body.c_str());
    return doc;
}

// A consumer-protocol assignment: version 0, topic "orders" with the partitions given, no user data.
std::string assignment(const std::vector<std::int32_t>& partitions) {
    std::string out;
    writer w(out);
    w.int16(0);
    w.array_length(1);
    w.string("orders");
    w.array_length(partitions.size());
    for (const auto p : partitions) w.int32(p);
    w.nullable_bytes(std::nullopt);
    return out;
}

struct joined {
    std::int16_t error = -1;
    std::int32_t generation = -1;
    std::string protocol;
    std::string leader;
    std::string member_id;
    std::vector<std::pair<std::string, std::string>> members;
};

std::string join_request(const std::string& member_id, std::int32_t correlation_id) {
    std::string request = kafka_request_header(11, 5, correlation_id);
    writer w(request);
    w.string("billing");
    w.int32(6000);   // session_timeout_ms
    w.int32(10000);  // rebalance_timeout_ms
    w.string(member_id);
    w.nullable_string(std::nullopt);  // group_instance_id
    w.string("consumer");
    w.array_length(2);
    w.string("range");
    w.nullable_bytes("meta-range");
    w.string("roundrobin");
    w.nullable_bytes("meta-rr");
    return request;
}

joined read_join(const std::string& response) {
    reader r(response);
    r.int32();  // correlation id
    r.int32();  // throttle_time_ms
    joined out;
    out.error = r.int16();
    out.generation = r.int32();
    out.protocol = std::string(r.string());
    out.leader = std::string(r.string());
    out.member_id = std::string(r.string());
    const auto n = r.array_length(false);
    for (std::int32_t i = 0; i < n; ++i) {
        std::string id(r.string());
        EXPECT_FALSE(r.nullable_string().has_value());  // group_instance_id
        out.members.emplace_back(std::move(id), std::string(r.bytes()));
    }
    EXPECT_TRUE(r.at_end());
    return out;
}

// MEMBER_ID_REQUIRED, then the join with the id it gave.
std::string member_id_for(kafka_connection& kafka) {
    EXPECT_TRUE(kafka.send_request(join_request("", 1)));
    const auto first = read_join(kafka.read_response().value_or(std::string(4, '\0')));
    EXPECT_EQ(first.error, 79);
    EXPECT_EQ(first.member_id.rfind("emu-test-", 0), 0u) << first.member_id;
    return first.member_id;
}

std::string sync_request(const std::string& member_id, std::int32_t generation,
                         const std::vector<std::pair<std::string, std::string>>& assignments) {
    std::string request = kafka_request_header(14, 3, 7);
    writer w(request);
    w.string("billing");
    w.int32(generation);
    w.string(member_id);
    w.nullable_string(std::nullopt);
    w.array_length(assignments.size());
    for (const auto& [id, bytes] : assignments) {
        w.string(id);
        w.nullable_bytes(bytes);
    }
    return request;
}

std::pair<std::int16_t, std::string> read_sync(const std::string& response) {
    reader r(response);
    r.int32();
    r.int32();
    const auto error = r.int16();
    return {error, std::string(r.bytes())};
}

std::int16_t heartbeat(kafka_connection& kafka, const std::string& member_id, std::int32_t generation) {
    std::string request = kafka_request_header(12, 3, 8);
    writer w(request);
    w.string("billing");
    w.int32(generation);
    w.string(member_id);
    w.nullable_string(std::nullopt);
    EXPECT_TRUE(kafka.send_request(request));
    const std::string r_bytes = kafka.read_response().value_or(std::string(10, '\0'));
    reader r(r_bytes);
    r.int32();
    r.int32();
    return r.int16();
}

std::int16_t commit(kafka_connection& kafka, const std::string& member_id, std::int32_t generation,
                    std::int64_t offset) {
    std::string request = kafka_request_header(8, 7, 9);
    writer w(request);
    w.string("billing");
    w.int32(generation);
    w.string(member_id);
    w.nullable_string(std::nullopt);  // group_instance_id
    w.array_length(1);
    w.string("orders");
    w.array_length(1);
    w.int32(1);
    w.int64(offset);
    w.int32(-1);  // committed_leader_epoch
    w.nullable_string("note");
    EXPECT_TRUE(kafka.send_request(request));
    const std::string r_bytes = kafka.read_response().value_or(std::string(30, '\0'));
    reader r(r_bytes);
    r.int32();
    r.int32();
    EXPECT_EQ(r.array_length(false), 1);
    EXPECT_EQ(r.string(), "orders");
    EXPECT_EQ(r.array_length(false), 1);
    EXPECT_EQ(r.int32(), 1);
    return r.int16();
}

class GroupsOnTheWire : public ::testing::Test {
  protected:
    void SetUp() override {
        instance_ = create_instance(server_);
        create_topic(server_, instance_, "orders", 3);
        const auto shown = json(server_.request("GET", instance_path(instance_)).body);
        port_ = static_cast<std::uint16_t>(shown["port"].GetInt());
    }

    rapidjson::Document show_groups() const {
        return json(server_.request("GET", instance_path(instance_) + "/management/groups/billing").body);
    }

    // The group's state on ListInstanceConsumerGroups, once it is `wanted` (a request on another
    // connection is served concurrently); within 5 s.
    std::string wait_for_state(const std::string& wanted) const {
        std::string state;
        for (int i = 0; i < 500 && state != wanted; ++i) {
            if (i > 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
            const auto listed = json(server_.request("GET", instance_path(instance_) + "/groups").body);
            state = listed["groups"].Size() == 1 ? listed["groups"][0]["state"].GetString() : "";
        }
        return state;
    }

    test_server server_;
    std::string instance_;
    std::uint16_t port_ = 0;
};

TEST_F(GroupsOnTheWire, FindCoordinatorNamesTheBrokerShowCoordinatorsShows) {
    kafka_connection kafka(port_);
    std::string request = kafka_request_header(10, 2, 3);
    writer w(request);
    w.string("billing");
    w.int8(0);
    ASSERT_TRUE(kafka.send_request(request));
    const auto response = kafka.read_response();
    ASSERT_TRUE(response);
    reader r(*response);
    EXPECT_EQ(r.int32(), 3);
    r.int32();
    EXPECT_EQ(r.int16(), 0);
    EXPECT_FALSE(r.nullable_string().has_value());
    const auto node = r.int32();
    const std::string host(r.string());
    const auto port = r.int32();
    EXPECT_TRUE(r.at_end());

    server_.request("POST", dms + "/kafka/instances/" + instance_ + "/group", R"({"group_name":"billing"})");
    const auto shown =
        json(server_.request("GET", instance_path(instance_) + "/management/coordinators").body);
    ASSERT_TRUE(shown.HasMember("coordinators"));
    ASSERT_EQ(shown["coordinators"].Size(), 1u);
    const auto& c = shown["coordinators"][0];
    EXPECT_STREQ(c["group_id"].GetString(), "billing");
    EXPECT_EQ(c["id"].GetInt(), node);
    EXPECT_EQ(c["host"].GetString(), host);
    EXPECT_EQ(c["port"].GetInt(), port);
    const auto group = json(server_.request("GET", instance_path(instance_) + "/groups/billing").body);
    EXPECT_EQ(group["group"]["coordinator_id"].GetInt(), node);
}

TEST_F(GroupsOnTheWire, TwoMembersJoinSyncCommitAndLeaveAsKafkaLaysTheFieldsOut) {
    kafka_connection first(port_);
    kafka_connection second(port_);
    const auto id1 = member_id_for(first);
    ASSERT_TRUE(first.send_request(join_request(id1, 2)));
    const auto alone = read_join(first.read_response().value_or(std::string(4, '\0')));
    ASSERT_EQ(alone.error, 0);
    EXPECT_EQ(alone.generation, 1);
    EXPECT_EQ(alone.protocol, "range");
    EXPECT_EQ(alone.leader, id1);
    ASSERT_EQ(alone.members.size(), 1u);
    EXPECT_EQ(alone.members[0].second, "meta-range");
    ASSERT_TRUE(first.send_request(sync_request(id1, 1, {{id1, assignment({0, 1, 2})}})));
    EXPECT_EQ(read_sync(first.read_response().value_or(std::string(10, '\0'))),
              std::make_pair(std::int16_t{0}, assignment({0, 1, 2})));
    auto view = show_groups();
    EXPECT_STREQ(view["group"]["state"].GetString(), "Stable");
    EXPECT_STREQ(view["group"]["assignment_strategy"].GetString(), "range");
    ASSERT_EQ(view["group"]["members"].Size(), 1u);
    EXPECT_STREQ(view["group"]["members"][0]["client_id"].GetString(), "emu-test");
    EXPECT_STREQ(view["group"]["members"][0]["host"].GetString(), "/127.0.0.1");
    EXPECT_EQ(view["group"]["members"][0]["assignment"][0]["partitions"].Size(), 3u);

    // The second member's join waits until the first has joined again.
    const auto id2 = member_id_for(second);
    ASSERT_TRUE(second.send_request(join_request(id2, 2)));
    ASSERT_EQ(wait_for_state("PREPARING_REBALANCE"), "PREPARING_REBALANCE");
    EXPECT_EQ(heartbeat(first, id1, 1), 27);  // REBALANCE_IN_PROGRESS
    EXPECT_EQ(commit(first, id1, 1, 5), 0) << "a member commits in its generation while the group prepares";
    ASSERT_TRUE(first.send_request(join_request(id1, 3)));
    const auto leader = read_join(first.read_response().value_or(std::string(4, '\0')));
    const auto follower = read_join(second.read_response().value_or(std::string(4, '\0')));
    EXPECT_EQ(leader.generation, 2);
    EXPECT_EQ(follower.generation, 2);
    EXPECT_EQ(leader.members.size(), 2u);
    EXPECT_TRUE(follower.members.empty());
    EXPECT_EQ(follower.leader, id1);

    // The follower's sync waits for the leader's.
    ASSERT_TRUE(second.send_request(sync_request(id2, 2, {})));
    EXPECT_EQ(heartbeat(first, id1, 2), 0) << "the leader's heartbeat while the follower's sync waits";
    EXPECT_STREQ(show_groups()["group"]["state"].GetString(), "CompletingRebalance");
    ASSERT_TRUE(
        first.send_request(sync_request(id1, 2, {{id1, assignment({0, 1})}, {id2, assignment({2})}})));
    EXPECT_EQ(read_sync(first.read_response().value_or(std::string(10, '\0'))).second, assignment({0, 1}));
    EXPECT_EQ(read_sync(second.read_response().value_or(std::string(10, '\0'))).second, assignment({2}));
    EXPECT_EQ(heartbeat(second, id2, 2), 0);
    EXPECT_EQ(commit(second, id2, 1, 9), 22) << "ILLEGAL_GENERATION";
    EXPECT_EQ(commit(second, id2, 2, 7), 0);

    // OffsetFetch v5 of every offset (null topics), with its metadata.
    std::string fetch = kafka_request_header(9, 5, 10);
    writer(fetch).string("billing");
    writer(fetch).int32(-1);
    ASSERT_TRUE(first.send_request(fetch));
    const std::string r_bytes = first.read_response().value_or(std::string(8, '\0'));
    reader r(r_bytes);
    r.int32();
    r.int32();
    ASSERT_EQ(r.array_length(false), 1);
    EXPECT_EQ(r.string(), "orders");
    ASSERT_EQ(r.array_length(false), 1);
    EXPECT_EQ(r.int32(), 1);
    EXPECT_EQ(r.int64(), 7);
    EXPECT_EQ(r.int32(), -1);
    EXPECT_EQ(r.nullable_string(), std::optional<std::string_view>("note"));
    EXPECT_EQ(r.int16(), 0);
    EXPECT_EQ(r.int16(), 0);
    EXPECT_TRUE(r.at_end());

    // REST: the members, who holds partition 2, and the refusals while the group has members.
    view = show_groups();
    EXPECT_EQ(view["group"]["members"].Size(), 2u);
    const auto offsets = json(server_
                                  .request("GET", dms_engine + "/instances/" + instance_ +
                                                      "/groups/billing/message-offset?topic=orders")
                                  .body);
    ASSERT_EQ(offsets["group_message_offsets"].Size(), 1u);
    EXPECT_EQ(offsets["group_message_offsets"][0]["consumer_id"].GetString(), id1)
        << "partition 1 is the leader's";
    EXPECT_STREQ(offsets["group_message_offsets"][0]["host"].GetString(), "/127.0.0.1");
    const auto reset = server_.request(
        "PUT", dms_engine + "/instances/" + instance_ + "/groups/billing/reset-message-offset",
        R"({"topic":"orders","partition":-1,"message_offset":0})");
    EXPECT_EQ(reset.status, 400u);
    EXPECT_NE(reset.body.find("DMS.00400800"), std::string::npos) << reset.body;
    EXPECT_EQ(server_.request("DELETE", instance_path(instance_) + "/groups/billing").status, 400u);

    // DescribeGroups v4 and ListGroups v2.
    std::string describe = kafka_request_header(15, 4, 11);
    writer dw(describe);
    dw.array_length(2);
    dw.string("billing");
    dw.string("nobody");
    dw.boolean(false);
    ASSERT_TRUE(first.send_request(describe));
    const std::string d_bytes = first.read_response().value_or(std::string(8, '\0'));
    reader d(d_bytes);
    d.int32();
    d.int32();
    ASSERT_EQ(d.array_length(false), 2);
    EXPECT_EQ(d.int16(), 0);
    EXPECT_EQ(d.string(), "billing");
    EXPECT_EQ(d.string(), "Stable");
    EXPECT_EQ(d.string(), "consumer");
    EXPECT_EQ(d.string(), "range");
    ASSERT_EQ(d.array_length(false), 2);
    for (int i = 0; i < 2; ++i) {
        EXPECT_EQ(d.string(), i == 0 ? id1 : id2);
        EXPECT_FALSE(d.nullable_string().has_value());
        EXPECT_EQ(d.string(), "emu-test");
        EXPECT_EQ(d.string(), "/127.0.0.1");
        EXPECT_EQ(d.bytes(), "meta-range");
        EXPECT_EQ(d.bytes(), i == 0 ? assignment({0, 1}) : assignment({2}));
    }
    EXPECT_EQ(d.int32(), INT32_MIN);
    EXPECT_EQ(d.int16(), 0);
    EXPECT_EQ(d.string(), "nobody");
    EXPECT_EQ(d.string(), "Dead");

    // LeaveGroup v3 with both members (and one it does not know), then DeleteGroups.
    std::string leave = kafka_request_header(13, 3, 12);
    writer lw(leave);
    lw.string("billing");
    lw.array_length(3);
    for (const auto& id : {id1, id2, std::string("ghost")}) {
        lw.string(id);
        lw.nullable_string(std::nullopt);
    }
    ASSERT_TRUE(second.send_request(leave));
    const std::string l_bytes = second.read_response().value_or(std::string(8, '\0'));
    reader l(l_bytes);
    l.int32();
    l.int32();
    EXPECT_EQ(l.int16(), 0);
    ASSERT_EQ(l.array_length(false), 3);
    for (const int expected : {0, 0, 25}) {
        l.string();
        l.nullable_string();
        EXPECT_EQ(l.int16(), expected);
    }
    view = show_groups();
    EXPECT_STREQ(view["group"]["state"].GetString(), "Empty");
    EXPECT_EQ(view["group"]["members"].Size(), 0u);

    std::string remove = kafka_request_header(42, 1, 13);
    writer rw(remove);
    rw.array_length(2);
    rw.string("billing");
    rw.string("billing-2");
    ASSERT_TRUE(second.send_request(remove));
    const std::string g_bytes = second.read_response().value_or(std::string(8, '\0'));
    reader g(g_bytes);
    g.int32();
    g.int32();
    ASSERT_EQ(g.array_length(false), 2);
    EXPECT_EQ(g.string(), "billing");
    EXPECT_EQ(g.int16(), 0);
    EXPECT_EQ(g.string(), "billing-2");
    EXPECT_EQ(g.int16(), 69);  // GROUP_ID_NOT_FOUND
    EXPECT_EQ(server_.request("GET", instance_path(instance_) + "/groups/billing").status, 400u);
}

TEST_F(GroupsOnTheWire, AFaultRuleAnswersJoinGroupWithItsError) {
    const auto rule =
        http_request(server_.port(), "POST", "/_emulator/faults",
                     R"({"kafka_api":"JoinGroup","kafka_error":"COORDINATOR_NOT_AVAILABLE","count":1})",
                     {{"Content-Type", "application/json"}});
    ASSERT_EQ(rule.status, 201u) << rule.body;
    kafka_connection kafka(port_);
    ASSERT_TRUE(kafka.send_request(join_request("", 1)));
    const auto refused = read_join(kafka.read_response().value_or(std::string(4, '\0')));
    EXPECT_EQ(refused.error, 15);
    EXPECT_EQ(refused.generation, -1);
    EXPECT_EQ(server_.request("GET", instance_path(instance_) + "/groups/billing").status, 400u)
        << "the injected answer made no group";
    ASSERT_TRUE(kafka.send_request(join_request("", 2)));
    EXPECT_EQ(read_join(kafka.read_response().value_or(std::string(4, '\0'))).error, 79)
        << "the rule is used up";
}

// A join still waiting for the rest of its group when the server stops: the connection closes and the
// server shuts down (the coordinator that holds the waiting answer outlives the event loop).
TEST(GroupsOnTheWireShutdown, AServerStoppedWhileAJoinWaitsClosesTheConnection) {
    auto server = std::make_unique<test_server>();
    const auto instance = create_instance(*server);
    create_topic(*server, instance, "orders", 1);
    const auto shown = json(server->request("GET", instance_path(instance)).body);
    const auto port = static_cast<std::uint16_t>(shown["port"].GetInt());
    kafka_connection first(port);
    kafka_connection second(port);
    const auto id1 = member_id_for(first);
    ASSERT_TRUE(first.send_request(join_request(id1, 2)));
    const auto first_join = first.read_response().value_or(std::string(4, '\0'));
    ASSERT_EQ(read_join(first_join).error, 0);
    const auto id2 = member_id_for(second);
    ASSERT_TRUE(second.send_request(join_request(id2, 2)));  // waits: the first has not joined again
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    server.reset();
    EXPECT_TRUE(second.closed_by_server(std::chrono::seconds(5)));
}

}  // namespace
}  // namespace emu::test
