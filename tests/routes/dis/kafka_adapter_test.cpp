// The DIS Kafka adapter's subscribe() consumer loop with two members, request by request as its Coordinator
// and Fetcher send them through the Java SDK 1.3.21 (dis-native-sdks.md §2.1, §2.2; kafka-adapter
// Coordinator.java, Fetcher.java, SubscriptionState.java): signed in the SDK's legacy DIS form and verified
// in strict mode, bodies as Jackson writes the request classes, queries unencoded in java.util.HashMap order
// with the SDK's trailing '&'. Left out: the trailing '/' the SDK puts on every path (the path tests cover
// it); the adapter's threads, whose calls the test makes at the points where they would fall.
//
// The story: a subscribes alone and reads everything; b joins and the group rebalances (a's commit during
// the rebalance is refused with DIS.4701, so b re-reads from a's last checkpoint on the partition it takes
// over); both commit; a leaves and b takes over a's partition from a's checkpoint; the checkpoints are
// deleted and b, restarted, reads everything again from the start.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "routes/auth/authenticate.hpp"
#include "tests/support/dis_client.hpp"
#include "tests/support/sdk_signer.hpp"
#include "tests/support/test_server.hpp"

namespace emu::test {
namespace {

const std::string access_key = "EXAMPLEAK0000000DIS2";
const std::string secret_key = "exampleSecretKey0123456789abcdefADAPTERSK";
const std::string region = "cn-north-4";
const std::string group = "billing";
const std::string stream = "orders";
constexpr std::int64_t heartbeat_interval_ms = 10'000;  // heartbeat.interval.ms

routes::auth::auth_settings strict_keys() {
    routes::auth::auth_settings auth;
    auth.mode = routes::auth::auth_mode::strict;
    auth.credentials.push_back({access_key, secret_key, project_id, ""});
    return auth;
}

// The bucket of a String key in a java.util.HashMap of the default 16 buckets: String.hashCode, spread as
// HashMap.hash() does.
std::uint32_t java_bucket(const std::string& key) {
    std::uint32_t h = 0;
    for (const unsigned char c : key) h = 31 * h + c;
    return (h ^ (h >> 16)) & 15U;
}

// AbstractDISClient.setParameters and buildURI: the request object's non-null fields, in declaration order
// into a HashMap, iterated by bucket (insertion order within one), `key=value&` each, nothing encoded.
std::string java_query(name_values fields) {
    std::stable_sort(fields.begin(), fields.end(), [](const auto& a, const auto& b) {
        return java_bucket(a.first) < java_bucket(b.first);
    });
    std::string out;
    for (const auto& [name, value] : fields) out += name + "=" + value + "&";
    return out;
}

// The Java SDK's DISClient on the wire (AbstractDISClient.beforeRequest, DefaultSigner).
class java_sdk {
  public:
    explicit java_sdk(test_server& server) : server_(server) {}

    http_reply call(const std::string& method, const std::string& rest, const name_values& query = {},
                    const std::string& body = {}) const {
        signable_request request;
        request.method = method;
        request.path = "/v2/" + project_id + rest;
        request.query = query;
        request.body = body;
        request.headers = {{"X-Project-Id", project_id},
                           {"Content-Type", "application/json; charset=utf-8"},
                           {"accept", "*/*; charset=utf-8"},
                           {"X-SDK-Version", "1.3.21/java"},
                           {"Host", "127.0.0.1:" + std::to_string(server_.port())},
                           {"X-Sdk-Date", sdk_date(server_.clock().now_ms.load())}};
        header_list headers(request.headers.begin(), request.headers.end());
        headers.emplace_back("Authorization",
                             legacy_dis_authorization(request, access_key, secret_key, region));
        const std::string text = java_query(query);
        return server_.request(method, request.path + (text.empty() ? "" : "?" + text), body, headers);
    }

  private:
    test_server& server_;
};

std::string shard(int partition) {
    return "shardId-" + std::string(10 - std::to_string(partition).size(), '0') + std::to_string(partition);
}

// What one poll hands the application: data per partition, in order.
using polled = std::map<int, std::vector<std::string>>;

// One DISConsumer with subscribe([orders]), group.id billing, enable.auto.commit=false,
// auto.offset.reset=earliest; its Coordinator's state machine as Coordinator.java runs it.
class adapter_consumer {
  public:
    adapter_consumer(java_sdk& sdk, test_server& server, std::string client_id)
        : sdk_(sdk), server_(server), client_id_(std::move(client_id)) {}

