// Route tests for the DIS Kafka adapter's group coordination (dis-native-sdks.md §2.2): the four routes of
// its InnerDisClient with the camelCase bodies Jackson writes from the coordinator request classes, the
// answers its response classes read, bad input, and commits that carry client_id and generation_id.
#include <gtest/gtest.h>

#include <string>

#include "tests/support/dis_client.hpp"
#include "tests/support/test_server.hpp"

namespace emu::test {
namespace {

const std::string consumers = "/apps/billing/consumers";

class dis_groups : public testing::Test {
  protected:
    test_server server;

    void SetUp() override {
        ASSERT_TRUE(is_empty_answer(
            server.request("POST", path("/streams"), R"({"stream_name":"orders","partition_count":3})"),
            201));
        ASSERT_TRUE(is_empty_answer(create_app(server, "billing"), 201));
    }

    // The JoinGroupRequest the adapter sends for subscribe(["orders"]).
    http_reply join(const std::string& client, const std::string& streams = R"(["orders"])",
                    const std::string& app = "billing") {
        return server.request("POST", path("/apps/" + app + "/consumers"),
                              R"({"groupId":")" + app + R"(","clientId":")" + client +
                                  R"(","interestedStream":)" + streams +
                                  R"(,"interestedStreamIdList":[],"accelerateAssignEnabled":false,)"
                                  R"("rebalanceTimeoutMs":20000})");
    }
    http_reply member_call(const std::string& client, const std::string& action, std::int64_t generation,
                           const std::string& app = "billing") {
        return server.request("POST", path("/apps/" + app + "/consumers/" + client + "/" + action),
                              R"({"clientId":")" + client + R"(","groupId":")" + app + R"(","generation":)" +
                                  std::to_string(generation) + "}");
    }
    http_reply heartbeat(const std::string& client, std::int64_t generation,
                         const std::string& app = "billing") {
        return member_call(client, "heartbeats", generation, app);
    }
    http_reply sync(const std::string& client, std::int64_t generation, const std::string& app = "billing") {
        return member_call(client, "partitions", generation, app);
    }
    std::string state_of(const http_reply& reply) {
        EXPECT_TRUE(is_json_answer(reply)) << reply.body;
        const auto body = reply.json();
        if (!body.IsObject() || !body.HasMember("state") || !body["state"].IsString()) {
            ADD_FAILURE() << "no state: " << reply.body;
            return "";
        }
        return body["state"].GetString();
    }
    http_reply commit(const std::string& extra) {
        return server.request("POST", path("/checkpoints"),
                              R"({"app_name":"billing","checkpoint_type":"LAST_READ","stream_name":"orders",)"
                              R"("partition_id":"shardId-0000000000","sequence_number":"0","metadata":"")" +
                                  extra + "}");
    }
    std::int64_t members() {
        const auto group = server.state().dis.group(project_id, "billing");
        return group ? static_cast<std::int64_t>(group->members.size()) : -1;
    }
};

TEST_F(dis_groups, join_heartbeat_sync_and_leave_answer_as_the_adapter_reads_them) {
    EXPECT_EQ(state_of(heartbeat("consumer-1", -1)), "JOINING");
    const auto heartbeat_body = heartbeat("consumer-1", -1).json();
    EXPECT_TRUE(has_members(heartbeat_body, {"state"}));

    const auto joined = join("consumer-1");
    ASSERT_TRUE(is_json_answer(joined)) << joined.body;
    const auto join_body = joined.json();
    EXPECT_TRUE(has_members(join_body, {"state", "subscription", "syncDelayedTimeMs"}));
    EXPECT_TRUE(has_string(join_body, "state", "OK"));
    ASSERT_TRUE(join_body["subscription"].IsArray());
    ASSERT_EQ(join_body["subscription"].Size(), 1U);
    EXPECT_STREQ(join_body["subscription"][0].GetString(), "orders");
    EXPECT_TRUE(has_int(join_body, "syncDelayedTimeMs", 0));

    EXPECT_EQ(state_of(heartbeat("consumer-1", -1)), "SYNCING");
    const auto synced = sync("consumer-1", -1);
    ASSERT_TRUE(is_json_answer(synced)) << synced.body;
    EXPECT_EQ(synced.body, R"({"state":"OK","generation":1,"assignment":{"orders":[0,1,2]}})");
    EXPECT_EQ(state_of(heartbeat("consumer-1", 1)), "STABLE");

    EXPECT_TRUE(is_empty_answer(server.request("DELETE", path(consumers + "/consumer-1")), 204));
    EXPECT_EQ(members(), 0);
    EXPECT_EQ(state_of(heartbeat("consumer-1", 1)), "JOINING");
    EXPECT_TRUE(is_empty_answer(server.request("DELETE", path(consumers + "/consumer-1")), 204))
        << "leaving twice changes nothing";
}