    // DISConsumer.innerPoll: the delayed tasks that are due (AutoCreateAppTask once, HeartbeatDelayedRequest
    // every 10 s), ensureGroupStable, then one round of Fetcher.sendFetchRequests. A sync answered WAITING
    // leaves the consumer blocked in it (the adapter sleeps 500 ms and asks again: resume()).
    polled poll() {
        if (!app_checked_) {
            auto_create_app();
            app_checked_ = true;
        }
        if (now() >= next_heartbeat_) {
            next_heartbeat_ = now() + heartbeat_interval_ms;
            heartbeat_task();
            if (waiting_) return {};
        }
        return finish_poll();
    }

    // The sync again after WAITING, and the rest of the poll it was part of.
    polled resume() {
        EXPECT_TRUE(waiting_) << client_id_ << " is not waiting";
        waiting_ = false;
        do_sync();
        if (waiting_) return {};
        return finish_poll();
    }

    // commitSync(): one CommitCheckpoint per assigned partition, position = last sequence number read + 1.
    std::vector<http_reply> commit_sync() {
        std::vector<http_reply> replies;
        for (const int p : assigned_) {
            const auto position = positions_.find(p);
            if (position == positions_.end()) continue;
            replies.push_back(
                sdk_.call("POST", "/checkpoints", {},
                          R"({"app_name":")" + group + R"(","checkpoint_type":"LAST_READ","stream_name":")" +
                              stream + R"(","partition_id":")" + shard(p) + R"(","sequence_number":")" +
                              std::to_string(position->second) + R"(","metadata":"","client_id":")" +
                              client_id_ + R"(","generation_id":)" + std::to_string(generation_) + "}"));
        }
        return replies;
    }

    // close() and unsubscribe(): Coordinator.maybeLeaveGroup.
    void close() {
        if (generation_ < 0) return;
        generation_ = -1;
        EXPECT_TRUE(is_empty_answer(sdk_.call("DELETE", "/apps/" + group + "/consumers/" + client_id_), 204));
    }

    bool waiting() const { return waiting_; }
    std::int64_t generation() const { return generation_; }
    const std::set<int>& assigned() const { return assigned_; }
    std::int64_t position(int partition) const { return positions_.at(partition); }

  private:
    enum class client_state { init, joining, syncing, stable };

    std::int64_t now() const { return server_.clock().now_ms.load(); }

    void auto_create_app() {
        const auto described = sdk_.call("GET", "/apps/" + group);
        if (described.status == 200) return;
        ASSERT_TRUE(is_dis_error(described, "DIS.4332", "app not found.")) << described.body;
        const auto created = sdk_.call("POST", "/apps", {}, R"({"app_name":")" + group + R"("})");
        ASSERT_TRUE(created.status == 201 || created.body.find("DIS.4330") != std::string::npos)
            << created.body;
    }

    std::string state_of(const http_reply& reply) {
        EXPECT_TRUE(is_json_answer(reply)) << reply.body;
        const auto body = reply.json();
        return body.IsObject() && body.HasMember("state") && body["state"].IsString()
                   ? body["state"].GetString()
                   : "";
    }

    // HeartbeatDelayedRequest.doRequest.
    void heartbeat_task() {
        std::string answer = "JOINING";
        if (!(state_ == client_state::stable && generation_ == -1)) {
            answer =
                state_of(sdk_.call("POST", "/apps/" + group + "/consumers/" + client_id_ + "/heartbeats", {},
                                   R"({"clientId":")" + client_id_ + R"(","groupId":")" + group +
                                       R"(","generation":)" + std::to_string(generation_) + "}"));
        }
        if (state_ == client_state::stable && answer != "STABLE") needs_commits_ = true;  // revoked
        if (state_ == client_state::syncing && answer == "STABLE") {
            readable_partition_count();
            update_subscriptions();
        }
        if (answer == "JOINING") {
            do_join();
        } else if (answer == "SYNCING") {
            do_sync();
        } else if (answer == "STABLE") {
            if (state_ == client_state::syncing || state_ == client_state::stable) {
                state_ = client_state::stable;
            } else {
                do_join();
            }
        } else {
            ADD_FAILURE() << client_id_ << ": heartbeat answered " << answer;
        }
    }

    void do_join() {
        state_ = client_state::joining;
        const auto reply = sdk_.call("POST", "/apps/" + group + "/consumers", {},
                                     R"({"groupId":")" + group + R"(","clientId":")" + client_id_ +
                                         R"(","interestedStream":[")" + stream +
                                         R"("],"interestedStreamIdList":[],"accelerateAssignEnabled":false,)"
                                         R"("rebalanceTimeoutMs":20000})");
        const auto body = reply.json();
        ASSERT_TRUE(has_members(body, {"state", "subscription", "syncDelayedTimeMs"})) << reply.body;
        ASSERT_TRUE(body["syncDelayedTimeMs"].IsInt64()) << "unboxed as a long";
        ASSERT_TRUE(has_string(body, "state", "OK")) << reply.body;
        needs_commits_ = true;
        do_sync();
    }

    void do_sync() {
        state_ = client_state::syncing;
        const auto reply =
            sdk_.call("POST", "/apps/" + group + "/consumers/" + client_id_ + "/partitions", {},
                      R"({"groupId":")" + group + R"(","clientId":")" + client_id_ + R"(","generation":)" +
                          std::to_string(generation_) + "}");
        const std::string answer = state_of(reply);
        if (answer == "WAITING") {
            waiting_ = true;
            return;
        }
        if (answer == "REJOIN") return do_join();
        ASSERT_EQ(answer, "OK") << reply.body;
        const auto body = reply.json();
        ASSERT_TRUE(body["generation"].IsInt64()) << reply.body;
        generation_ = body["generation"].GetInt64();
        assignment_.clear();
        if (body.HasMember("assignment")) {
            for (const auto& entry : body["assignment"].GetObject()) {
                ASSERT_EQ(std::string(entry.name.GetString()), stream);
                for (const auto& p : entry.value.GetArray()) assignment_.insert(p.GetInt());
            }
        }
    }

    // getSubscribeStreamPartitionCount: DescribeStream with limit_partitions=1.
    void readable_partition_count() {
        const auto reply =
            sdk_.call("GET", "/streams/" + stream, {{"stream_name", stream}, {"limit_partitions", "1"}});
        ASSERT_TRUE(is_json_answer(reply)) << reply.body;
        EXPECT_TRUE(reply.json()["readable_partition_count"].IsInt());
    }

    // updateSubscriptions: assignFromSubscribed drops every position; cursors of kept partitions stay.
    void update_subscriptions() {
        for (auto it = cursors_.begin(); it != cursors_.end();) {
            it = assignment_.contains(it->first) ? std::next(it) : cursors_.erase(it);
        }
        assigned_ = assignment_;
        positions_.clear();
        committed_.clear();
    }

    bool ensure_group_stable() {
        for (int loop = 0; state_ != client_state::stable; ++loop) {
            if (loop > 50) {
                ADD_FAILURE() << client_id_ << " never became STABLE";
                return false;
            }
            heartbeat_task();
            if (waiting_) return false;
        }
        return true;
    }

    polled finish_poll() {
        if (!ensure_group_stable()) return {};
        return fetch();
    }

    // Fetcher.sendFetchRequests and fetchRecords.
    polled fetch() {
        std::vector<int> missing;
        for (const int p : assigned_) {
            if (!positions_.contains(p)) missing.push_back(p);
        }
        if (!missing.empty()) update_fetch_positions(missing);
        for (const int p : assigned_) {
            if (!cursors_.contains(p)) seek(p);
        }
        polled out;
        for (const int p : assigned_) {
            const auto reply =
                sdk_.call("GET", "/records", {{"partition-cursor", cursors_[p]}, {"app_name", group}});
            EXPECT_TRUE(is_json_answer(reply)) << reply.body;
            const auto body = reply.json();
            auto& got = out[p];  // a partition that answered is in the result, records or not
            for (const auto& record : body["records"].GetArray()) {
                got.push_back(record["data"].GetString());
                positions_[p] = std::stoll(record["sequence_number"].GetString()) + 1;
            }
            cursors_[p] = body["next_partition_cursor"].GetString();
        }
        return out;
    }

    // Coordinator.updateFetchPositions: the checkpoints when a refresh is due, then each position from its
    // checkpoint or, with none, reset to EARLIEST from DescribeStream's sequence_number_range.
    void update_fetch_positions(const std::vector<int>& missing) {
        if (needs_commits_) {
            for (const int p : assigned_) {
                const auto reply = sdk_.call("GET", "/checkpoints",
                                             {{"stream_name", stream},
                                              {"partition_id", shard(p)},
                                              {"checkpoint_type", "LAST_READ"},
                                              {"app_name", group}});
                ASSERT_TRUE(is_json_answer(reply)) << reply.body;
                const auto sequence = std::stoll(reply.json()["sequence_number"].GetString());
                if (sequence >= 0) committed_[p] = sequence;
            }
            needs_commits_ = false;
        }
        for (const int p : missing) {
            if (const auto it = committed_.find(p); it != committed_.end()) {
                positions_[p] = it->second;
                continue;
            }
            const auto reply = sdk_.call("GET", "/streams/" + stream,
                                         {{"stream_name", stream},
                                          {"start_partitionId", p == 0 ? "" : shard(p - 1)},
                                          {"limit_partitions", "100"}});
            ASSERT_TRUE(is_json_answer(reply)) << reply.body;
            const auto body = reply.json();
            const auto& first = body["partitions"][0];
            ASSERT_EQ(std::string(first["partition_id"].GetString()), shard(p));
            const std::string range = first["sequence_number_range"].GetString();  // "[start : end]"
            ASSERT_EQ(range.front(), '[');
            positions_[p] = std::stoll(range.substr(1, range.find(':') - 1));
            cursors_.erase(p);
        }
    }

    // Coordinator.seek: a cursor at the position, without cursor-type.
    void seek(int p) {
        const auto reply = sdk_.call("GET", "/cursors",
                                     {{"stream-name", stream},
                                      {"partition-id", shard(p)},
                                      {"starting-sequence-number", std::to_string(positions_.at(p))}});
        ASSERT_TRUE(is_json_answer(reply)) << reply.body;
        cursors_[p] = reply.json()["partition_cursor"].GetString();
    }

    java_sdk& sdk_;
    test_server& server_;
    std::string client_id_;
    client_state state_ = client_state::init;
    std::int64_t generation_ = -1;
    bool app_checked_ = false;
    bool waiting_ = false;
    bool needs_commits_ = true;
    std::int64_t next_heartbeat_ = 0;
    std::set<int> assignment_;  // from the last sync
    std::set<int> assigned_;    // what it consumes
    std::map<int, std::int64_t> positions_;
    std::map<int, std::int64_t> committed_;
    std::map<int, std::string> cursors_;
};