TEST_F(dis_groups, a_second_member_waits_for_the_first_to_rejoin) {
    join("consumer-b");
    sync("consumer-b", -1);
    EXPECT_EQ(state_of(join("consumer-a")), "OK");
    const auto waiting = sync("consumer-a", -1);
    EXPECT_EQ(waiting.body, R"({"state":"WAITING","generation":1})");
    EXPECT_EQ(state_of(heartbeat("consumer-b", 1)), "JOINING");
    EXPECT_EQ(sync("consumer-b", 1).body, R"({"state":"REJOIN","generation":1})");
    EXPECT_EQ(state_of(join("consumer-b")), "OK");
    EXPECT_EQ(sync("consumer-b", 1).body, R"({"state":"OK","generation":2,"assignment":{"orders":[2]}})");
    EXPECT_EQ(sync("consumer-a", -1).body, R"({"state":"OK","generation":2,"assignment":{"orders":[0,1]}})");
    EXPECT_EQ(state_of(heartbeat("consumer-a", 2)), "STABLE");
    EXPECT_EQ(state_of(heartbeat("consumer-b", 2)), "STABLE");
}

TEST_F(dis_groups, a_missing_app_is_group_not_exist_in_the_answer) {
    const auto joined = join("consumer-1", R"(["orders"])", "ghost");
    ASSERT_TRUE(is_json_answer(joined)) << joined.body;
    EXPECT_EQ(joined.body, R"({"state":"GROUP_NOT_EXIST","subscription":[],"syncDelayedTimeMs":0})");
    EXPECT_EQ(heartbeat("consumer-1", -1, "ghost").body, R"({"state":"GROUP_NOT_EXIST"})");
    EXPECT_EQ(sync("consumer-1", -1, "ghost").body, R"({"state":"GROUP_NOT_EXIST","generation":-1})");
    EXPECT_TRUE(is_empty_answer(server.request("DELETE", path("/apps/ghost/consumers/consumer-1")), 204));
}

TEST_F(dis_groups, a_subscription_to_a_missing_stream_is_err_subscription) {
    EXPECT_EQ(join("consumer-1", R"(["orders","nope"])").body,
              R"({"state":"ERR_SUBSCRIPTION","subscription":[],"syncDelayedTimeMs":0})");
    EXPECT_EQ(members(), 0);
    const auto pattern = server.request("POST", path(consumers),
                                        R"({"groupId":"billing","clientId":"c","streamPattern":"ord(er"})");
    EXPECT_EQ(state_of(pattern), "ERR_SUBSCRIPTION");
    const auto matched = server.request("POST", path(consumers),
                                        R"({"groupId":"billing","clientId":"c","streamPattern":"ord.*",)"
                                        R"("interestedStreamIdList":[]})");
    EXPECT_EQ(matched.body, R"({"state":"OK","subscription":["orders"],"syncDelayedTimeMs":0})");
}

TEST_F(dis_groups, bad_bodies_are_refused_in_dis_words_and_change_nothing) {
    const auto post = [&](const std::string& target, const std::string& body) {
        return server.request("POST", path(target), body);
    };
    EXPECT_TRUE(is_dis_error(post(consumers, ""), "DIS.4202", "Empty request."));
    EXPECT_TRUE(is_dis_error(post(consumers, "{not json"), "DIS.4300", "Request error."));
    EXPECT_TRUE(is_dis_error(post(consumers, R"({"interestedStream":["orders"]})"), "DIS.4200",
                             "Invalid request. [clientId: is required]"));
    EXPECT_TRUE(
        is_dis_error(post(consumers, R"({"clientId":"","interestedStream":["orders"]})"), "DIS.4200",
                     "Invalid request. [clientId: must be 1 to 255 characters, no control characters]"));
    EXPECT_TRUE(
        is_dis_error(post(consumers, R"({"clientId":"c","groupId":"other","interestedStream":["orders"]})"),
                     "DIS.4200", "Invalid request. [groupId: must be the app_name of the path]"));
    EXPECT_TRUE(is_dis_error(post(consumers, R"({"clientId":"c","interestedStream":"orders"})"), "DIS.4200",
                             "Invalid request. [interestedStream: must be an array]"));
    EXPECT_TRUE(is_dis_error(post(consumers, R"({"clientId":"c","interestedStream":[7]})"), "DIS.4200",
                             "Invalid request. [interestedStream[0]: must be a string]"));
    EXPECT_TRUE(is_dis_error(
        post(consumers, R"({"clientId":"c","interestedStream":["orders"],"rebalanceTimeoutMs":0})"),
        "DIS.4200", "Invalid request. [rebalanceTimeoutMs: must be from 1 to 2147483647]"));
    EXPECT_TRUE(is_dis_error(
        post(consumers, R"({"clientId":"c","interestedStream":["orders"],"accelerateAssignEnabled":"no"})"),
        "DIS.4200", "Invalid request. [accelerateAssignEnabled: must be a boolean]"));
    EXPECT_TRUE(is_dis_error(post(consumers + "/c/heartbeats", ""), "DIS.4202", "Empty request."));
    EXPECT_TRUE(is_dis_error(post(consumers + "/c/heartbeats", R"({"clientId":"d"})"), "DIS.4200",
                             "Invalid request. [clientId: must be the client_id of the path]"));
    EXPECT_TRUE(is_dis_error(post(consumers + "/c/partitions", R"({"generation":-2})"), "DIS.4200",
                             "Invalid request. [generation: must be from -1 to 9223372036854775807]"));
    EXPECT_TRUE(is_dis_error(post(consumers + "/c/partitions", R"({"generation":"1"})"), "DIS.4200",
                             "Invalid request. [generation: must be an integer]"));
    EXPECT_TRUE(is_dis_error(post("/apps/bad%20name/consumers", R"({"clientId":"c"})"), "DIS.4200",
                             "Invalid request. [app_name: must be 1 to 200 letters, digits, _ or -]"));
    EXPECT_TRUE(
        is_dis_error(post(consumers + "/" + std::string(256, 'c') + "/heartbeats", "{}"), "DIS.4200",
                     "Invalid request. [client_id: must be 1 to 255 characters, no control characters]"));
    EXPECT_TRUE(
        is_dis_error(post(consumers + "/c%0A/heartbeats", "{}"), "DIS.4200",
                     "Invalid request. [client_id: must be 1 to 255 characters, no control characters]"));
    EXPECT_TRUE(
        is_dis_error(server.request("DELETE", path(consumers + "/c%01")), "DIS.4200",
                     "Invalid request. [client_id: must be 1 to 255 characters, no control characters]"));
    EXPECT_EQ(members(), 0);
    EXPECT_EQ(server.state().dis.group(project_id, "billing")->generation, 0);

    // The body may leave out what the path says.
    EXPECT_EQ(state_of(post(consumers + "/c/heartbeats", "{}")), "JOINING");
}

TEST_F(dis_groups, commits_with_client_id_and_generation_id_are_checked_against_the_group) {
    EXPECT_TRUE(is_dis_error(commit(R"(,"client_id":"consumer-1","generation_id":1)"), "DIS.4702",
                             "Consumer member does not exist. [consumer-1 is not a member of the group]"));
    join("consumer-1");
    EXPECT_TRUE(
        is_dis_error(commit(R"(,"client_id":"consumer-1","generation_id":-1)"), "DIS.4701",
                     "Consumer group rebalance in progress. [join and sync the group again, then commit]"));
    sync("consumer-1", -1);
    EXPECT_TRUE(is_dis_error(commit(R"(,"client_id":"consumer-1","generation_id":0)"), "DIS.4703",
                             "Illegal consumer group generation. [generation 0, the group's is 1]"));
    EXPECT_TRUE(is_dis_error(commit(R"(,"client_id":"consumer-1","generation_id":"1")"), "DIS.4200",
                             "Invalid request. [generation_id: must be an integer]"));
    EXPECT_TRUE(is_dis_error(commit(R"(,"client_id":7,"generation_id":1)"), "DIS.4200",
                             "Invalid request. [client_id: must be a string]"));
    EXPECT_FALSE(server.state().dis.get_checkpoint(project_id, {"billing", "orders", 0, "LAST_READ"}))
        << "refused commits store nothing";

    EXPECT_TRUE(is_empty_answer(commit(R"(,"client_id":"consumer-1","generation_id":1)"), 201));
    EXPECT_TRUE(is_empty_answer(commit(""), 201)) << "without client_id the group is not asked";
    EXPECT_TRUE(is_empty_answer(commit(R"(,"client_id":"","generation_id":0)"), 201))
        << "an empty client_id claims nothing";
    EXPECT_TRUE(is_empty_answer(commit(R"(,"generation_id":99)"), 201))
        << "a generation alone claims nothing";

    // The group checks come after the stream and the app.
    EXPECT_TRUE(is_dis_error(
        server.request("POST", path("/checkpoints"),
                       R"({"app_name":"ghost","checkpoint_type":"LAST_READ","stream_name":"orders",)"
                       R"("partition_id":"0","sequence_number":"0","client_id":"x","generation_id":1})"),
        "DIS.4332", "app not found."));
}

TEST_F(dis_groups, a_member_that_stops_heartbeating_is_dropped_on_the_next_call) {
    join("consumer-a");
    sync("consumer-a", -1);
    join("consumer-b");
    join("consumer-a");
    sync("consumer-a", 1);
    sync("consumer-b", -1);
    server.clock().now_ms += 15'000;
    EXPECT_EQ(state_of(heartbeat("consumer-b", 2)), "STABLE");
    server.clock().now_ms += 5'001;  // consumer-a silent for 20.001 s: longer than its rebalanceTimeoutMs
    EXPECT_EQ(state_of(heartbeat("consumer-b", 2)), "JOINING");
    EXPECT_EQ(members(), 1);
    EXPECT_TRUE(is_dis_error(commit(R"(,"client_id":"consumer-a","generation_id":2)"), "DIS.4702",
                             "Consumer member does not exist. [consumer-a is not a member of the group]"));
    join("consumer-b");
    EXPECT_EQ(sync("consumer-b", 2).body, R"({"state":"OK","generation":3,"assignment":{"orders":[0,1,2]}})");
}

TEST_F(dis_groups, deleting_the_app_ends_the_group) {
    join("consumer-1");
    sync("consumer-1", -1);
    EXPECT_TRUE(is_empty_answer(server.request("DELETE", path("/apps/billing")), 204));
    EXPECT_EQ(heartbeat("consumer-1", 1).body, R"({"state":"GROUP_NOT_EXIST"})");
    ASSERT_TRUE(is_empty_answer(create_app(server, "billing"), 201));
    EXPECT_EQ(heartbeat("consumer-1", 1).body, R"({"state":"JOINING"})") << "a new app is a new, empty group";
}

TEST_F(dis_groups, the_group_routes_are_journaled_under_their_operations) {
    join("consumer-1");
    heartbeat("consumer-1", -1);
    sync("consumer-1", -1);
    server.request("DELETE", path(consumers + "/consumer-1"));
    const auto reply = server.request(
        "GET", "/_emulator/requests?path_prefix=/v2/" + project_id + "/apps/billing/consumers");
    ASSERT_EQ(reply.status, 200U) << reply.body;
    const auto body = reply.json();
    ASSERT_EQ(body["requests"].Size(), 4U);
    const char* operations[] = {"JoinGroup", "Heartbeat", "SyncGroup", "LeaveGroup"};
    for (rapidjson::SizeType i = 0; i < 4; ++i) {
        EXPECT_STREQ(body["requests"][i]["operation"].GetString(), operations[i]);
    }
}

}  // namespace
}  // namespace emu::test