class kafka_adapter_group : public testing::Test {
  protected:
    test_server server{strict_keys()};
    java_sdk sdk{server};

    void SetUp() override {
        ASSERT_TRUE(is_empty_answer(
            sdk.call("POST", "/streams", {}, R"({"stream_name":"orders","partition_count":2})"), 201));
    }

    void produce(int partition, const std::vector<std::string>& data) {
        std::string records;
        for (const auto& d : data) {
            records += std::string(records.empty() ? "" : ",") + R"({"data":")" + d +
                       R"(","partition_id":")" + std::to_string(partition) + R"("})";
        }
        const auto reply =
            sdk.call("POST", "/records", {}, R"({"stream_name":"orders","records":[)" + records + "]}");
        ASSERT_TRUE(is_json_answer(reply)) << reply.body;
    }

    std::string checkpoint(int partition) {
        const auto reply = sdk.call("GET", "/checkpoints",
                                    {{"stream_name", stream},
                                     {"partition_id", shard(partition)},
                                     {"checkpoint_type", "LAST_READ"},
                                     {"app_name", group}});
        EXPECT_TRUE(is_json_answer(reply)) << reply.body;
        return reply.json()["sequence_number"].GetString();
    }

    void heartbeat_interval_passes() { server.clock().now_ms += heartbeat_interval_ms; }

    std::vector<std::string> journal_operations() {
        const auto reply = server.request("GET", "/_emulator/requests");
        EXPECT_EQ(reply.status, 200U) << reply.body;
        std::vector<std::string> out;
        const auto body = reply.json();
        for (const auto& entry : body["requests"].GetArray()) {
            out.push_back(std::string(entry["operation"].GetString()) + " " +
                          std::to_string(entry["status"].GetInt()));
        }
        return out;
    }
};

testing::AssertionResult all_created(const std::vector<http_reply>& replies) {
    if (replies.empty()) return testing::AssertionFailure() << "nothing committed";
    for (const auto& reply : replies) {
        if (auto ok = is_empty_answer(reply, 201); !ok) return ok;
    }
    return testing::AssertionSuccess();
}

TEST_F(kafka_adapter_group, two_members_rebalance_commit_hand_over_and_reconsume_from_the_start) {
    produce(0, {"YTA=", "YTE=", "YTI="});
    produce(1, {"YjA=", "YjE="});
    ASSERT_TRUE(is_empty_answer(server.request("DELETE", "/_emulator/requests"), 204));

    // a subscribes alone: the app is created on the first poll, a gets both partitions of generation 1 and
    // reads them from the start.
    adapter_consumer a{sdk, server, "consumer-a"};
    EXPECT_EQ(a.poll(), (polled{{0, {"YTA=", "YTE=", "YTI="}}, {1, {"YjA=", "YjE="}}}));
    EXPECT_EQ(a.generation(), 1);
    EXPECT_EQ(a.assigned(), (std::set<int>{0, 1}));
    // The adapter's order of calls, as the journal recorded them.
    EXPECT_EQ(
        journal_operations(),
        (std::vector<std::string>{"ShowApp 400", "CreateApp 201", "Heartbeat 200", "JoinGroup 200",
                                  "SyncGroup 200", "Heartbeat 200", "ShowStream 200", "ShowCheckpoint 200",
                                  "ShowCheckpoint 200", "ShowStream 200", "ShowStream 200", "ShowCursor 200",
                                  "ShowCursor 200", "ConsumeRecords 200", "ConsumeRecords 200"}));
    const auto journal = server.request("GET", "/_emulator/requests?operation=ShowCursor").json();
    const std::string seek_query = journal["requests"][0]["query"].GetString();
    EXPECT_EQ(seek_query.find("cursor-type"), std::string::npos) << "the adapter's seek names no cursor type";
    EXPECT_EQ(seek_query.back(), '&');

    ASSERT_TRUE(all_created(a.commit_sync()));
    EXPECT_EQ(checkpoint(0), "3");
    EXPECT_EQ(checkpoint(1), "2");

    // More records; a reads them but has not committed them when b subscribes.
    produce(0, {"YTM="});
    produce(1, {"YjI=", "YjM="});
    EXPECT_EQ(a.poll(), (polled{{0, {"YTM="}}, {1, {"YjI=", "YjM="}}}));

    adapter_consumer b{sdk, server, "consumer-b"};
    EXPECT_EQ(b.poll(), polled{});
    EXPECT_TRUE(b.waiting()) << "b joined; the group waits for a to rejoin";

    // a commits before it has heard of the rebalance: refused, nothing stored.
    for (const auto& reply : a.commit_sync()) {
        EXPECT_TRUE(is_dis_error(
            reply, "DIS.4701",
            "Consumer group rebalance in progress. [join and sync the group again, then commit]"));
    }
    EXPECT_EQ(checkpoint(0), "3");
    EXPECT_EQ(checkpoint(1), "2");

    // a's next heartbeat says JOINING: a rejoins, which completes the rebalance, and keeps partition 0.
    heartbeat_interval_passes();
    EXPECT_EQ(a.poll(), (polled{{0, {}}}));
    EXPECT_EQ(a.generation(), 2);
    EXPECT_EQ(a.assigned(), std::set<int>{0});

    // b's sync now gets partition 1, and b reads it from a's last checkpoint: b2 and b3 again.
    EXPECT_EQ(b.resume(), (polled{{1, {"YjI=", "YjM="}}}));
    EXPECT_EQ(b.generation(), 2);
    EXPECT_EQ(b.assigned(), std::set<int>{1});
    const auto view = server.state().dis.group(project_id, group);
    EXPECT_EQ(view->phase, state::group_phase::stable);
    EXPECT_EQ(view->members.size(), 2U);

    produce(0, {"YTQ="});
    EXPECT_EQ(a.poll(), (polled{{0, {"YTQ="}}}));
    ASSERT_TRUE(all_created(a.commit_sync()));
    ASSERT_TRUE(all_created(b.commit_sync()));
    EXPECT_EQ(checkpoint(0), "5");
    EXPECT_EQ(checkpoint(1), "4");

    // a leaves; its commits are refused from then on.
    a.close();
    const auto stale =
        sdk.call("POST", "/checkpoints", {},
                 R"({"app_name":"billing","checkpoint_type":"LAST_READ","stream_name":"orders",)"
                 R"("partition_id":"shardId-0000000000","sequence_number":"5","metadata":"",)"
                 R"("client_id":"consumer-a","generation_id":2})");
    EXPECT_TRUE(is_dis_error(stale, "DIS.4702",
                             "Consumer member does not exist. [consumer-a is not a member of the group]"));

    // b's next heartbeat rebalances it onto both partitions; it takes partition 0 over from a's checkpoint.
    produce(0, {"YTU=", "YTY="});
    heartbeat_interval_passes();
    EXPECT_EQ(b.poll(), (polled{{0, {"YTU=", "YTY="}}, {1, {}}}));
    EXPECT_EQ(b.generation(), 3);
    EXPECT_EQ(b.assigned(), (std::set<int>{0, 1}));
    ASSERT_TRUE(all_created(b.commit_sync()));
    EXPECT_EQ(checkpoint(0), "7");
    EXPECT_EQ(checkpoint(1), "4");

    // The checkpoints are deleted (DeleteCheckpointRequest without a partition: all of the stream's).
    EXPECT_TRUE(is_empty_answer(
        sdk.call("DELETE", "/checkpoints",
                 {{"stream_name", stream}, {"checkpoint_type", "LAST_READ"}, {"app_name", group}}),
        204));
    EXPECT_EQ(checkpoint(0), "-1");
    EXPECT_EQ(checkpoint(1), "-1");

    // b restarts with the same client id: no checkpoint, so it reads everything from the start again.
    b.close();
    adapter_consumer restarted{sdk, server, "consumer-b"};
    EXPECT_EQ(restarted.poll(), (polled{{0, {"YTA=", "YTE=", "YTI=", "YTM=", "YTQ=", "YTU=", "YTY="}},
                                        {1, {"YjA=", "YjE=", "YjI=", "YjM="}}}));
    EXPECT_EQ(restarted.generation(), 4);
    restarted.close();
    EXPECT_TRUE(server.state().dis.group(project_id, group)->members.empty());
}

TEST_F(kafka_adapter_group, a_consumer_that_stops_heartbeating_loses_its_partitions) {
    produce(0, {"YTA="});
    produce(1, {"YjA="});
    adapter_consumer a{sdk, server, "consumer-a"};
    adapter_consumer b{sdk, server, "consumer-b"};
    a.poll();
    b.poll();
    ASSERT_TRUE(b.waiting());
    heartbeat_interval_passes();
    a.poll();
    b.resume();
    ASSERT_EQ(a.assigned(), std::set<int>{0});
    ASSERT_EQ(b.assigned(), std::set<int>{1});
    ASSERT_TRUE(all_created(a.commit_sync()));
    ASSERT_TRUE(all_created(b.commit_sync()));

    // a hangs: only b heartbeats. After a's rebalance timeout (20 s) b is told to rejoin and gets both.
    heartbeat_interval_passes();
    b.poll();
    EXPECT_EQ(b.assigned(), std::set<int>{1});
    heartbeat_interval_passes();
    heartbeat_interval_passes();
    EXPECT_EQ(b.poll(), (polled{{0, {}}, {1, {}}})) << "partition 0 from a's checkpoint (1): nothing new";
    EXPECT_EQ(b.assigned(), (std::set<int>{0, 1}));
    EXPECT_EQ(b.position(0), 1);

    // a wakes up: its commit is refused, and its next heartbeat makes it rejoin.
    for (const auto& reply : a.commit_sync()) {
        EXPECT_TRUE(is_dis_error(
            reply, "DIS.4702", "Consumer member does not exist. [consumer-a is not a member of the group]"));
    }
}

}  // namespace
}  // namespace emu::test
